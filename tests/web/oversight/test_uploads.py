"""Reading an uploaded published report, and matching the files of a ZIP to bodies (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xxgk.web.oversight.uploads import (
    MAX_UPLOAD_BYTES,
    Candidate,
    UploadRejected,
    match_body,
    name_keys,
    read_upload,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "published"
BAQIAO = (FIXTURES / "cq-dadukou-baqiao-2020.txt").read_bytes()


def test_reads_a_real_report() -> None:
    read = read_upload(BAQIAO, filename="八桥镇2020年报.txt", year=2020)
    assert read.format == "text"
    assert read.report.year == 2020
    assert read.report.body == "重庆市大渡口区八桥镇"
    assert read.errors == 0
    assert read.notes == []
    data = read.report_json()
    assert data["cells"]["s3.received.total"] == read.report.value("s3.received.total")
    assert "provenance" not in data  # cell sources are not kept


def test_reads_html_and_counts_findings() -> None:
    read = read_upload((FIXTURES / "pingtan-zrz-2020.html").read_bytes(), filename="zrz.html", year=2020)
    assert read.format == "html"
    assert read.errors == sum(1 for f in read.findings if f.severity.value == "error") > 0


def test_another_year_is_refused_naming_the_file() -> None:
    with pytest.raises(UploadRejected) as caught:
        read_upload(BAQIAO, filename="八桥镇.txt", year=2021)
    assert caught.value.message == "“八桥镇.txt”是 2020 年度的年报，不是 2021 年度的年报"


def test_junk_is_refused_naming_the_file() -> None:
    for data in (b"", b"\x00\x01\x02\xff" * 100, "这只是一段文字，不是年报。".encode()):
        with pytest.raises(UploadRejected) as caught:
            read_upload(data, filename="junk.txt", year=2020)
        assert caught.value.message.startswith("“junk.txt”")


def test_too_large_is_refused() -> None:
    with pytest.raises(UploadRejected, match="过大"):
        read_upload(b"x" * (MAX_UPLOAD_BYTES + 1), filename="big.pdf", year=2020)


def test_bad_report_json_is_refused() -> None:
    with pytest.raises(UploadRejected, match="不是有效的年报 JSON"):
        read_upload(b'{"format": "xxgk.report/1", "template": "9999"}', filename="r.json", year=2020)


def test_a_report_without_a_year_is_taken_as_the_year() -> None:
    text = BAQIAO.decode("utf-8").replace("2020年", "本年")
    read = read_upload(text.encode("utf-8"), filename="b.txt", year=2020)
    assert read.report.year == 2020
    assert any("按 2020 年度处理" in n for n in read.notes)


def test_template_of_another_version_is_noted() -> None:
    read = read_upload((FIXTURES / "pingtan-htp-2021.html").read_bytes(), filename="htp.html", year=2021)
    assert read.report.template == "2019"
    assert any("汇总时不计入" in n for n in read.notes)


CANDIDATES = [
    Candidate(1, "大渡口区八桥镇人民政府", "ddk-baqiao"),
    Candidate(2, "大渡口区跳磴镇人民政府", "ddk-tiaodeng"),
    Candidate(3, "大渡口区建胜镇人民政府", "ddk-jiansheng"),
]


def test_name_keys() -> None:
    keys = name_keys("大渡口区八桥镇人民政府", "ddk-baqiao")
    assert set(keys) == {"大渡口区八桥镇人民政府", "大渡口区八桥镇", "八桥镇", "ddk-baqiao"}
    assert keys[0] == "大渡口区八桥镇人民政府"  # longest first


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["2020/八桥镇2020年年报.pdf"], 1),
        (["reports/ddk-tiaodeng.html"], 2),
        (["DDK-TIAODENG.html"], 2),
        (["a.txt", "重庆市大渡口区建胜镇"], 3),  # by the printed name
        (["a.txt", "重庆市大渡口区"], None),
        (["八桥镇和跳磴镇.txt"], None),  # equally good: ambiguous
    ],
)
def test_match_body(texts: list[str], expected: int | None) -> None:
    found, why = match_body(texts, CANDIDATES)
    assert (found.body_id if found else None) == expected
    assert bool(why) == (expected is None)
