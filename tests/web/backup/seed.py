"""Fill a database with the demo plus a row of every model the demo leaves empty, through the services.

Run in a subprocess against the database of ``DATABASE_URL``: ``python -m tests.web.backup.seed``.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from io import StringIO

#: An applicant of 跳磴镇 only: a body-scoped backup of 八桥镇 must not contain these.
TIAODENG_ONLY_NAME = "跳磴镇独有申请人范冰洁"
TIAODENG_ONLY_ID = "居民身份证 500104197707077777"
TIAODENG_ONLY_CONTENT = "跳磴镇2025年度某村集体经济组织收益分配方案"
#: A note with characters outside the BMP, quotes and a newline (the JSON lines must keep them exactly).
ODD_TEXT = 'emoji 😀 “引号” "quotes" \\ backslash\nsecond line\ttab'


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xxgk.web.config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, and the tests' hasher
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    from django.contrib.auth.models import Group, Permission, User
    from django.core.management import call_command
    from django.utils import timezone

    from tests.web.letters.docxkit import simple
    from xxgk.core.outcomes import ApplicantType, Channel
    from xxgk.core.proactive import CATEGORIES
    from xxgk.core.receipt import ReceiptFacts
    from xxgk.core.signoff import DEFAULT_CHAIN
    from xxgk.core.workflow import Applicant, Registration
    from xxgk.web.api.services import api_token_create
    from xxgk.web.audit.codes import AuditCode
    from xxgk.web.audit.services import audit_record
    from xxgk.web.cases import services as s
    from xxgk.web.cases.digest import digest_send
    from xxgk.web.cases.models import DigestLog
    from xxgk.web.letters.services import letter_generate, letter_template_reset, letter_template_upload
    from xxgk.web.portal.models import ThrottleEvent, ThrottleScope
    from xxgk.web.portal.services import portal_settings_set
    from xxgk.web.proactive.services import ItemData, item_attach, item_create
    from xxgk.web.proactive.signoff_services import signoff_chain_save
    from xxgk.web.registers.models import YearlyFigure
    from xxgk.web.tenancy.models import Body

    call_command("xxgk_demo", stdout=StringIO())
    users = {u.username: u for u in User.objects.all()}
    bodies = {b.code: b for b in Body.objects.all()}
    baqiao, tiaodeng = bodies["ddk-baqiao"], bodies["ddk-tiaodeng"]
    clerk, head = users["baqiao_jbr"], users["baqiao_fzr"]

    # letters: a body template (uploaded, then reset to the built-in one) and generated letters (binary)
    letter_template_upload(
        actor=head,
        body_id=baqiao.pk,
        slot_code="correction",
        filename="补正.docx",
        content=simple("{{申请人}}：请补正"),
    )
    letter_template_reset(actor=head, body_id=baqiao.pk, slot_code="correction")
    case = s.case_register(
        actor=clerk,
        body_id=baqiao.pk,
        registration=Registration(
            channel=Channel.IN_PERSON,
            applicant=Applicant(
                type=ApplicantType.NATURAL, name="八桥镇申请人", id_document="居民身份证", contact="13800000001"
            ),
            content="八桥镇2025年度财政预算",
            receipt=ReceiptFacts(submitted_on=date(2026, 3, 2)),
        ),
        on=date(2026, 3, 2),
    )
    letter_generate(actor=clerk, case_id=case.pk, event_seq=1)

    # a 跳磴镇-only applicant (for the body-scope test)
    s.case_register(
        actor=users["tiaodeng_jbr"],
        body_id=tiaodeng.pk,
        registration=Registration(
            channel=Channel.MAIL,
            applicant=Applicant(
                type=ApplicantType.NATURAL, name=TIAODENG_ONLY_NAME, id_document=TIAODENG_ONLY_ID, contact="13912345678"
            ),
            content=TIAODENG_ONLY_CONTENT,
            receipt=ReceiptFacts(submitted_on=date(2026, 3, 3)),
        ),
        on=date(2026, 3, 3),
    )

    api_token_create(user=clerk, name="数据报送接口", days=30, actor=clerk)
    digest_send(on=timezone.localdate())
    if not DigestLog.objects.exists():  # (e-mail rendering broken elsewhere must not leave the table empty here)
        DigestLog.objects.create(user=clerk, on=timezone.localdate(), email="baqiao_jbr@example.gov.cn", overdue=1)
    portal_settings_set(actor=users["qu_admin"], body_id=tiaodeng.pk, accepts_online=False)
    signoff_chain_save(actor=head, body_id=baqiao.pk, chain=DEFAULT_CHAIN)
    item = item_create(
        actor=clerk,
        body_id=baqiao.pk,
        data=ItemData(category=next(iter(CATEGORIES)), title="附件测试", formed_on=date(2026, 3, 1), issuer="八桥镇"),
    )
    item_attach(actor=clerk, item_id=item.pk, name="通知.pdf", data=b"%PDF-1.4\n" + bytes(range(256)) * 40)

    # auth: a group with a permission, a member, a direct user permission
    group = Group.objects.create(name="备份测试组")
    group.permissions.add(Permission.objects.get(codename="view_user"))
    clerk.groups.add(group)
    clerk.user_permissions.add(Permission.objects.get(codename="change_group"))

    ThrottleEvent.objects.create(scope=ThrottleScope.WRONG_CODE, key="0" * 64)  # excluded from backups
    audit_record(code=AuditCode.BODY_EDITED, actor=head, body=baqiao, object_type="body", note=ODD_TEXT)
    figure = YearlyFigure.objects.filter(body=baqiao, amount__isnull=False).first()
    if figure is not None:  # a decimal with every place used
        figure.amount = Decimal("12345678901234.123456")
        figure.save()


if __name__ == "__main__":
    main()
