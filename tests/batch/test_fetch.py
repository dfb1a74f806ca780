"""Reading reports from URLs, against a local HTTP server on 127.0.0.1 (tests use no other network)."""

from __future__ import annotations

import codecs
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.batch.httpserver import Route, Server, serve
from tests.conftest import PUBLISHED, expected_for
from xxgk.batch.fetch import (
    USER_AGENT,
    AttachmentChoiceError,
    Fetched,
    FetchError,
    FetchLimits,
    Link,
    attachment_links,
    fetch,
    page_bytes,
    rank_attachments,
)
from xxgk.batch.load import load, load_url

REPORT = PUBLISHED / "pingtan-hzs-2023.html"  # PROVENANCE: defects none
_META_RE = re.compile(r"<meta[^>]*charset[^>]*>", re.IGNORECASE)


def gbk_page(path: Path) -> bytes:
    """The fixture re-encoded as GBK with its <meta charset> removed: only an HTTP header can say it is GBK."""
    text = _META_RE.sub("", path.read_text(encoding="utf-8"))
    assert "charset" not in text[:4096].lower()
    return text.encode("gbk", errors="xmlcharrefreplace")


NOTICE = """<html><head><title>政府信息公开年报</title></head><body>
<h1>平潭综合实验区行政审批局2023年政府信息公开工作年度报告</h1>
<p>详见附件。</p>
<p><a href="/other.html">返回首页</a> <a href="/files/工作照片.jpg">照片</a></p>
<p>附件：<a href="files/{name}">平潭综合实验区行政审批局2023年政府信息公开工作年度报告.doc</a></p>
<p><a href="/files/附件2-名单.pdf">附件2：名单</a></p>
</body></html>"""


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    report = REPORT.read_bytes()
    routes = {
        "/gbk.html": Route(gbk_page(REPORT), headers={"Content-Type": "text/html; charset=GBK"}),
        "/utf8.html": Route(report, headers={"Content-Type": "text/html"}),
        # An HTML report saved by Word with a .doc name, as many sites publish them: the parsers sniff content.
        "/news/files/年报.doc": Route(report, headers={"Content-Type": "application/msword"}),
        "/news/notice.html": Route(NOTICE.format(name="年报.doc").encode(), headers={"Content-Type": "text/html"}),
        "/news/bad-attachment.html": Route(
            NOTICE.format(name="gone.doc").encode(), headers={"Content-Type": "text/html; charset=utf-8"}
        ),
        "/news/empty.html": Route("<html><body><p>暂无内容</p></body></html>".encode(), headers={}),
        "/news/two.html": Route(
            b'<html><body><a href="/a.pdf">1</a> <a href="/b.docx">2</a></body></html>',
            headers={"Content-Type": "text/html"},
        ),
        "/slow.html": Route(report, headers={"Content-Type": "text/html"}, delay=2.0),
        "/big.html": Route(b"<html>" + b" " * 5000 + b"</html>", headers={"Content-Type": "text/html"}),
        "/big-unsized.html": Route(b"<html>" + b" " * 5000 + b"</html>", length=False),
        "/loop": Route(status=302, headers={"Location": "/loop"}),
        "/to-file": Route(status=302, headers={"Location": "file:///etc/passwd"}),
        "/moved": Route(status=301, headers={"Location": "/utf8.html"}),
        "/error.html": Route(b"oops", status=500, headers={"Content-Type": "text/plain"}),
    }
    with serve(routes) as s:
        yield s


def test_fetch_sends_a_user_agent_and_reads_the_header_charset(server: Server) -> None:
    got = fetch(server.url("/gbk.html"))
    assert got.media_type == "text/html"
    assert got.charset == "gbk"
    assert any(path == "/gbk.html" and ua == USER_AGENT for path, ua in server.requests)


def test_gbk_page_declared_only_in_the_header_is_read_correctly(server: Server) -> None:
    loaded = load_url(server.url("/gbk.html"))
    assert loaded.error is None, loaded.error
    expected = expected_for(REPORT)
    assert loaded.report is not None
    assert loaded.report.body == expected["body"]
    assert loaded.report.to_dict()["cells"] == expected["cells"]


def test_header_charset_outranks_a_wrong_guess() -> None:
    # Big5 bytes decode (wrongly) as GB18030; only the header says what they are.
    text = "<html><body><p>臺灣省政府資訊公開</p></body></html>"
    data = text.encode("big5")
    assert data.decode("gb18030") != text  # the fallback guess would be mojibake
    fixed = page_bytes(Fetched(url="u", final_url="u", data=data, media_type="text/html", charset="big5"))
    assert fixed.startswith(codecs.BOM_UTF8)
    assert fixed[3:].decode("utf-8") == text


def test_page_bytes_leaves_a_page_alone_when_the_header_is_wrong_or_absent() -> None:
    data = "<p>平潭</p>".encode()
    assert page_bytes(Fetched("u", "u", data, "text/html", None)) == data
    assert page_bytes(Fetched("u", "u", data, "text/html", "ascii")) == data  # cannot decode: header is wrong
    assert page_bytes(Fetched("u", "u", data, "text/html", "no-such-charset")) == data


