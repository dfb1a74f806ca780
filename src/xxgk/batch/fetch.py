"""Fetching a report from the web (``xxgk check URL``): one bounded HTTP GET, and finding an attachment.

:func:`fetch` uses only ``urllib``: http and https only (also after redirects), a User-Agent, a timeout for
the whole download (not only per socket operation), a size limit (``Content-Length`` and the bytes actually
read) and a redirect limit. Every failure is a :class:`FetchError` whose ``reason`` is one line (DNS, refused
connection, HTTP 404, time-out, too large).

:func:`page_bytes` applies the charset of the ``Content-Type`` header: the page is transcoded to UTF-8 and
given a byte-order mark, which every HTML decoder (ours included) ranks above a ``<meta charset>``, as
browsers rank the header.

:func:`attachment_links` and :func:`rank_attachments` find the annual report attached to a page that
carries no report tables itself: links to .docx/.doc/.pdf/.wps whose text or address suggests the annual
report (年度报告/年报), or else the page's only attachment.
"""

from __future__ import annotations

import codecs
import http.client
import re
import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import parse_qsl, quote, unquote, urljoin, urlsplit, urlunsplit

from xxgk import __version__
from xxgk.core.errors import XxgkError

USER_AGENT = f"xxgk/{__version__} (government information disclosure annual report checker; Python urllib)"
_CHUNK = 64 * 1024
#: Media types read as a web page (charset from the header applies, attachments are looked for).
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
#: Attachment suffixes, in order of preference when several attachments suggest the report: DOCX is read
#: exactly, PDF needs layout heuristics, DOC/WPS need LibreOffice.
ATTACHMENT_SUFFIXES: tuple[str, ...] = (".docx", ".pdf", ".doc", ".wps")
_SUFFIX_RE = re.compile(r"\.(docx|pdf|doc|wps)$", re.IGNORECASE)
_SUFFIX_IN_TEXT_RE = re.compile(r"\.(docx|pdf|doc|wps)(?![A-Za-z0-9])", re.IGNORECASE)
_REPORT_WORDS = ("年度报告", "年报", "工作报告")


class FetchError(XxgkError):
    """A URL could not be fetched; ``reason`` is one line for the user."""

    def __init__(self, reason: str, *, url: str) -> None:
        self.reason = reason
        self.url = url
        super().__init__(f"{url}: {reason}")


