"""Forms of the registers: they parse and check with :mod:`xxgk.core.table2`; the services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from xxgk.core.table2 import (
    DocKind,
    FigureField,
    FigureItem,
    document_errors,
    figure_errors,
    figure_fields,
    format_number,
    parse_amount,
)
from xxgk.web.registers.data import AmendmentData, DocumentData, FigureData
from xxgk.web.registers.models import YearlyFigure
from xxgk.web.registers.sheets import MAX_UPLOAD_BYTES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: StrOrPromise, *, required: bool = False, help_text: StrOrPromise = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, help_text=help_text)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=[(k.value, k.label) for k in DocKind])
    title = forms.CharField(label=gettext_lazy("标题"), max_length=300)
    doc_number = forms.CharField(
        label=gettext_lazy("文号"), max_length=100, help_text=gettext_lazy("在本机关内唯一，如 大渡口府发〔2020〕12号")
    )
    issued_on = _date(
        gettext_lazy("制发日期"),
        required=True,
        help_text=gettext_lazy("印发（制发）之日，决定计入哪一年的“制发/新制作”"),
    )
    published_on = _date(gettext_lazy("公开日期"), help_text=gettext_lazy("向社会公开之日；尚未公开的留空"))
    effective_on = _date(gettext_lazy("施行日期"))
    expires_on = _date(
        gettext_lazy("有效期至"), help_text=gettext_lazy("有效期的最后一天；长期有效的留空。有效期届满不计入“废止”")
    )
    repealed_on = _date(gettext_lazy("废止日期"), help_text=gettext_lazy("废止（含宣布失效）生效之日"))
    proactive_item_id = forms.IntegerField(label=gettext_lazy("主动公开信息编号"), required=False, min_value=1)
    note = forms.CharField(label=gettext_lazy("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, amendments: tuple[AmendmentData, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.amendments = amendments

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        data = self.data_object(cleaned)
        for field, message in document_errors(data.core(self.amendments)):
            self.add_error(field if field in self.fields else None, message)
        return cleaned

    def data_object(self, cleaned: dict[str, Any] | None = None) -> DocumentData:
        c = self.cleaned_data if cleaned is None else cleaned
        return DocumentData(
            kind=DocKind(c["kind"]),
            title=c["title"],
            doc_number=c["doc_number"],
            issued_on=c["issued_on"],
            published_on=c.get("published_on"),
            effective_on=c.get("effective_on"),
            expires_on=c.get("expires_on"),
            repealed_on=c.get("repealed_on"),
            proactive_item_id=c.get("proactive_item_id"),
            note=c.get("note") or "",
        )


class AmendmentForm(forms.Form):
    amended_on = _date(gettext_lazy("修改日期"), required=True)
    doc_number = forms.CharField(label=gettext_lazy("修改文号"), max_length=100, required=False)
    published_on = _date(gettext_lazy("修改后公开日期"))
    note = forms.CharField(label=gettext_lazy("说明"), max_length=300, required=False)

    def data_object(self) -> AmendmentData:
        c = self.cleaned_data
        return AmendmentData(
            amended_on=c["amended_on"],
            doc_number=c.get("doc_number") or "",
            published_on=c.get("published_on"),
            note=c.get("note") or "",
        )


class FigureForm(forms.Form):
    """The numbers of one item for one year: only the fields the year's template has."""

    prev_items = forms.IntegerField(label=gettext_lazy("上一年项目数量"), min_value=0, required=False)
    change = forms.IntegerField(
        label=gettext_lazy("本年增/减"), required=False, help_text=gettext_lazy("减少用负数，如 -3")
    )
    decisions = forms.IntegerField(label=gettext_lazy("处理决定数量"), min_value=0, required=False)
    projects = forms.IntegerField(label=gettext_lazy("采购项目数量"), min_value=0, required=False)
    amount = forms.CharField(
        label=gettext_lazy("金额（万元）"),
        required=False,
        help_text=gettext_lazy("单位万元；填写“元”的（如 5890800元）自动换算"),
    )
    source = forms.CharField(
        label=gettext_lazy("数据来源"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("数据来自的系统或文件，如“区政务服务平台2020年办件统计”"),
    )

    def __init__(self, *args: Any, item: FigureItem, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item, self.year = item, year
        wanted = {f.value for f in figure_fields(item, year)}
        for name in [f.value for f in FigureField]:
            if name not in wanted:
                del self.fields[name]
            else:
                self.fields[name].required = True
                self.fields[name].label = FigureField(name).label_for(item, year)

    def clean_amount(self) -> Decimal | None:
        text: str = self.cleaned_data.get("amount") or ""
        if not text.strip():
            return None
        try:
            return parse_amount(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        for field, message in figure_errors(self.data_object(cleaned).core()):
            self.add_error(field if field in self.fields else None, message)
        return cleaned

    def data_object(self, cleaned: dict[str, Any] | None = None) -> FigureData:
        c = self.cleaned_data if cleaned is None else cleaned
        return FigureData(
            year=self.year,
            item=self.item,
            source=c.get("source") or "",
            prev_items=c.get("prev_items"),
            change=c.get("change"),
            decisions=c.get("decisions"),
            projects=c.get("projects"),
            amount=c.get("amount"),
        )

    @staticmethod
    def initial_from(fig: YearlyFigure | None) -> dict[str, Any]:
        if fig is None:
            return {}
        return {
            "prev_items": fig.prev_items,
            "change": fig.change,
            "decisions": fig.decisions,
            "projects": fig.projects,
            "amount": "" if fig.amount is None else format_number(Decimal(fig.amount)),
            "source": fig.source,
        }


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件（CSV 或 XLSX）"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件过大（上限 %(limit)s MB），请拆分后分批导入") % {"limit": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        return upload


class DocumentFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"),
        required=False,
        choices=[("", gettext_lazy("全部")), *[(k.value, k.label) for k in DocKind]],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            ("in_force", gettext_lazy("现行有效")),
            ("ended", gettext_lazy("已废止或失效")),
        ],
    )
    q = forms.CharField(label=gettext_lazy("标题或文号"), required=False)
