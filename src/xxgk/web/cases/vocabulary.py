"""Translatable vocabulary of the core: the Chinese labels of statuses, actions, roles, channels, applicant
types, outcomes, forms of provision, delivery methods, consultations, fee methods and deadline kinds; and those of
the other apps' core enums — the kinds of calendar day, the kinds of review and suit, the disclosure attributes,
the sign-off decisions and phases — and, with the context ``"remedy result"`` (:func:`tr_result`: one Chinese
word, such as 撤销 or 不予受理, means something else there), the results of reviews and suits.

The core is pure (no Django), so its labels are plain Chinese strings. Listing them here with ``gettext_noop``
lets ``makemessages`` extract them into the catalogue; :func:`tr` translates a label at display time (the
msgid is the Chinese label itself). ``tests/web/cases/test_i18n.py`` checks that every core label is listed.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

VOCABULARY: tuple[str, ...] = (
    # Status
    gettext_noop("未登记"),
    gettext_noop("待确认收到"),
    gettext_noop("办理中"),
    gettext_noop("待补正"),
    gettext_noop("征求意见中"),
    gettext_noop("待说明理由"),
    gettext_noop("待缴费"),
    gettext_noop("答复待审核"),
    gettext_noop("答复已审核"),
    gettext_noop("已办结"),
    gettext_noop("已归档"),
    # Action
    gettext_noop("登记"),
    gettext_noop("登记（收到日期待确认）"),
    gettext_noop("确认收到申请"),
    gettext_noop("当场答复"),
    gettext_noop("告知补正"),
    gettext_noop("收到补正"),
    gettext_noop("逾期未补正"),
    gettext_noop("征求意见"),
    gettext_noop("结束征求意见"),
    gettext_noop("延长答复期限"),
    gettext_noop("要求说明理由"),
    gettext_noop("记录申请人理由"),
    gettext_noop("确定延迟答复期限"),
    gettext_noop("发出收费通知"),
    gettext_noop("记录缴费"),
    gettext_noop("逾期未缴费"),
    gettext_noop("拟定答复"),
    gettext_noop("退回修改"),
    gettext_noop("审核通过"),
    gettext_noop("答复"),
    gettext_noop("撤回"),
    gettext_noop("归档"),
    # Role
    gettext_noop("经办人"),
    gettext_noop("审核人"),
    gettext_noop("负责人"),
    gettext_noop("系统"),
    # Channel
    gettext_noop("当面"),
    gettext_noop("邮寄"),
    gettext_noop("网络"),
    gettext_noop("传真"),
    gettext_noop("电子邮件"),
    gettext_noop("口头"),
    # ApplicantType
    gettext_noop("自然人"),
    gettext_noop("法人或其他组织·商业企业"),
    gettext_noop("法人或其他组织·科研机构"),
    gettext_noop("法人或其他组织·社会公益组织"),
    gettext_noop("法人或其他组织·法律服务机构"),
    gettext_noop("法人或其他组织·其他"),
    # ApplicantType (table-3 column)
    gettext_noop("商业企业"),
    gettext_noop("科研机构"),
    gettext_noop("社会公益组织"),
    gettext_noop("法律服务机构"),
    gettext_noop("其他"),
    # Outcome
    gettext_noop("已主动公开，告知获取方式和途径"),
    gettext_noop("予以公开"),
    gettext_noop("部分公开（区分处理）"),
    gettext_noop("不予公开：属于国家秘密"),
    gettext_noop("不予公开：其他法律行政法规禁止公开"),
    gettext_noop("不予公开：危及“三安全一稳定”"),
    gettext_noop("不予公开：保护第三方合法权益"),
    gettext_noop("不予公开：属于三类内部事务信息"),
    gettext_noop("不予公开：属于四类过程性信息"),
    gettext_noop("不予公开：属于行政执法案卷"),
    gettext_noop("不予公开：属于行政查询事项"),
    gettext_noop("无法提供：本机关不掌握相关政府信息（经检索没有）"),
    gettext_noop("无法提供：不属于本机关负责公开（告知负责公开的机关）"),
    gettext_noop("无法提供：没有现成信息需要另行制作"),
    gettext_noop("无法提供：补正后申请内容仍不明确"),
    gettext_noop("不予处理：信访举报投诉类申请"),
    gettext_noop("不予处理：重复申请"),
    gettext_noop("不予处理：要求提供公开出版物"),
    gettext_noop("不予处理：无正当理由大量反复申请"),
    gettext_noop("不予处理：要求行政机关确认或重新出具已获取信息"),
    gettext_noop("其他处理：申请人无正当理由逾期不补正，视为放弃申请"),
    gettext_noop("其他处理：申请人逾期未按收费通知缴纳费用，视为放弃申请"),
    gettext_noop("其他处理：申请人撤回申请"),
    gettext_noop("其他处理：其他"),
    # ProvisionForm
    gettext_noop("纸质文本"),
    gettext_noop("电子数据"),
    gettext_noop("查阅、抄录"),
    # DeliveryMethod
    gettext_noop("当面领取"),
    gettext_noop("网上获取"),
    # ConsultationKind
    gettext_noop("征求第三方意见"),
    gettext_noop("征求其他机关意见"),
    # ConsultationResult
    gettext_noop("同意公开"),
    gettext_noop("不同意公开"),
    gettext_noop("逾期未提出意见"),
    # FeeMethod
    gettext_noop("按件计收"),
    gettext_noop("按量计收"),
    # DeadlineKind
    gettext_noop("答复期限"),
    gettext_noop("补正告知期限"),
    gettext_noop("申请人补正期限"),
    gettext_noop("征求意见期限"),
    gettext_noop("缴费期限"),
    # DayKind (xxgk.core.calendar)
    gettext_noop("法定节假日"),
    gettext_noop("调休放假"),
    gettext_noop("调休上班日"),
    gettext_noop("地方性假日"),
    # RemedyKind (xxgk.core.table4)
    gettext_noop("行政复议"),
    gettext_noop("行政诉讼（未经复议直接起诉）"),
    gettext_noop("行政诉讼（复议后起诉）"),
    # Attribute (xxgk.core.proactive)
    gettext_noop("主动公开"),
    gettext_noop("依申请公开"),
    gettext_noop("不予公开"),
    # Decision, Phase (xxgk.core.signoff)
    gettext_noop("同意"),
    gettext_noop("退回修改"),
    gettext_noop("未提交审查"),
    gettext_noop("审查中"),
    gettext_noop("审查完毕"),
)

#: RemedyResult (xxgk.core.table4), in the context "remedy result".
REMEDY_RESULTS: tuple[Any, ...] = (
    pgettext_lazy("remedy result", "维持"),
    pgettext_lazy("remedy result", "驳回复议请求"),
    pgettext_lazy("remedy result", "判决驳回诉讼请求"),
    pgettext_lazy("remedy result", "撤销"),
    pgettext_lazy("remedy result", "部分撤销"),
    pgettext_lazy("remedy result", "变更"),
    pgettext_lazy("remedy result", "确认违法"),
    pgettext_lazy("remedy result", "确认无效"),
    pgettext_lazy("remedy result", "责令履行"),
    pgettext_lazy("remedy result", "驳回复议申请"),
    pgettext_lazy("remedy result", "裁定驳回起诉"),
    pgettext_lazy("remedy result", "不予受理"),
    pgettext_lazy("remedy result", "撤回申请（撤诉）"),
    pgettext_lazy("remedy result", "终止"),
    pgettext_lazy("remedy result", "调解"),
    pgettext_lazy("remedy result", "和解"),
    pgettext_lazy("remedy result", "其他"),
)


def tr(label: str) -> Any:
    """``label`` translated lazily into the active language (unchanged when there is no translation)."""
    return gettext_lazy(label)


def tr_result(label: str) -> Any:
    """A review's or suit's result (a :class:`~xxgk.core.table4.RemedyResult` label), translated lazily."""
    return pgettext_lazy("remedy result", label)
