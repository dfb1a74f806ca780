"""The vocabularies of an application (依申请公开): channels, applicant types, forms, and the outcome catalogue.

Every closed application is counted once, in exactly one row of table 3 of the annual report
(三、收到和处理政府信息公开申请情况). :class:`Outcome` is the catalogue of answers and closures of
《政府信息公开条例》 Arts 30, 35–39 and 国办函〔2020〕109号, each with its legal basis, whether the answer must cite
a legal ground and give reasons, and its table-3 row in both template versions (template 2019 has the single
row ``other`` where template 2021 has ``other.no_correction`` / ``other.no_fee`` / ``other.other``).
:class:`ApplicantType` values are the table-3 column keys, so ``report_cell(outcome, applicant_type, version)``
is the cell an application is counted in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from xxgk.core.errors import ReportError
from xxgk.core.templates import S3_COLUMN_LABELS, TEMPLATE_VERSIONS, get_template

# -- channels (Art 28; 国办公开办函〔2017〕19号) ---------------------------------------------------


class Channel(StrEnum):
    """How the application was submitted. 当面 and 邮寄 are basic channels that may never be refused
    (19号); 口头 is allowed only where writing is genuinely difficult, staff fill in the form (Art 29)."""

    IN_PERSON = "in_person"
    MAIL = "mail"
    ONLINE = "online"
    FAX = "fax"
    EMAIL = "email"
    ORAL = "oral"

    @property
    def label(self) -> str:
        return _CHANNEL_LABELS[self]


_CHANNEL_LABELS: dict[Channel, str] = {
    Channel.IN_PERSON: "当面",
    Channel.MAIL: "邮寄",
    Channel.ONLINE: "网络",
    Channel.FAX: "传真",
    Channel.EMAIL: "电子邮件",
    Channel.ORAL: "口头",
}


# -- applicant types = table-3 columns ----------------------------------------------------------


class ApplicantType(StrEnum):
    """The applicant's type; the values are the table-3 column keys of the annual report."""

    NATURAL = "natural"
    BUSINESS = "business"
    RESEARCH = "research"
    NONPROFIT = "nonprofit"
    LEGAL = "legal"
    OTHER_ORG = "other_org"

    @property
    def label(self) -> str:
        """The column label as printed in table 3 (其他 for ``other_org``)."""
        return S3_COLUMN_LABELS[self.value]

    @property
    def full_label(self) -> str:
        """The label with its group: 自然人, 法人或其他组织·商业企业, …, 法人或其他组织·其他."""
        if self is ApplicantType.NATURAL:
            return self.label
        return f"法人或其他组织·{self.label}"

    @property
    def is_natural_person(self) -> bool:
        return self is ApplicantType.NATURAL


# -- forms of provision (Art 29 (三), Art 40) ---------------------------------------------------


class ProvisionForm(StrEnum):
    """The carrier in which information is provided (Art 40)."""

    PAPER = "paper"
    ELECTRONIC = "electronic"
    INSPECTION = "inspection"

    @property
    def label(self) -> str:
        return {"paper": "纸质文本", "electronic": "电子数据", "inspection": "查阅、抄录"}[self.value]


class DeliveryMethod(StrEnum):
    """How information (or the reply) reaches the applicant (获取信息的方式、途径)."""

    PICKUP = "pickup"
    MAIL = "mail"
    EMAIL = "email"
    FAX = "fax"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return {"pickup": "当面领取", "mail": "邮寄", "email": "电子邮件", "fax": "传真", "online": "网上获取"}[
            self.value
        ]


# -- the outcome catalogue (regulation.md §6) ----------------------------------------------------


class OutcomeGroup(StrEnum):
    """The seven groups of table 3 row 三 (（一）…（六）; （七） is the total)."""

    GRANTED = "granted"
    PARTIAL = "partial"
    DENIED = "denied"
    UNABLE = "unable"
    NOT_PROCESSED = "not_processed"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS: dict[OutcomeGroup, str] = {
    OutcomeGroup.GRANTED: "（一）予以公开",
    OutcomeGroup.PARTIAL: "（二）部分公开",
    OutcomeGroup.DENIED: "（三）不予公开",
    OutcomeGroup.UNABLE: "（四）无法提供",
    OutcomeGroup.NOT_PROCESSED: "（五）不予处理",
    OutcomeGroup.OTHER: "（六）其他处理",
}


