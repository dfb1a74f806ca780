"""Forms of proactive disclosure: they parse; the services and the core validate the substance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xxgk.core.outcomes import Channel
from xxgk.core.proactive import CATEGORIES, DEFAULT_PATTERN, PLACEHOLDERS, Attribute, Category, WithholdingGround
from xxgk.core.signoff import MAX_STEPS, Chain, Decision, Step
from xxgk.web.cases.vocabulary import tr
from xxgk.web.proactive.attachments import ALLOWED_LABEL, MAX_ATTACHMENT_BYTES
from xxgk.web.proactive.models import ChainKind, ItemStatus
from xxgk.web.proactive.selectors import BASIC_CHANNELS, VIEWS, CatalogueFilters, ItemFilters
from xxgk.web.proactive.services import GuideData, ItemData
from xxgk.web.tenancy.models import MemberRole

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STEP_ROLES = [(r.value, gettext_lazy(str(r.label))) for r in (MemberRole.REVIEWER, MemberRole.HEAD)]


def _blank(choices: list[tuple[str, Any]], label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def category_choices(categories: tuple[Category, ...] | None = None) -> list[tuple[str, Any]]:
    """Categories grouped by article (Art 20, then Art 21) for a ``<select>`` with optgroups (the categories are
    the regulation's words: not translated)."""
    cats = tuple(CATEGORIES.values()) if categories is None else categories
    art20 = [(c.code, f"（{c.short}）{c.label}") for c in cats if c.code.startswith("a20.")]
    art21 = [(c.code, f"（{c.short}）{c.label}") for c in cats if c.code.startswith("a21.")]
    groups: list[tuple[str, Any]] = [(_("《条例》第二十条"), art20)]
    if art21:
        groups.append((_("《条例》第二十一条"), art21))
    return groups


class ItemForm(forms.Form):
    body = forms.TypedChoiceField(label=gettext_lazy("机关"), coerce=int)
    category = forms.ChoiceField(label=gettext_lazy("信息类别"))
    title = forms.CharField(label=gettext_lazy("标题"), max_length=300)
    doc_number = forms.CharField(
        label=gettext_lazy("文号"), max_length=100, required=False, help_text=gettext_lazy("如：八桥府发〔2026〕12号")
    )
    issuer = forms.CharField(
        label=gettext_lazy("发布机构"), max_length=200, required=False, help_text=gettext_lazy("留空则为本机关名称")
    )
    formed_on = forms.DateField(
        label=gettext_lazy("形成或变更日期"),
        widget=DATE_WIDGET,
        help_text=gettext_lazy("《条例》第二十六条：自形成或变更之日起20个工作日内公开"),
    )
    attribute = forms.ChoiceField(label=gettext_lazy("公开属性"), choices=[(a.value, tr(a.label)) for a in Attribute])
    withholding_ground = forms.ChoiceField(
        label=gettext_lazy("不予公开的法律依据"),
        required=False,
        choices=_blank([(g.value, g.full_label) for g in WithholdingGround]),
        help_text=gettext_lazy("仅“不予公开”时选择（《条例》第十四条至第十六条）"),
    )
    attribute_reason = forms.CharField(
        label=gettext_lazy("不公开的理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("“依申请公开”或“不予公开”时必填"),
    )
    summary = forms.CharField(
        label=gettext_lazy("内容概述"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("提交审查前必填"),
    )
    content = forms.CharField(label=gettext_lazy("正文"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    important = forms.BooleanField(label=gettext_lazy("重要信息（须报主要领导审定）"), required=False)

    def __init__(
        self,
        *args: Any,
        bodies: list[tuple[int, str]],
        categories: tuple[Category, ...] | None = None,
        fixed_body: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        body_field = self.fields["body"]
        category_field = self.fields["category"]
        assert isinstance(body_field, forms.ChoiceField) and isinstance(category_field, forms.ChoiceField)
        body_field.choices = bodies
        category_field.choices = category_choices(categories)
        if fixed_body:
            self.fields["body"].disabled = True
        if not self.is_bound and "formed_on" not in self.initial:
            self.fields["formed_on"].initial = timezone.localdate()

    def item_data(self) -> ItemData:
        c = self.cleaned_data
        return ItemData(
            category=c["category"],
            title=c["title"],
            formed_on=c["formed_on"],
            attribute=c["attribute"],
            doc_number=c.get("doc_number") or "",
            issuer=c.get("issuer") or "",
            withholding_ground=c.get("withholding_ground") or "",
            attribute_reason=c.get("attribute_reason") or "",
            summary=c.get("summary") or "",
            content=c.get("content") or "",
            important=bool(c.get("important")),
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("附件"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s；单个文件不超过 %(limit)s MB") % {
            "types": ALLOWED_LABEL,
            "limit": MAX_ATTACHMENT_BYTES // (1024 * 1024),
        }


class DecisionForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=gettext_lazy("审查结论"), choices=[(d.value, tr(d.label)) for d in Decision], widget=forms.RadioSelect
    )
    opinion = forms.CharField(
        label=gettext_lazy("审查意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("退回修改时必须写明理由"),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("撤回理由"), widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("公开日期"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ItemFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=gettext_lazy("视图"), required=False, choices=[(k, gettext_lazy(v)) for k, v in VIEWS.items()]
    )
    q = forms.CharField(label=gettext_lazy("关键词"), required=False, max_length=100)
    category = forms.ChoiceField(label=gettext_lazy("类别"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=_blank([(s.value, gettext_lazy(s.label)) for s in ItemStatus]),
    )
    year = forms.TypedChoiceField(label=gettext_lazy("形成年度"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "category", [("", "—"), *category_choices()])
        _set_choices(self, "year", _blank([(str(y), str(y)) for y in years]))

    def filters(self, *, default_days: int) -> ItemFilters:
        if not self.is_bound or not self.is_valid():
            return ItemFilters(due_soon_days=default_days)
        c = self.cleaned_data
        return ItemFilters(
            view=c.get("view") or "all",
            q=(c.get("q") or "").strip(),
            category=c.get("category") or "",
            status=c.get("status") or "",
            year=c.get("year"),
            due_soon_days=default_days,
        )


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("关键词"), required=False, max_length=100)
    category = forms.ChoiceField(label=gettext_lazy("类别"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("公开年度"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, categories: tuple[Category, ...], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "category", [("", _("全部类别")), *category_choices(categories)])
        _set_choices(self, "year", _blank([(str(y), str(y)) for y in years], _("全部年度")))

    def filters(self) -> CatalogueFilters:
        if not self.is_bound or not self.is_valid():
            return CatalogueFilters()
        c = self.cleaned_data
        return CatalogueFilters(q=(c.get("q") or "").strip(), category=c.get("category") or "", year=c.get("year"))


class ChainForm(forms.Form):
    """Up to :data:`MAX_STEPS` rows (name, role, important only); rows without a name are dropped. The chain of
    replies (``kind`` :attr:`ChainKind.REPLY`) has no "important only" column: replies are not marked important."""

    distinct_reviewers = forms.BooleanField(label=gettext_lazy("各环节须由不同人员审定"), required=False)

    def __init__(self, *args: Any, chain: Chain | None = None, kind: str = ChainKind.ITEM, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = ChainKind(kind)
        self.has_important = self.kind is ChainKind.ITEM
        for i in range(1, MAX_STEPS + 1):
            self.fields[f"step_{i}_name"] = forms.CharField(
                label=_("第%(n)s环节 名称") % {"n": i}, required=False, max_length=50
            )
            self.fields[f"step_{i}_role"] = forms.ChoiceField(
                label=_("第%(n)s环节 审定角色") % {"n": i}, choices=STEP_ROLES
            )
            if self.has_important:
                self.fields[f"step_{i}_important_only"] = forms.BooleanField(
                    label=_("第%(n)s环节 仅重要信息需要") % {"n": i}, required=False
                )
        if chain is not None and not self.is_bound:
            self.initial["distinct_reviewers"] = chain.distinct_reviewers
            for i, step in enumerate(chain.steps, 1):
                self.initial[f"step_{i}_name"] = step.name
                self.initial[f"step_{i}_role"] = step.role
                if self.has_important:
                    self.initial[f"step_{i}_important_only"] = step.important_only

    def rows(self) -> list[list[forms.BoundField]]:
        names = ("name", "role", "important_only") if self.has_important else ("name", "role")
        return [[self[f"step_{i}_{n}"] for n in names] for i in range(1, MAX_STEPS + 1)]

    def chain(self) -> Chain:
        """The chain entered (:class:`~xxgk.core.signoff.SignoffError` when it is not a valid chain)."""
        c = self.cleaned_data
        steps: list[Step] = []
        for i in range(1, MAX_STEPS + 1):
            name = (c.get(f"step_{i}_name") or "").strip()
            if not name:
                continue
            steps.append(
                Step(
                    key=f"step{len(steps) + 1}",
                    name=name,
                    role=c[f"step_{i}_role"],
                    important_only=bool(c.get(f"step_{i}_important_only")),
                )
            )
        return Chain(steps=tuple(steps), distinct_reviewers=bool(c.get("distinct_reviewers")))


class CatalogueSettingsForm(forms.Form):
    body_code = forms.CharField(
        label=gettext_lazy("机关代码"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("索引号中的机关代码（如统一社会信用代码）；留空则用本系统的机关代码"),
    )
    index_pattern = forms.CharField(
        label=gettext_lazy("索引号格式"),
        max_length=200,
        initial=DEFAULT_PATTERN,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["index_pattern"].help_text = _("可用占位符：%(placeholders)s。默认：%(default)s") % {
            "placeholders": _("；").join(f"{{{k}}} {v}" for k, v in PLACEHOLDERS.items()),
            "default": DEFAULT_PATTERN,
        }


class GuideForm(forms.Form):
    office_name = forms.CharField(label=gettext_lazy("政府信息公开工作机构"), max_length=200)
    address = forms.CharField(label=gettext_lazy("办公地址"), max_length=300)
    postcode = forms.CharField(label=gettext_lazy("邮政编码"), max_length=10, required=False)
    office_hours = forms.CharField(
        label=gettext_lazy("办公时间"),
        max_length=200,
        help_text=gettext_lazy("如：工作日上午9:00–12:00，下午14:00–17:30"),
    )
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=100)
    fax = forms.CharField(label=gettext_lazy("传真"), max_length=100, required=False)
    email = forms.EmailField(label=gettext_lazy("电子邮箱"), required=False)
    accepted_channels = forms.MultipleChoiceField(
        label=gettext_lazy("受理申请的渠道"),
        choices=[(c.value, tr(c.label)) for c in Channel if c is not Channel.ORAL],
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("当面提交和邮政寄送为基本渠道，不得拒绝（国办公开办函〔2017〕19号）"),
    )
    online_portal = forms.BooleanField(label=gettext_lazy("接受网上申请（本系统“网上申请”页面）"), required=False)
    classification = forms.CharField(
        label=gettext_lazy("信息分类与编排体系"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    proactive_access = forms.CharField(
        label=gettext_lazy("主动公开信息的获取方式"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    application_guide = forms.CharField(
        label=gettext_lazy("依申请公开的办理流程与注意事项"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    fees = forms.CharField(label=gettext_lazy("信息处理费"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    remedies = forms.CharField(
        label=gettext_lazy("监督方式和救济途径"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("classification", "proactive_access", "application_guide", "fees", "remedies"):
            self.fields[name].help_text = _("纯文本；空行分段，“## ”开头为小标题，“- ”开头为列表项")
        if not self.is_bound and "accepted_channels" not in self.initial:
            self.initial["accepted_channels"] = list(BASIC_CHANNELS)

    def guide_data(self) -> GuideData:
        c = self.cleaned_data
        return GuideData(
            office_name=c["office_name"],
            address=c["address"],
            office_hours=c["office_hours"],
            phone=c["phone"],
            postcode=c.get("postcode") or "",
            fax=c.get("fax") or "",
            email=c.get("email") or "",
            accepted_channels=tuple(c.get("accepted_channels") or ()),
            online_portal=bool(c.get("online_portal")),
            classification=c.get("classification") or "",
            proactive_access=c.get("proactive_access") or "",
            application_guide=c.get("application_guide") or "",
            fees=c.get("fees") or "",
            remedies=c.get("remedies") or "",
        )