@dataclass(frozen=True)
class FetchLimits:
    #: Seconds for the whole download (connection, redirects and body).
    timeout: float = 30.0
    max_bytes: int = 50 * 2**20
    max_redirects: int = 5
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Fetched:
    url: str
    #: The address after redirects (relative links are resolved against it).
    final_url: str
    data: bytes
    #: Media type from ``Content-Type``, lower case (``""`` when the server sent none).
    media_type: str = ""
    charset: str | None = None

    @property
    def is_html(self) -> bool:
        if self.media_type in HTML_TYPES:
            return True
        return not self.media_type and self.data[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html"))


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow at most ``limit`` redirects, and only to http/https."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        setattr(self, "max_redirections", limit)  # noqa: B010 - per-instance override of a class default
        setattr(self, "max_repeats", min(urllib.request.HTTPRedirectHandler.max_repeats, limit))  # noqa: B010

    def http_error_302(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any) -> Any:
        location = headers.get("location") or headers.get("uri")
        if location:
            target = urljoin(req.full_url, location)
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                raise FetchError(f"服务器重定向到不支持的地址 {target}（只支持 http/https）", url=req.full_url)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("只支持 http:// 和 https:// 网址", url=url)
    if not parts.hostname:
        raise FetchError("网址中没有主机名 (no host in URL)", url=url)


def to_uri(url: str) -> str:
    """Percent-encode what HTTP cannot carry as is: Chinese characters and spaces in links
    (``/files/年报.doc``), an internationalised host name (IDNA). Existing ``%XX`` escapes are kept; a user name
    or password in the URL is dropped (never sent)."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    try:
        port = parts.port
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except (ValueError, UnicodeError):
        raise FetchError("网址中的主机名或端口无效 (bad host or port)", url=url) from None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    safe = "/%:@!$&'()*+,;=~-._"
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=safe), quote(parts.query, safe=safe + "?"), ""))


def fetch(url: str, limits: FetchLimits | None = None) -> Fetched:
    """GET ``url`` within ``limits``; :class:`FetchError` with one clear line on any failure."""
    limits = limits or FetchLimits()
    check_url(url)
    deadline = time.monotonic() + limits.timeout
    opener = urllib.request.build_opener(_Redirects(limits.max_redirects))
    request = urllib.request.Request(
        to_uri(url), headers={"User-Agent": limits.user_agent, "Accept": "*/*", "Accept-Encoding": "identity"}
    )
    try:
        with opener.open(request, timeout=limits.timeout) as response:
            final = response.geturl()
            headers = response.headers
            length = headers.get("Content-Length")
            if length and length.strip().isdigit() and int(length) > limits.max_bytes:
                raise FetchError(_too_large(limits, int(length)), url=url)
            data = _read_body(response, url, limits, deadline)
            data = _decode_content(data, headers.get("Content-Encoding", ""), url, limits)
            return Fetched(
                url=url,
                final_url=final,
                data=data,
                media_type=headers.get_content_type() if headers.get("Content-Type") else "",
                charset=headers.get_content_charset(),
            )
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(_http_reason(exc.code, str(exc.reason or "")), url=url) from None
    except urllib.error.URLError as exc:
        raise FetchError(_network_reason(exc.reason, url, limits), url=url) from None
    except TimeoutError:
        raise FetchError(_timeout(limits), url=url) from None
    except (http.client.HTTPException, ssl.SSLError, OSError, ValueError) as exc:
        raise FetchError(_network_reason(exc, url, limits), url=url) from None


def _read_body(response: Any, url: str, limits: FetchLimits, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(_timeout(limits), url=url)
        chunk = response.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchError(_too_large(limits), url=url)
        chunks.append(chunk)
    return b"".join(chunks)


def _decode_content(data: bytes, encoding: str, url: str, limits: FetchLimits) -> bytes:
    """Undo a gzip/deflate ``Content-Encoding`` a server sent although we asked for none (bounded)."""
    encoding = encoding.strip().lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return data
    decoder = zlib.decompressobj(47)  # auto-detects gzip and zlib headers
    try:
        out = decoder.decompress(data, limits.max_bytes + 1)
    except zlib.error as exc:
        raise FetchError(f"服务器返回的压缩数据已损坏 (bad {encoding} body): {exc}", url=url) from None
    if len(out) > limits.max_bytes:
        raise FetchError(_too_large(limits), url=url)
    return out


def _too_large(limits: FetchLimits, size: int | None = None) -> str:
    what = f"（{size / 2**20:,.1f} MB）" if size else ""
    return f"文件过大{what}，超过上限 {limits.max_bytes / 2**20:,.0f} MB (too large)"


def _timeout(limits: FetchLimits) -> str:
    return f"超时：{limits.timeout:g} 秒内未完成下载 (timed out)"


_HTTP_ZH = {
    400: "请求无效",
    401: "需要登录",
    403: "禁止访问",
    404: "页面不存在",
    410: "页面已删除",
    429: "请求过于频繁",
    500: "服务器内部错误",
    502: "网关错误",
    503: "服务暂不可用",
    504: "网关超时",
}


def _http_reason(code: int, reason: str) -> str:
    if 300 <= code < 400:
        return f"重定向次数过多或重定向循环 (HTTP {code}, too many redirects)"
    zh = _HTTP_ZH.get(code, "服务器拒绝请求")
    return f"HTTP {code} {reason}（{zh}）".replace("  ", " ")


def _network_reason(reason: object, url: str, limits: FetchLimits) -> str:
    host = urlsplit(url).hostname or url
    if isinstance(reason, socket.gaierror):
        return f"无法解析域名 {host}（DNS 查询失败，请检查网址或网络）"
    if isinstance(reason, TimeoutError):
        return _timeout(limits)
    if isinstance(reason, ConnectionRefusedError):
        return f"{host} 拒绝连接 (connection refused)"
    if isinstance(reason, ssl.SSLError):
        return f"HTTPS 连接失败（证书或加密错误）: {getattr(reason, 'reason', None) or reason}"
    if isinstance(reason, OSError):
        return f"无法连接 {host}: {reason.strerror or reason}"
    return f"无法连接 {host}: {reason}"


# -- page text ------------------------------------------------------------------------------------


def page_bytes(fetched: Fetched) -> bytes:
    """The page's bytes with the header charset applied (see the module docstring)."""
    data = fetched.data
    if not fetched.charset or data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    from xxgk.ingest.encoding import normalise_charset

    encoding = normalise_charset(fetched.charset)
    if encoding is None:
        return data
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return data  # the header is wrong: let the page's own declaration and sniffing decide
    return codecs.BOM_UTF8 + text.encode("utf-8")


# -- attachments ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    text: str
    suffix: str
    #: Position in the page (document order).
    order: int

    @property
    def suggests_report(self) -> bool:
        where = self.text + " " + unquote(self.url)
        return any(word in where for word in _REPORT_WORDS)


def _suffix(url: str) -> str | None:
    m = _SUFFIX_RE.search(unquote(urlsplit(url).path))
    return f".{m.group(1).lower()}" if m else None


def _target(href: str, base: str) -> tuple[str, str | None]:
    """The attachment a link points to: the link itself, or a file named in the query of a viewer page
    (``/pdfjs/web/viewer.html?file=/a.pdf``)."""
    url = urljoin(base, href.strip())
    suffix = _suffix(url)
    if suffix is not None:
        return url, suffix
    parts = urlsplit(url)
    if parts.path.lower().endswith((".html", ".htm", ".jsp", ".php", ".aspx", ".do")) and parts.query:
        for _key, value in parse_qsl(parts.query):
            if _suffix(value) is not None and (value.startswith(("/", "http://", "https://", "."))):
                return urljoin(url, value), _suffix(value)
    return url, None


def attachment_links(page: bytes, base_url: str) -> list[Link]:
    """Links of the page that point to a .docx/.pdf/.doc/.wps file (by address or by link text), in page order."""
    from xxgk.ingest.html import parse_tree

    try:
        root = parse_tree(page, base_url)
    except XxgkError:
        return []
    base = base_url
    for element in root.iter("base"):
        href = element.get("href")
        if href:
            base = urljoin(base_url, href.strip())
            break
    found: dict[str, Link] = {}
    for order, element in enumerate(root.iter("a", "iframe", "embed", "object")):
        raw = element.get("href") or element.get("src") or element.get("data")
        if not raw or raw.strip().lower().startswith(("javascript:", "mailto:", "#")):
            continue
        text = " ".join("".join(str(t) for t in element.itertext()).split()) or (element.get("title") or "")
        url, suffix = _target(raw, base)
        if suffix is None:
            m = _SUFFIX_IN_TEXT_RE.search(text)
            if m is None:
                continue
            suffix = f".{m.group(1).lower()}"
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            continue
        if url not in found:
            found[url] = Link(url, text, suffix, order)
    return list(found.values())


class AttachmentChoiceError(FetchError):
    """The page links to several attachments and none of them says it is the annual report."""


def rank_attachments(links: list[Link], page_url: str) -> list[Link]:
    """The attachments to try, best first: those suggesting the annual report (DOCX before PDF before DOC/WPS,
    then page order); else the only attachment. Several anonymous attachments: :class:`AttachmentChoiceError`."""
    suggested = [link for link in links if link.suggests_report]
    if suggested:
        return sorted(suggested, key=lambda link: (ATTACHMENT_SUFFIXES.index(link.suffix), link.order))
    if len(links) == 1:
        return links
    if not links:
        return []
    names = "、".join(link.text or link.url for link in links[:4])
    more = f"等 {len(links)} 个" if len(links) > 4 else f"{len(links)} 个"
    raise AttachmentChoiceError(
        f"页面没有年度报告表格，有{more}附件但无法确定哪个是年度报告（{names}），请直接给出附件网址", url=page_url
    )