class Outcome(StrEnum):
    """Every way an application ends. See :data:`OUTCOMES` for each one's properties."""

    GRANTED_PUBLISHED = "granted_published"
    GRANTED = "granted"
    PARTIAL = "partial"
    DENIED_STATE_SECRET = "denied_state_secret"
    DENIED_PROHIBITED = "denied_prohibited"
    DENIED_SECURITY = "denied_security"
    DENIED_THIRD_PARTY = "denied_third_party"
    DENIED_INTERNAL = "denied_internal"
    DENIED_PROCESS = "denied_process"
    DENIED_ENFORCEMENT_FILE = "denied_enforcement_file"
    DENIED_INQUIRY = "denied_inquiry"
    UNABLE_NOT_FOUND = "unable_not_found"
    UNABLE_NOT_RESPONSIBLE = "unable_not_responsible"
    UNABLE_NEEDS_CREATION = "unable_needs_creation"
    UNABLE_UNCLEAR = "unable_unclear"
    NOT_PROCESSED_COMPLAINT = "not_processed_complaint"
    NOT_PROCESSED_DUPLICATE = "not_processed_duplicate"
    NOT_PROCESSED_PUBLICATION = "not_processed_publication"
    NOT_PROCESSED_EXCESSIVE = "not_processed_excessive"
    NOT_PROCESSED_CONFIRMATION = "not_processed_confirmation"
    NO_CORRECTION = "no_correction"
    NO_FEE = "no_fee"
    WITHDRAWN = "withdrawn"
    OTHER = "other"

    @property
    def spec(self) -> OutcomeSpec:
        return OUTCOMES[self]

    @property
    def label(self) -> str:
        return OUTCOMES[self].label

    def row(self, template: str) -> str:
        """The table-3 row key this outcome is counted in, for template version ``template``."""
        return OUTCOMES[self].row(template)


@dataclass(frozen=True, slots=True)
class OutcomeSpec:
    """The properties of one outcome.

    * ``basis``: the article the answer rests on (《政府信息公开条例》 unless another document is named).
    * ``requires_legal_ground``: the reply must cite the specific legal ground (e.g. the law protecting the secret).
    * ``requires_reasons``: the reply must state reasons (every refusal, and every "other" closure).
    * ``lists_withheld_parts``: the reply lists the parts withheld (部分公开, Art 37).
    * ``by_reply``: the outcome is chosen in a reply; otherwise it results from a closing action (撤回,
      逾期不补正, 逾期未缴费) and cannot be chosen in a reply.
    """

    outcome: Outcome
    label: str
    group: OutcomeGroup
    basis: str
    row_2021: str
    row_2019: str
    requires_legal_ground: bool
    requires_reasons: bool
    lists_withheld_parts: bool = False
    by_reply: bool = True

    def row(self, template: str) -> str:
        if template == "2021":
            return self.row_2021
        if template == "2019":
            return self.row_2019
        raise ReportError(f"未知的年报模板版本 {template!r}，应为 {'、'.join(TEMPLATE_VERSIONS)}")

    @property
    def provides_information(self) -> bool:
        """Whether information is provided (fully or partly): the reply then states the form of provision."""
        return self.group in (OutcomeGroup.GRANTED, OutcomeGroup.PARTIAL)


def _spec(
    outcome: Outcome,
    label: str,
    group: OutcomeGroup,
    basis: str,
    row: str,
    *,
    ground: bool,
    reasons: bool,
    withheld: bool = False,
    by_reply: bool = True,
    row_2019: str | None = None,
) -> OutcomeSpec:
    return OutcomeSpec(
        outcome=outcome,
        label=label,
        group=group,
        basis=basis,
        row_2021=row,
        row_2019=row if row_2019 is None else row_2019,
        requires_legal_ground=ground,
        requires_reasons=reasons,
        lists_withheld_parts=withheld,
        by_reply=by_reply,
    )


_G, _P, _D, _U, _N, _O = (
    OutcomeGroup.GRANTED,
    OutcomeGroup.PARTIAL,
    OutcomeGroup.DENIED,
    OutcomeGroup.UNABLE,
    OutcomeGroup.NOT_PROCESSED,
    OutcomeGroup.OTHER,
)

