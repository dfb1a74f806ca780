"""Stable numeric codes of audit events, grouped by area with gaps left for new codes.

Codes are never reused or renumbered; a retired code stays here, commented out, with the date it was retired.
"""

from __future__ import annotations

from enum import IntEnum

from django.utils.translation import gettext_noop


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
    CASE_DUPLICATE_FLAGGED = 393
    CASE_DUPLICATE_CONFIRMED = 394
    CASE_DUPLICATE_DISMISSED = 395

    # 900–919: notifications (the daily digest)
    DIGEST_SENT = 901

    # 920–949: background jobs
    JOB_SUBMITTED = 921
    JOB_CANCELLED = 922
    JOB_FAILED = 923
    JOB_REQUEUED = 924
    JOB_RETRIED = 925

    # 980–999: backup and restore
    BACKUP_CREATED = 981
    BACKUP_RESTORED = 982

    # 700–799: the annual report (年度报告): drafting, overrides, approval, publishing, corrections
    REPORT_STARTED = 701
    REPORT_NARRATIVE_SAVED = 702
    REPORT_CELL_OVERRIDDEN = 711
    REPORT_OVERRIDE_REMOVED = 712
    REPORT_PREVIOUS_UPLOADED = 721
    REPORT_SUBMITTED = 731
    REPORT_RETURNED = 732
    REPORT_APPROVED = 733
    REPORT_PUBLISHED = 741
    REPORT_CORRECTION_STARTED = 751

    # 800–849: the REST API (tokens)
    API_TOKEN_CREATED = 801
    API_TOKEN_REVOKED = 802

    # 450–499: the public portal (online submissions, 查询码)
    PORTAL_SUBMISSION_RECEIVED = 451
    PORTAL_SUBMISSION_ACCEPTED = 452
    PORTAL_SUBMISSION_REJECTED = 453
    PORTAL_CODE_ISSUED = 461
    PORTAL_SETTINGS_CHANGED = 471
    PORTAL_LOOKUP_LOCKED = 481

    # 500–599: proactive disclosure (主动公开), the 保密审查 sign-off chain, the public catalogue and guide
    PROACTIVE_ITEM_CREATED = 501
    PROACTIVE_ITEM_EDITED = 502
    PROACTIVE_ITEM_FROM_CASE = 503
    PROACTIVE_ATTACHMENT_ADDED = 504
    PROACTIVE_ATTACHMENT_REMOVED = 505
    SIGNOFF_SUBMITTED = 511
    SIGNOFF_APPROVED = 512
    SIGNOFF_REJECTED = 513
    SIGNOFF_COMPLETED = 514
    PROACTIVE_ITEM_PUBLISHED = 521
    PROACTIVE_ITEM_WITHDRAWN = 522
    PROACTIVE_DEADLINES_RECOMPUTED = 523
    SIGNOFF_CHAIN_CHANGED = 531
    CATALOGUE_SETTINGS_CHANGED = 532
    DISCLOSURE_GUIDE_CHANGED = 541

    # 600–699: registers behind table 2 (normative documents, yearly figures) and review/litigation (table 4)
    REGISTER_DOCUMENT_CREATED = 601
    REGISTER_DOCUMENT_EDITED = 602
    REGISTER_DOCUMENT_DELETED = 603
    REGISTER_AMENDMENT_ADDED = 604
    REGISTER_AMENDMENT_DELETED = 605
    REGISTER_FIGURE_SAVED = 611
    REGISTER_FIGURE_DELETED = 612
    REGISTER_DOCUMENTS_IMPORTED = 621
    REGISTER_FIGURES_IMPORTED = 622
    REMEDY_CREATED = 651
    REMEDY_EDITED = 652
    REMEDY_CLOSED = 653
    REMEDY_REOPENED = 654
    REMEDY_HEARING_ADDED = 661
    REMEDY_HEARING_DELETED = 662
    # 690–699: the supervisor's overview (external reports uploaded for subordinate bodies)
    OVERSIGHT_EXTERNAL_UPLOADED = 691
    OVERSIGHT_EXTERNAL_WITHDRAWN = 692
    OVERSIGHT_EXTERNAL_ZIP_IMPORTED = 693

    # 400–449: letters (文书) and their templates
    LETTER_TEMPLATE_UPLOADED = 401
    LETTER_TEMPLATE_RESET = 402
    LETTER_GENERATED = 411

    # 950–979: security (login throttling and lockout)
    LOGIN_SUCCEEDED = 951
    LOGIN_FAILED = 952
    LOGIN_LOCKED = 953
    LOGIN_UNLOCKED = 954

    @property
    def label(self) -> str:
        """The label in Chinese (the msgid; :attr:`AuditEvent.code_label` translates it for the pages)."""
        return _LABELS.get(self, self.name)


