"""Stable numeric codes of audit events, grouped by area with gaps left for new codes.

Codes are never reused or renumbered; a retired code stays here, commented out, with the date it was retired.
"""

from __future__ import annotations

from enum import IntEnum


class AuditCode(IntEnum):
    # 100–199: bodies and people
    BODY_CREATED = 101
    BODY_EDITED = 102
    MEMBERSHIP_GRANTED = 111
    MEMBERSHIP_REVOKED = 112

    # 200–299: the working-day calendar
    CALENDAR_DAY_SAVED = 201
    CALENDAR_DAY_DELETED = 202
    CALENDAR_YEAR_ANNOUNCED = 211
    CALENDAR_YEAR_UNANNOUNCED = 212
    CALENDAR_SEEDED = 221
    DEADLINES_RECOMPUTED = 231

    # 300–399: applications (依申请公开); one code per workflow action, in table order
    CASE_REGISTERED = 301
    CASE_REGISTERED_PENDING = 302
    CASE_RECEIPT_CONFIRMED = 303
    CASE_REPLIED_ON_THE_SPOT = 304
    CASE_CORRECTION_REQUESTED = 311
    CASE_CORRECTION_RECEIVED = 312
    CASE_CORRECTION_OVERDUE = 313
    CASE_CONSULTATION_STARTED = 321
    CASE_CONSULTATION_ENDED = 322
    CASE_EXTENDED = 331
    CASE_REASONS_REQUESTED = 341
    CASE_REASONS_RECORDED = 342
    CASE_CUSTOM_DEADLINE_SET = 343
    CASE_FEE_NOTICE_SENT = 351
    CASE_PAYMENT_RECORDED = 352
    CASE_FEE_OVERDUE = 353
    CASE_REPLY_DRAFTED = 361
    CASE_REPLY_RETURNED = 362
    CASE_REPLY_APPROVED = 363
    CASE_REPLY_SENT = 364
    CASE_WITHDRAWN = 371
    CASE_ARCHIVED = 381
    CASE_EDITED = 391
    CASE_DEADLINES_RECOMPUTED = 392

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.name)


_LABELS: dict[AuditCode, str] = {
    AuditCode.BODY_CREATED: "新建机关",
    AuditCode.BODY_EDITED: "修改机关",
    AuditCode.MEMBERSHIP_GRANTED: "授予角色",
    AuditCode.MEMBERSHIP_REVOKED: "撤销角色",
    AuditCode.CALENDAR_DAY_SAVED: "保存日历日期",
    AuditCode.CALENDAR_DAY_DELETED: "删除日历日期",
    AuditCode.CALENDAR_YEAR_ANNOUNCED: "标记年度节假日安排已公布",
    AuditCode.CALENDAR_YEAR_UNANNOUNCED: "标记年度节假日安排未公布",
    AuditCode.CALENDAR_SEEDED: "导入全国工作日日历",
    AuditCode.DEADLINES_RECOMPUTED: "日历变更后重新计算期限",
    AuditCode.CASE_REGISTERED: "登记",
    AuditCode.CASE_REGISTERED_PENDING: "登记（收到日期待确认）",
    AuditCode.CASE_RECEIPT_CONFIRMED: "确认收到申请",
    AuditCode.CASE_REPLIED_ON_THE_SPOT: "当场答复",
    AuditCode.CASE_CORRECTION_REQUESTED: "告知补正",
    AuditCode.CASE_CORRECTION_RECEIVED: "收到补正",
    AuditCode.CASE_CORRECTION_OVERDUE: "逾期未补正",
    AuditCode.CASE_CONSULTATION_STARTED: "征求意见",
    AuditCode.CASE_CONSULTATION_ENDED: "结束征求意见",
    AuditCode.CASE_EXTENDED: "延长答复期限",
    AuditCode.CASE_REASONS_REQUESTED: "要求说明理由",
    AuditCode.CASE_REASONS_RECORDED: "记录申请人理由",
    AuditCode.CASE_CUSTOM_DEADLINE_SET: "确定延迟答复期限",
    AuditCode.CASE_FEE_NOTICE_SENT: "发出收费通知",
    AuditCode.CASE_PAYMENT_RECORDED: "记录缴费",
    AuditCode.CASE_FEE_OVERDUE: "逾期未缴费",
    AuditCode.CASE_REPLY_DRAFTED: "拟定答复",
    AuditCode.CASE_REPLY_RETURNED: "退回修改",
    AuditCode.CASE_REPLY_APPROVED: "审核通过",
    AuditCode.CASE_REPLY_SENT: "答复",
    AuditCode.CASE_WITHDRAWN: "撤回",
    AuditCode.CASE_ARCHIVED: "归档",
    AuditCode.CASE_EDITED: "修改申请信息",
    AuditCode.CASE_DEADLINES_RECOMPUTED: "重新计算期限",
}