#: The catalogue, in table-3 order.
OUTCOMES: Mapping[Outcome, OutcomeSpec] = MappingProxyType(
    {
        s.outcome: s
        for s in (
            _spec(
                Outcome.GRANTED_PUBLISHED,
                "已主动公开，告知获取方式和途径",
                _G,
                "第三十六条第（一）项",
                "granted",
                ground=False,
                reasons=False,
            ),
            _spec(Outcome.GRANTED, "予以公开", _G, "第三十六条第（二）项", "granted", ground=False, reasons=False),
            _spec(
                Outcome.PARTIAL,
                "部分公开（区分处理）",
                _P,
                "第三十七条",
                "partial",
                ground=True,
                reasons=True,
                withheld=True,
            ),
            _spec(
                Outcome.DENIED_STATE_SECRET,
                "不予公开：属于国家秘密",
                _D,
                "第三十六条第（三）项、第十四条",
                "denied.state_secret",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.DENIED_PROHIBITED,
                "不予公开：其他法律行政法规禁止公开",
                _D,
                "第三十六条第（三）项、第十四条",
                "denied.prohibited",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.DENIED_SECURITY,
                "不予公开：危及“三安全一稳定”",
                _D,
                "第三十六条第（三）项、第十四条",
                "denied.security",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.DENIED_THIRD_PARTY,
                "不予公开：保护第三方合法权益",
                _D,
                "第三十六条第（三）项、第十五条",
                "denied.third_party",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.DENIED_INTERNAL,
                "不予公开：属于三类内部事务信息",
                _D,
                "第三十六条第（三）项、第十六条第一款",
                "denied.internal",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.DENIED_PROCESS,
                "不予公开：属于四类过程性信息",
                _D,
                "第三十六条第（三）项、第十六条第二款",
                "denied.process",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.DENIED_ENFORCEMENT_FILE,
                "不予公开：属于行政执法案卷",
                _D,
                "第三十六条第（三）项、第十六条第二款",
                "denied.enforcement_file",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.DENIED_INQUIRY,
                "不予公开：属于行政查询事项",
                _D,
                "第三十六条第（七）项",
                "denied.inquiry",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.UNABLE_NOT_FOUND,
                "无法提供：本机关不掌握相关政府信息（经检索没有）",
                _U,
                "第三十六条第（四）项",
                "unable.not_held",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.UNABLE_NOT_RESPONSIBLE,
                "无法提供：不属于本机关负责公开（告知负责公开的机关）",
                _U,
                "第三十六条第（五）项、第十条",
                "unable.not_held",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.UNABLE_NEEDS_CREATION,
                "无法提供：没有现成信息需要另行制作",
                _U,
                "第三十八条",
                "unable.needs_creation",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.UNABLE_UNCLEAR,
                "无法提供：补正后申请内容仍不明确",
                _U,
                "第三十条",
                "unable.unclear",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.NOT_PROCESSED_COMPLAINT,
                "不予处理：信访举报投诉类申请",
                _N,
                "第三十九条第一款",
                "not_processed.complaint",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.NOT_PROCESSED_DUPLICATE,
                "不予处理：重复申请",
                _N,
                "第三十六条第（六）项",
                "not_processed.duplicate",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.NOT_PROCESSED_PUBLICATION,
                "不予处理：要求提供公开出版物",
                _N,
                "第三十九条第二款",
                "not_processed.publication",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.NOT_PROCESSED_EXCESSIVE,
                "不予处理：无正当理由大量反复申请",
                _N,
                "第三十五条",
                "not_processed.excessive",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.NOT_PROCESSED_CONFIRMATION,
                "不予处理：要求行政机关确认或重新出具已获取信息",
                _N,
                "年报模板（五）5（实践口径，条例无专门条款）",
                "not_processed.confirmation",
                ground=True,
                reasons=True,
            ),
            _spec(
                Outcome.NO_CORRECTION,
                "其他处理：申请人无正当理由逾期不补正，视为放弃申请",
                _O,
                "第三十条",
                "other.no_correction",
                ground=False,
                reasons=False,
                by_reply=False,
                row_2019="other",
            ),
            _spec(
                Outcome.NO_FEE,
                "其他处理：申请人逾期未按收费通知缴纳费用，视为放弃申请",
                _O,
                "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
                "other.no_fee",
                ground=False,
                reasons=False,
                by_reply=False,
                row_2019="other",
            ),
            _spec(
                Outcome.WITHDRAWN,
                "其他处理：申请人撤回申请",
                _O,
                "申请人撤回",
                "other.other",
                ground=False,
                reasons=False,
                by_reply=False,
                row_2019="other",
            ),
            _spec(
                Outcome.OTHER,
                "其他处理：其他",
                _O,
                "（按实际情况说明）",
                "other.other",
                ground=False,
                reasons=True,
                row_2019="other",
            ),
        )
    }
)


def report_cell(outcome: Outcome, applicant_type: ApplicantType, template: str) -> str:
    """The table-3 cell code an application closed with ``outcome`` is counted in, e.g.
    ``report_cell(Outcome.PARTIAL, ApplicantType.BUSINESS, "2021") == "s3.partial.business"``."""
    try:
        row, column = Outcome(outcome).row(template), ApplicantType(applicant_type).value
    except ValueError:
        raise ReportError(f"未知的办理结果或申请人类型：{outcome!r}、{applicant_type!r}") from None
    code = f"s3.{row}.{column}"
    if code not in get_template(template).by_code:  # pragma: no cover - the catalogue is tested against both templates
        raise ReportError(f"办理结果 {outcome} 在 {template} 年版模板中没有对应的单元格 {code}")
    return code