def test_page_without_tables_follows_the_link_to_the_attached_report(server: Server) -> None:
    loaded = load_url(server.url("/news/notice.html"))
    assert loaded.error is None, loaded.error
    assert loaded.report is not None
    assert loaded.report.to_dict()["cells"] == expected_for(REPORT)["cells"]
    assert loaded.source == server.url("/news/notice.html")
    assert loaded.note is not None and "/news/files/" in loaded.note  # the relative link was resolved


def test_attachment_that_cannot_be_fetched_is_one_clear_line(server: Server) -> None:
    loaded = load_url(server.url("/news/bad-attachment.html"))
    assert loaded.report is None
    assert loaded.error is not None and "404" in loaded.error and "附件" in loaded.error
    assert "\n" not in loaded.error


def test_page_without_tables_or_attachments(server: Server) -> None:
    loaded = load_url(server.url("/news/empty.html"))
    assert loaded.report is None
    assert loaded.error is not None and "附件" in loaded.error


def test_several_anonymous_attachments_are_not_guessed(server: Server) -> None:
    loaded = load_url(server.url("/news/two.html"))
    assert loaded.report is None
    assert loaded.error is not None and "无法确定" in loaded.error


def test_404_is_one_line(server: Server) -> None:
    with pytest.raises(FetchError) as info:
        fetch(server.url("/nope.html"))
    assert "404" in info.value.reason
    assert "页面不存在" in info.value.reason
    loaded = load(server.url("/nope.html"))
    assert loaded.error == info.value.reason


def test_server_error(server: Server) -> None:
    with pytest.raises(FetchError, match="500"):
        fetch(server.url("/error.html"))


def test_slow_server_times_out(server: Server) -> None:
    with pytest.raises(FetchError) as info:
        fetch(server.url("/slow.html"), FetchLimits(timeout=0.3))
    assert "超时" in info.value.reason


def test_too_large_by_header_and_by_bytes_read(server: Server) -> None:
    for path in ("/big.html", "/big-unsized.html"):
        with pytest.raises(FetchError) as info:
            fetch(server.url(path), FetchLimits(max_bytes=1000))
        assert "过大" in info.value.reason, path


def test_redirects_are_limited_and_stay_on_http(server: Server) -> None:
    with pytest.raises(FetchError) as info:
        fetch(server.url("/loop"))
    assert "重定向" in info.value.reason
    with pytest.raises(FetchError) as info:
        fetch(server.url("/to-file"))
    assert "file://" in info.value.reason
    loaded = load_url(server.url("/moved"))
    assert loaded.report is not None
    assert loaded.note is not None and "/utf8.html" in loaded.note


def test_dns_failure_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(FetchError) as info:
        fetch("http://report.example.invalid/a.html")
    assert "DNS" in info.value.reason and "report.example.invalid" in info.value.reason


def test_connection_refused_is_one_line() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens on this port now
    with pytest.raises(FetchError) as info:
        fetch(f"http://127.0.0.1:{port}/a.html", FetchLimits(timeout=2))
    assert "\n" not in info.value.reason


@pytest.mark.parametrize("url", ["ftp://example.org/a.pdf", "file:///etc/passwd", "http:///nohost"])
def test_only_http_urls(url: str) -> None:
    with pytest.raises(FetchError):
        fetch(url)


# -- choosing the attachment -------------------------------------------------------------------------


def test_attachment_links_resolve_and_filter() -> None:
    page = b"""<html><head><base href="http://h/dir/"></head><body>
    <a href="a.docx">1</a><a href="javascript:void(0)">x</a><a href="mailto:a@b">m</a>
    <a href="/download.jsp?id=3">2023\xe5\xb9\xb4\xe6\x8a\xa5.pdf</a>
    <iframe src="/pdfjs/web/viewer.html?file=/upload/report.pdf"></iframe>
    <a href="/img.png">img</a></body></html>"""
    links = attachment_links(page, "http://h/page.html")
    assert [(link.url, link.suffix) for link in links] == [
        ("http://h/dir/a.docx", ".docx"),
        ("http://h/download.jsp?id=3", ".pdf"),
        ("http://h/upload/report.pdf", ".pdf"),
    ]


def test_rank_prefers_links_that_name_the_annual_report() -> None:
    links = [
        Link("http://h/1.pdf", "附件1 名单", ".pdf", 0),
        Link("http://h/2.pdf", "2023年政府信息公开工作年度报告", ".pdf", 1),
        Link("http://h/2.docx", "2023年政府信息公开工作年度报告（Word版）", ".docx", 2),
    ]
    assert [link.url for link in rank_attachments(links, "p")] == ["http://h/2.docx", "http://h/2.pdf"]
    assert rank_attachments(links[:1], "p") == links[:1]  # the only attachment
    assert rank_attachments([], "p") == []
    with pytest.raises(AttachmentChoiceError):
        rank_attachments([links[0], Link("http://h/3.wps", "附件3", ".wps", 3)], "p")