_LABELS: dict[AuditCode, str] = {
    AuditCode.BODY_CREATED: gettext_noop("新建机关"),
    AuditCode.BODY_EDITED: gettext_noop("修改机关"),
    AuditCode.MEMBERSHIP_GRANTED: gettext_noop("授予角色"),
    AuditCode.MEMBERSHIP_REVOKED: gettext_noop("撤销角色"),
    AuditCode.CALENDAR_DAY_SAVED: gettext_noop("保存日历日期"),
    AuditCode.CALENDAR_DAY_DELETED: gettext_noop("删除日历日期"),
    AuditCode.CALENDAR_YEAR_ANNOUNCED: gettext_noop("标记年度节假日安排已公布"),
    AuditCode.CALENDAR_YEAR_UNANNOUNCED: gettext_noop("标记年度节假日安排未公布"),
    AuditCode.CALENDAR_SEEDED: gettext_noop("导入全国工作日日历"),
    AuditCode.DEADLINES_RECOMPUTED: gettext_noop("日历变更后重新计算期限"),
    AuditCode.CASE_REGISTERED: gettext_noop("登记"),
    AuditCode.CASE_REGISTERED_PENDING: gettext_noop("登记（收到日期待确认）"),
    AuditCode.CASE_RECEIPT_CONFIRMED: gettext_noop("确认收到申请"),
    AuditCode.CASE_REPLIED_ON_THE_SPOT: gettext_noop("当场答复"),
    AuditCode.CASE_CORRECTION_REQUESTED: gettext_noop("告知补正"),
    AuditCode.CASE_CORRECTION_RECEIVED: gettext_noop("收到补正"),
    AuditCode.CASE_CORRECTION_OVERDUE: gettext_noop("逾期未补正"),
    AuditCode.CASE_CONSULTATION_STARTED: gettext_noop("征求意见"),
    AuditCode.CASE_CONSULTATION_ENDED: gettext_noop("结束征求意见"),
    AuditCode.CASE_EXTENDED: gettext_noop("延长答复期限"),
    AuditCode.CASE_REASONS_REQUESTED: gettext_noop("要求说明理由"),
    AuditCode.CASE_REASONS_RECORDED: gettext_noop("记录申请人理由"),
    AuditCode.CASE_CUSTOM_DEADLINE_SET: gettext_noop("确定延迟答复期限"),
    AuditCode.CASE_FEE_NOTICE_SENT: gettext_noop("发出收费通知"),
    AuditCode.CASE_PAYMENT_RECORDED: gettext_noop("记录缴费"),
    AuditCode.CASE_FEE_OVERDUE: gettext_noop("逾期未缴费"),
    AuditCode.CASE_REPLY_DRAFTED: gettext_noop("拟定答复"),
    AuditCode.CASE_REPLY_RETURNED: gettext_noop("退回修改"),
    AuditCode.CASE_REPLY_APPROVED: gettext_noop("审核通过"),
    AuditCode.CASE_REPLY_SENT: gettext_noop("答复"),
    AuditCode.CASE_WITHDRAWN: gettext_noop("撤回"),
    AuditCode.CASE_ARCHIVED: gettext_noop("归档"),
    AuditCode.CASE_EDITED: gettext_noop("修改申请信息"),
    AuditCode.CASE_DEADLINES_RECOMPUTED: gettext_noop("重新计算期限"),
    AuditCode.CASE_DUPLICATE_FLAGGED: gettext_noop("提示疑似重复申请"),
    AuditCode.CASE_DUPLICATE_CONFIRMED: gettext_noop("确认为重复申请"),
    AuditCode.CASE_DUPLICATE_DISMISSED: gettext_noop("排除重复申请"),
    AuditCode.DIGEST_SENT: gettext_noop("发送到期提醒邮件"),
    AuditCode.JOB_SUBMITTED: gettext_noop("提交后台任务"),
    AuditCode.JOB_CANCELLED: gettext_noop("取消后台任务"),
    AuditCode.JOB_FAILED: gettext_noop("后台任务失败"),
    AuditCode.JOB_REQUEUED: gettext_noop("后台任务中断后重新排队"),
    AuditCode.JOB_RETRIED: gettext_noop("重试后台任务"),
    AuditCode.REPORT_STARTED: gettext_noop("开始编制年度报告"),
    AuditCode.REPORT_NARRATIVE_SAVED: gettext_noop("修改年度报告文字部分"),
    AuditCode.REPORT_CELL_OVERRIDDEN: gettext_noop("手工修改年度报告数字"),
    AuditCode.REPORT_OVERRIDE_REMOVED: gettext_noop("撤销年度报告数字的手工修改"),
    AuditCode.REPORT_PREVIOUS_UPLOADED: gettext_noop("上传上一年度已公布的年报（跨年度核对）"),
    AuditCode.REPORT_SUBMITTED: gettext_noop("年度报告提交审批"),
    AuditCode.REPORT_RETURNED: gettext_noop("年度报告退回修改"),
    AuditCode.REPORT_APPROVED: gettext_noop("年度报告审批通过"),
    AuditCode.REPORT_PUBLISHED: gettext_noop("发布年度报告"),
    AuditCode.REPORT_CORRECTION_STARTED: gettext_noop("开始编制年度报告更正版"),
    AuditCode.API_TOKEN_CREATED: gettext_noop("创建接口令牌"),
    AuditCode.API_TOKEN_REVOKED: gettext_noop("撤销接口令牌"),
    AuditCode.PORTAL_SUBMISSION_RECEIVED: gettext_noop("收到网上申请"),
    AuditCode.PORTAL_SUBMISSION_ACCEPTED: gettext_noop("确认网上申请并登记"),
    AuditCode.PORTAL_SUBMISSION_REJECTED: gettext_noop("网上申请不予受理（无效提交）"),
    AuditCode.PORTAL_CODE_ISSUED: gettext_noop("生成查询码"),
    AuditCode.PORTAL_SETTINGS_CHANGED: gettext_noop("修改网上申请设置"),
    AuditCode.PORTAL_LOOKUP_LOCKED: gettext_noop("查询码错误次数过多，暂停查询"),
    AuditCode.PROACTIVE_ITEM_CREATED: gettext_noop("新建主动公开信息"),
    AuditCode.PROACTIVE_ITEM_EDITED: gettext_noop("修改主动公开信息"),
    AuditCode.PROACTIVE_ITEM_FROM_CASE: gettext_noop("依申请公开转为主动公开"),
    AuditCode.PROACTIVE_ATTACHMENT_ADDED: gettext_noop("上传附件"),
    AuditCode.PROACTIVE_ATTACHMENT_REMOVED: gettext_noop("删除附件"),
    AuditCode.SIGNOFF_SUBMITTED: gettext_noop("提交保密审查"),
    AuditCode.SIGNOFF_APPROVED: gettext_noop("审查同意"),
    AuditCode.SIGNOFF_REJECTED: gettext_noop("审查退回"),
    AuditCode.SIGNOFF_COMPLETED: gettext_noop("保密审查完成"),
    AuditCode.PROACTIVE_ITEM_PUBLISHED: gettext_noop("发布主动公开信息"),
    AuditCode.PROACTIVE_ITEM_WITHDRAWN: gettext_noop("撤回主动公开信息"),
    AuditCode.PROACTIVE_DEADLINES_RECOMPUTED: gettext_noop("重新计算公开期限"),
    AuditCode.SIGNOFF_CHAIN_CHANGED: gettext_noop("修改保密审查流程"),
    AuditCode.CATALOGUE_SETTINGS_CHANGED: gettext_noop("修改公开目录设置"),
    AuditCode.DISCLOSURE_GUIDE_CHANGED: gettext_noop("修改政府信息公开指南"),
    AuditCode.REGISTER_DOCUMENT_CREATED: gettext_noop("新增规章或规范性文件"),
    AuditCode.REGISTER_DOCUMENT_EDITED: gettext_noop("修改规章或规范性文件"),
    AuditCode.REGISTER_DOCUMENT_DELETED: gettext_noop("删除规章或规范性文件"),
    AuditCode.REGISTER_AMENDMENT_ADDED: gettext_noop("登记文件修改"),
    AuditCode.REGISTER_AMENDMENT_DELETED: gettext_noop("删除文件修改记录"),
    AuditCode.REGISTER_FIGURE_SAVED: gettext_noop("保存年度统计数据"),
    AuditCode.REGISTER_FIGURE_DELETED: gettext_noop("删除年度统计数据"),
    AuditCode.REGISTER_DOCUMENTS_IMPORTED: gettext_noop("导入规章和规范性文件"),
    AuditCode.REGISTER_FIGURES_IMPORTED: gettext_noop("导入年度统计数据"),
    AuditCode.REMEDY_CREATED: gettext_noop("登记行政复议或行政诉讼案件"),
    AuditCode.REMEDY_EDITED: gettext_noop("修改行政复议或行政诉讼案件"),
    AuditCode.REMEDY_CLOSED: gettext_noop("复议或诉讼结案"),
    AuditCode.REMEDY_REOPENED: gettext_noop("撤销结案登记"),
    AuditCode.REMEDY_HEARING_ADDED: gettext_noop("登记开庭（听证）日期"),
    AuditCode.REMEDY_HEARING_DELETED: gettext_noop("删除开庭（听证）日期"),
    AuditCode.OVERSIGHT_EXTERNAL_UPLOADED: gettext_noop("导入下级机关已公开的年度报告"),
    AuditCode.OVERSIGHT_EXTERNAL_WITHDRAWN: gettext_noop("撤销导入的年度报告"),
    AuditCode.OVERSIGHT_EXTERNAL_ZIP_IMPORTED: gettext_noop("批量导入下级机关年度报告（压缩包）"),
    AuditCode.LETTER_TEMPLATE_UPLOADED: gettext_noop("上传文书模板"),
    AuditCode.LETTER_TEMPLATE_RESET: gettext_noop("恢复默认文书模板"),
    AuditCode.LETTER_GENERATED: gettext_noop("生成文书"),
    AuditCode.LOGIN_SUCCEEDED: gettext_noop("登录成功"),
    AuditCode.LOGIN_FAILED: gettext_noop("登录失败（用户名或密码错误）"),
    AuditCode.LOGIN_LOCKED: gettext_noop("登录失败次数过多，暂停登录"),
    AuditCode.LOGIN_UNLOCKED: gettext_noop("解除登录锁定"),
    AuditCode.BACKUP_CREATED: gettext_noop("导出备份"),
    AuditCode.BACKUP_RESTORED: gettext_noop("从备份恢复"),
}
