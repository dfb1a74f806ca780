"""Uploads of published reports for subordinate bodies: who may, what is refused (nothing saved), replacement
with history, withdrawal, the ZIP batch, and the audit trail."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.web.oversight.conftest import Lifecycle, fixture_bytes, fixture_report
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.oversight.models import EndReason, ExternalReport
from xxgk.web.oversight.services import (
    external_report_upload,
    external_report_withdraw,
    external_reports_import_zip,
)
from xxgk.web.oversight.uploads import UploadRejected
from xxgk.web.tenancy.models import Body, BodyKind, MemberRole, Membership

pytestmark = pytest.mark.django_db

BAQIAO_TXT = "cq-dadukou-baqiao-2020.txt"


def upload(
    user: User,
    body: Body,
    name: str = BAQIAO_TXT,
    year: int = 2020,
    *,
    published_on: date | None = None,
    note: str = "",
) -> ExternalReport:
    return external_report_upload(
        actor=user,
        body_id=body.pk,
        year=year,
        filename=name,
        data=fixture_bytes(name),
        published_on=published_on,
        note=note,
    )


def test_upload_reads_and_keeps_the_file(users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle) -> None:
    row = upload(users["qu_admin"], org["tiaodeng"], published_on=date(2021, 1, 25), note="区政务公开办收集")
    expected = fixture_report(BAQIAO_TXT)
    assert row.current and row.year == 2020 and row.body == org["tiaodeng"]
    assert bytes(row.content) == fixture_bytes(BAQIAO_TXT) and row.size == len(row.content)
    assert row.format == "text" and row.template == "2019" and row.s2_template == "2019"
    assert row.printed_body == expected.body
    assert row.report_json["cells"]["s3.received.total"] == expected.value("s3.received.total")
    assert row.published_on == date(2021, 1, 25)
    assert "文件中的机关名称“重庆市大渡口区八桥镇”与所选机关“大渡口区跳磴镇人民政府”不一致" in row.parse_notes
    event = AuditEvent.objects.get(code=AuditCode.OVERSIGHT_EXTERNAL_UPLOADED)
    assert event.object_id == str(row.pk) and event.body == org["tiaodeng"] and event.old is None
    assert "不一致" not in upload(users["qu_admin"], org["baqiao"]).parse_notes  # 八桥镇's own file


def test_reviewer_of_the_district_may_upload_but_not_a_clerk_or_a_town(
    users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    upload(users["qu_viewer"], org["baqiao"])  # REVIEWER of the district
    clerk = User.objects.create_user("qu_clerk")
    Membership.objects.create(user=clerk, body=org["district"], role=MemberRole.CLERK)
    with pytest.raises(PermissionDenied):
        upload(clerk, org["baqiao"])
    with pytest.raises(PermissionDenied):  # a town's head cannot upload for the town itself
        upload(users["bq_head"], org["baqiao"])
    with pytest.raises(Http404):  # nor for a sibling
        upload(users["bq_head"], org["tiaodeng"])
    with pytest.raises(Http404):
        upload(users["nobody"], org["tiaodeng"])
    with pytest.raises(PermissionDenied):  # the district itself has no body above it here
        upload(users["qu_admin"], org["district"])
    assert ExternalReport.objects.count() == 1


def test_refusals_save_nothing(users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle) -> None:
    admin, body = users["qu_admin"], org["tiaodeng"]
    with pytest.raises(UploadRejected, match=re.escape("“junk.txt”无法读取为年度报告")):
        external_report_upload(actor=admin, body_id=body.pk, year=2020, filename="junk.txt", data=b"\x00\xff" * 50)
    with pytest.raises(UploadRejected, match="是 2020 年度的年报，不是 2021 年度"):
        upload(admin, body, year=2021)
    with pytest.raises(UploadRejected, match="早于 2020 年"):
        upload(admin, body, published_on=date(2019, 12, 1))
    with pytest.raises(Http404):
        upload(admin, body, year=2018)
    assert not ExternalReport.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.OVERSIGHT_EXTERNAL_UPLOADED).exists()


def test_reupload_replaces_and_keeps_history_then_withdraw(
    users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    admin, body = users["qu_admin"], org["tiaodeng"]
    first = upload(admin, body, "pingtan-zrz-2020.html")
    second = upload(admin, body)
    first.refresh_from_db()
    assert not first.current and first.ended_reason == EndReason.REPLACED and first.ended_by == admin
    assert second.current
    assert ExternalReport.objects.filter(body=body, year=2020).count() == 2
    event = AuditEvent.objects.filter(code=AuditCode.OVERSIGHT_EXTERNAL_UPLOADED).order_by("-pk").first()
    assert event is not None and event.old is not None and event.new is not None
    assert event.old["id"] == first.pk and event.new["id"] == second.pk
    with pytest.raises(UploadRejected, match="撤销原因"):
        external_report_withdraw(actor=admin, report_id=second.pk, reason=" ")
    with pytest.raises(PermissionDenied):
        external_report_withdraw(actor=users["td_clerk"], report_id=second.pk, reason="错了")
    external_report_withdraw(actor=admin, report_id=second.pk, reason="上传错了机关")
    withdrawn = ExternalReport.objects.get(pk=second.pk)
    assert not withdrawn.current and withdrawn.ended_reason == EndReason.WITHDRAWN
    assert not ExternalReport.objects.filter(current=True).exists()
    with pytest.raises(UploadRejected, match="已不是当前有效"):
        external_report_withdraw(actor=admin, report_id=second.pk, reason="再撤")
    assert AuditEvent.objects.get(code=AuditCode.OVERSIGHT_EXTERNAL_WITHDRAWN).note == "上传错了机关"


def test_a_body_that_published_in_xxgk_needs_no_upload(
    users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    lifecycle.publish(org["baqiao"], 2020, fixture_report(BAQIAO_TXT))
    with pytest.raises(UploadRejected, match="已在本系统发布 2020 年度报告"):
        upload(users["qu_admin"], org["baqiao"])
    assert not ExternalReport.objects.exists()


def make_zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_zip_import_matches_bodies_and_lists_problems(
    users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle
) -> None:
    jiansheng = Body.objects.create(
        name="大渡口区建胜镇人民政府", code="ddk-jiansheng", kind=BodyKind.TOWN, parent=org["district"]
    )
    other = Body.objects.create(
        name="大渡口区茄子溪街道办事处", code="ddk-qiezixi", kind=BodyKind.SUBDISTRICT, parent=org["district"]
    )
    lifecycle.publish(other, 2020, fixture_report(BAQIAO_TXT))
    data = make_zip(
        {
            "2020年报/跳磴镇2020年年报.txt": fixture_bytes(BAQIAO_TXT),
            "2020年报/ddk-jiansheng.html": fixture_bytes("pingtan-zrz-2020.html"),
            "2020年报/八桥镇.txt": b"\x00\x01junk" * 20,
            "2020年报/茄子溪街道.txt": fixture_bytes(BAQIAO_TXT),
            "2020年报/不知道是谁.txt": fixture_bytes(BAQIAO_TXT).replace("八桥镇".encode(), "某某镇".encode()),
            "2020年报/说明.xlsx": b"not a report",
        }
    )
    result = external_reports_import_zip(
        actor=users["qu_admin"], supervisor_id=org["district"].pk, year=2020, filename="全区年报.zip", data=data
    )
    saved = {row.body_id: row for row in result.saved}
    assert set(saved) == {org["tiaodeng"].pk, jiansheng.pk}
    assert saved[jiansheng.pk].format == "html"
    problems = dict(result.problems)
    assert set(problems) == {"2020年报/八桥镇.txt", "2020年报/茄子溪街道.txt", "2020年报/不知道是谁.txt"}
    assert "无法读取为年度报告" in problems["2020年报/八桥镇.txt"]
    assert "已在本系统发布" in problems["2020年报/茄子溪街道.txt"]
    assert "没有写明属于哪个下级机关" in problems["2020年报/不知道是谁.txt"]
    assert result.ignored == 1
    assert AuditEvent.objects.filter(code=AuditCode.OVERSIGHT_EXTERNAL_UPLOADED).count() == 2
    event = AuditEvent.objects.get(code=AuditCode.OVERSIGHT_EXTERNAL_ZIP_IMPORTED)
    assert event.new is not None and event.new["file"] == "全区年报.zip" and event.new["problems"] == 3


def test_zip_refusals(users: dict[str, User], org: dict[str, Body], lifecycle: Lifecycle) -> None:
    admin, district = users["qu_admin"], org["district"]
    with pytest.raises(UploadRejected, match="无法打开"):
        external_reports_import_zip(actor=admin, supervisor_id=district.pk, year=2020, filename="a.zip", data=b"PK no")
    with pytest.raises(UploadRejected, match="没有年报文件"):
        external_reports_import_zip(
            actor=admin, supervisor_id=district.pk, year=2020, filename="a.zip", data=make_zip({"a.png": b"x"})
        )
    two = make_zip({"跳磴镇a.txt": fixture_bytes(BAQIAO_TXT), "跳磴镇b.txt": fixture_bytes(BAQIAO_TXT)})
    result = external_reports_import_zip(actor=admin, supervisor_id=district.pk, year=2020, filename="a.zip", data=two)
    assert not result.saved and len(result.problems) == 2 and "有多个文件" in result.problems[0][1]
    clerk = User.objects.create_user("qu_clerk")
    Membership.objects.create(user=clerk, body=district, role=MemberRole.CLERK)
    with pytest.raises(PermissionDenied):
        external_reports_import_zip(actor=clerk, supervisor_id=district.pk, year=2020, filename="a.zip", data=two)
    with pytest.raises(Http404):  # a town is no supervising body
        external_reports_import_zip(
            actor=users["bq_head"], supervisor_id=org["baqiao"].pk, year=2020, filename="a.zip", data=two
        )
    assert not ExternalReport.objects.exists()
