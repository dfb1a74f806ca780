"""Reading uploaded DOCX templates safely, finding their placeholders and filling them.

Templates are uploaded by users, so nothing in them is ever executed: a placeholder is plain text ``{{名称}}``
and :func:`fill_docx` only replaces text. It works on the XML of the package directly (lxml with a hardened
parser), part by part — the main document, every header and footer, footnotes and endnotes — and copies every
other member (styles, images, numbering, …) unchanged.

Word splits a paragraph's text into runs arbitrarily (spelling marks, revision ids, a bold letter), so a
placeholder may start in one ``<w:r>`` and end two runs later. Within each paragraph the texts (``<w:t>``) are
joined, the placeholders found in the joined text, and each replacement is written into the text element where
the placeholder STARTS (so it keeps that run's formatting); the rest of the placeholder is removed from the
following runs. A tab, a line break, a drawing or a field between runs ends the text a placeholder may span.
Paragraphs in tables (nested too) and text boxes are paragraphs like the others.

List placeholders (a value that is a tuple: 补正事项, 不予公开部分, 收费明细) repeat their paragraph once per item;
an empty list removes the paragraph. A paragraph that contained placeholders and is blank after filling is
removed too (e.g. an optional 延期理由 left empty), unless it is the last paragraph of its cell or text box.

:func:`open_docx` is the gate every upload passes: size limit, a real ZIP with the parts of a Word document, no
macros or ActiveX, no external relationships (remote templates, linked images), bounded decompression (zip
bombs), no DTD or entity declarations (entity expansion, XXE), every XML part well-formed.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import docx
from django.utils.translation import gettext_noop
from lxml import etree

from xxgk.core.letters import PLACEHOLDER_RE, PLACEHOLDERS, LetterError, LetterSlot, Value, check_placeholders

#: Largest template accepted (bytes of the uploaded file).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: Largest total size of the members once decompressed (a letter template is well under 1 MB).
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
#: Most members a template may have.
MAX_MEMBERS = 500

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAIN_PART = "word/document.xml"
CONTENT_TYPES = "[Content_Types].xml"
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
_SETTINGS = "word/settings.xml"
_SETTINGS_RELS = "word/_rels/settings.xml.rels"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_TEXT_PART_RE = re.compile(r"^word/(?:document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_XML_SUFFIXES = (".xml", ".rels")
_DTD_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_MACRO_RE = re.compile(
    r"(?:^|/)(?:vbaProject\.bin|vbaData\.xml|vbaProjectSignature\.bin)$|^word/activeX/", re.IGNORECASE
)
_MACRO_TYPES = ("macroEnabled", "vbaProject", "activeX", "ms-office.vba")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: Msgids (the upload form translates them; the service's refusals stay Chinese).
TOO_LARGE = gettext_noop("文件大小为{size}，超过{limit}的上限，请精简（如删除大图片）后再上传")
EMPTY = "上传的文件是空的"
OLE = gettext_noop(
    "这是旧版Word文档（.doc）或设置了打开密码的文档，请在Word或WPS中取消密码并另存为“Word文档（*.docx）”后上传"
)
NOT_DOCX = "不是有效的Word文档（.docx）：{why}"
NOT_ZIP = "文件不是ZIP格式（.docx文件实际上是一个ZIP压缩包），可能不是Word文档或文件已损坏"
TOO_MANY = "文档包含的部件超过{limit}个，不像Word文档，拒绝接收"
BAD_NAME = "文档中的部件名称“{name}”不合法，拒绝接收"
ENCRYPTED = "文档中的部件“{name}”已加密，无法读取"
BOMB = "文档解压后超过{limit}（可能是压缩炸弹），拒绝接收"
CORRUPT = "文档中的部件“{name}”已损坏（{why}）"
MACROS = gettext_noop(
    "文档含有宏或ActiveX控件（如.docm文件），出于安全原因不能作为模板；请另存为不含宏的“Word文档（*.docx）”后上传"
)
DOTX = "这是Word模板文件（.dotx），请打开后另存为“Word文档（*.docx）”再上传"
HAS_DTD = "文档部件“{name}”含有DTD或实体声明（正常的Word文档不会有），出于安全原因拒绝接收"
BAD_XML = "文档部件“{name}”不是有效的XML（{why}）"
EXTERNAL = "文档引用了外部资源（{target}），出于安全原因不能作为模板；请删除链接的外部模板、图片或对象后重新上传"
UNREADABLE = "Word文档结构无法读取（{why}），请在Word或WPS中打开后重新另存为.docx"
SPLIT_LIST = "一个段落中只能有一个列表占位符（{names}），请把它们分到不同的段落"
UNCLOSED = "占位符不完整（缺少“{{{{”或“}}}}”，或被制表符、换行隔开）：“{snippet}”"
UNKNOWN_AT_FILL = "模板中有无法填写的占位符：{names}"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


_P, _T, _BR, _TC, _TXBX, _PPR, _SECTPR = (_w(t) for t in ("p", "t", "br", "tc", "txbxContent", "pPr", "sectPr"))
#: Run content a placeholder may not span (it would not read as one piece of text).
_BARRIERS = frozenset(
    _w(t)
    for t in (
        "tab",
        "br",
        "cr",
        "ptab",
        "sym",
        "noBreakHyphen",
        "softHyphen",
        "drawing",
        "pict",
        "object",
        "fldChar",
        "footnoteReference",
        "endnoteReference",
    )
)
#: Content that makes a paragraph more than text (kept even when its text is blank).
_SUBSTANTIAL = frozenset(_w(t) for t in ("drawing", "pict", "object", "sectPr"))


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{max(1, n // 1024)} KB"


def _short(exc: BaseException) -> str:
    return (str(exc).strip() or type(exc).__name__)[:100]


def _parser() -> etree.XMLParser:
    """A parser that never expands entities, loads a DTD or touches the network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def parse_xml(name: str, blob: bytes) -> etree._Element:
    """Parse one XML part of an untrusted package (DTDs refused outright); :class:`LetterError` otherwise."""
    text = blob
    if blob.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = blob.decode("utf-16", errors="replace").encode("utf-8")
    if _DTD_RE.search(text):
        raise LetterError(HAS_DTD.format(name=name))
    try:
        root = etree.fromstring(blob, _parser())
    except etree.XMLSyntaxError as exc:
        raise LetterError(BAD_XML.format(name=name, why=_short(exc))) from None
    if root is None:  # pragma: no cover - lxml raises on an empty document
        raise LetterError(BAD_XML.format(name=name, why="空文档"))
    return root


# -- the package --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    info: zipfile.ZipInfo
    data: bytes


@dataclass(frozen=True)
class DocxPackage:
    """The members of a checked DOCX, in their original order, each already read (bounded), and every XML part
    parsed (by the hardened parser)."""

    members: tuple[Member, ...]
    xml: Mapping[str, etree._Element]
    changed: frozenset[str] = frozenset()  # parts changed in ``xml`` by the opening (see ``open_docx``)

    @property
    def text_parts(self) -> list[str]:
        """The parts whose paragraphs carry letter text: document, headers, footers, foot/endnotes."""
        return [m.info.filename for m in self.members if _TEXT_PART_RE.match(m.info.filename)]

    def root(self, name: str) -> etree._Element:
        """The parsed XML of part ``name`` (parsed when the package was opened)."""
        return self.xml[name]

    def to_bytes(self, replaced: Mapping[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
            for member in self.members:
                info = zipfile.ZipInfo(member.info.filename, date_time=member.info.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = member.info.external_attr
                out.writestr(info, replaced.get(member.info.filename, member.data))
        return buffer.getvalue()


def _check_name(name: str) -> None:
    if not name or name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or "\x00" in name:
        raise LetterError(BAD_NAME.format(name=name[:80]))


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    name = info.filename
    if info.flag_bits & 0x1:
        raise LetterError(ENCRYPTED.format(name=name))
    try:
        with archive.open(info) as member:
            blob = member.read(budget + 1)
    except RuntimeError:  # encrypted, password required
        raise LetterError(ENCRYPTED.format(name=name)) from None
    except NotImplementedError:
        raise LetterError(CORRUPT.format(name=name, why="不支持的压缩方式")) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise LetterError(CORRUPT.format(name=name, why=_short(exc))) from None
    if len(blob) > budget:
        raise LetterError(BOMB.format(limit=human_size(MAX_UNPACKED_BYTES)))
    return blob


def _check_content_types(root: etree._Element) -> None:
    main_type = ""
    for el in root:
        content_type = str(el.get("ContentType", ""))
        if any(marker.lower() in content_type.lower() for marker in _MACRO_TYPES):
            raise LetterError(MACROS)
        if el.tag == f"{{{_CT_NS}}}Override" and el.get("PartName") == "/" + MAIN_PART:
            main_type = content_type
    if main_type == _TEMPLATE_TYPE:
        raise LetterError(DOTX)
    if main_type != _DOCUMENT_TYPE:
        raise LetterError(NOT_DOCX.format(why="正文部件的类型不是Word文档"))


def _check_relationships(name: str, root: etree._Element) -> None:
    for rel in root.iter(f"{{{_REL_NS}}}Relationship"):
        if str(rel.get("TargetMode", "")).lower() == "external" and rel.get("Type") != _HYPERLINK:
            raise LetterError(EXTERNAL.format(target=str(rel.get("Target", ""))[:80]))


def _strip_attached_templates(xml: dict[str, etree._Element]) -> set[str]:
    """Remove the document's link to an external Word template (``w:attachedTemplate``: Word would fetch it when
    the letter is opened — a remote or UNC path is an attack); return the parts changed."""
    rels = xml.get(_SETTINGS_RELS)
    if rels is None:
        return set()
    removed = False
    for rel in list(rels.iter(f"{{{_REL_NS}}}Relationship")):
        if rel.get("Type") == _ATTACHED_TEMPLATE and str(rel.get("TargetMode", "")).lower() == "external":
            parent = rel.getparent()
            if parent is not None:
                parent.remove(rel)
                removed = True
    if not removed:
        return set()
    changed = {_SETTINGS_RELS}
    settings = xml.get(_SETTINGS)
    if settings is not None:
        for element in list(settings.iter(_w("attachedTemplate"))):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
                changed.add(_SETTINGS)
    return changed


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def sanitize_template(data: bytes) -> tuple[bytes, bool]:
    """``data`` without a link to an external Word template (Word adds one to documents made from a custom
    template), and whether there was one. Raises :class:`LetterError` like :func:`open_docx` otherwise."""
    package = open_docx(data, strip_attached_templates=True)
    if not package.changed:
        return data, False
    return package.to_bytes({name: _serialize(package.root(name)) for name in package.changed}), True


def open_docx(data: bytes, *, strip_attached_templates: bool = False) -> DocxPackage:
    """Check an untrusted DOCX and read it, or raise :class:`LetterError` saying (in Chinese) what is wrong.
    With ``strip_attached_templates`` a link to an external Word template is removed (see ``changed``) instead
    of being refused."""
    if not data:
        raise LetterError(EMPTY)
    if len(data) > MAX_UPLOAD_BYTES:
        raise LetterError(TOO_LARGE.format(size=human_size(len(data)), limit=human_size(MAX_UPLOAD_BYTES)))
    if data.startswith(_OLE_MAGIC):
        raise LetterError(OLE)
    if not data.startswith(_ZIP_MAGIC):
        raise LetterError(NOT_ZIP)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise LetterError(NOT_ZIP) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise LetterError(TOO_MANY.format(limit=MAX_MEMBERS))
        names = [i.filename for i in infos]
        for name in names:
            _check_name(name)
        if len(set(names)) != len(names):
            raise LetterError(NOT_DOCX.format(why="部件名称重复"))
        if any(_MACRO_RE.search(name) for name in names):
            raise LetterError(MACROS)
        if CONTENT_TYPES not in names or MAIN_PART not in names:
            raise LetterError(NOT_DOCX.format(why="缺少Word文档正文（word/document.xml）"))
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise LetterError(BOMB.format(limit=human_size(MAX_UNPACKED_BYTES)))
        budget = MAX_UNPACKED_BYTES
        members: list[Member] = []
        for info in infos:
            blob = _read(archive, info, budget)
            budget -= len(blob)
            members.append(Member(info, blob))
    xml: dict[str, etree._Element] = {}
    for member in members:
        name = member.info.filename
        if name.lower().endswith(_XML_SUFFIXES):
            xml[name] = parse_xml(name, member.data)
    _check_content_types(xml[CONTENT_TYPES])
    if xml[MAIN_PART].tag != _w("document"):
        raise LetterError(
            NOT_DOCX.format(why="正文不是常规的Word文档格式（如“Strict Open XML”），请另存为“Word文档（*.docx）”")
        )
    changed = _strip_attached_templates(xml) if strip_attached_templates else set()
    for name, root in xml.items():
        if name.endswith(".rels"):
            _check_relationships(name, root)
    return DocxPackage(tuple(members), xml, frozenset(changed))


# -- paragraphs -----------------------------------------------------------------------------------------


@dataclass
class _Paragraph:
    """The text of one paragraph: its ``<w:t>`` elements with their offsets in the joined text."""

    element: etree._Element
    spans: list[tuple[etree._Element, int, int]]
    text: str

    @classmethod
    def of(cls, p: etree._Element) -> _Paragraph:
        pieces: list[str] = []
        spans: list[tuple[etree._Element, int, int]] = []
        pos = 0

        def walk(el: etree._Element) -> None:
            nonlocal pos
            for child in el:
                tag = child.tag
                if not isinstance(tag, str) or tag in (_P, _TXBX):
                    continue  # comments, processing instructions; nested paragraphs are visited on their own
                if tag == _T:
                    text = child.text or ""
                    spans.append((child, pos, pos + len(text)))
                    pieces.append(text)
                    pos += len(text)
                elif tag in _BARRIERS:
                    pieces.append("\x00")
                    pos += 1
                else:
                    walk(child)

        walk(p)
        return cls(p, spans, "".join(pieces))

    def names(self) -> list[str]:
        return [m.group(1) for m in PLACEHOLDER_RE.finditer(self.text)]

    def leftover(self) -> str:
        """Text outside complete placeholders that still has ``{{`` or ``}}`` (a broken placeholder)."""
        rest = PLACEHOLDER_RE.sub("", self.text)
        return rest if "{{" in rest or "}}" in rest else ""

    def replace_all(self, values: Mapping[str, str]) -> None:
        for match in reversed(list(PLACEHOLDER_RE.finditer(self.text))):
            self._replace(match.start(), match.end(), values[match.group(1)])

    def _replace(self, start: int, end: int, new: str) -> None:
        first = True
        for el, a, b in self.spans:
            if b <= start or a >= end:
                continue
            text = el.text or ""
            lo, hi = max(start, a) - a, min(end, b) - a
            el.text = text[:lo] + (new if first else "") + text[hi:]
            el.set(_XML_SPACE, "preserve")
            first = False


def _paragraphs(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(_P))


def _split_lines(p: etree._Element) -> None:
    """Turn line breaks inside filled text into ``<w:br/>`` within the same run."""
    for t in list(p.iter(_T)):
        text = t.text or ""
        if "\n" not in text:
            continue
        first, *rest = text.split("\n")
        t.text = first
        anchor = t
        for line in rest:
            br = etree.Element(_BR)
            anchor.addnext(br)
            new = etree.Element(_T)
            new.text = line
            new.set(_XML_SPACE, "preserve")
            br.addnext(new)
            anchor = new


def _removable(p: etree._Element) -> bool:
    parent = p.getparent()
    if parent is None or p.find(f"{_PPR}/{_SECTPR}") is not None:
        return False
    if any(isinstance(el.tag, str) and el.tag in _SUBSTANTIAL for el in p.iter()):
        return False
    if parent.tag in (_TC, _TXBX) or parent.tag.endswith("}hdr") or parent.tag.endswith("}ftr"):
        return sum(1 for sibling in parent if sibling.tag == _P) > 1
    return True


def _blank(p: etree._Element) -> bool:
    return not "".join(t.text or "" for t in p.iter(_T)).strip()


@dataclass(frozen=True, slots=True)
class TemplateScan:
    """What a template uses: every placeholder name (in order, repeats kept) and structural problems."""

    names: tuple[str, ...]
    problems: tuple[str, ...]


def _list_names(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        spec = PLACEHOLDERS.get(name)
        if spec is not None and spec.is_list and name not in out:
            out.append(name)
    return out


def scan_package(package: DocxPackage) -> TemplateScan:
    names: list[str] = []
    problems: list[str] = []
    for part in package.text_parts:
        for p in _paragraphs(package.root(part)):
            para = _Paragraph.of(p)
            found = para.names()
            names += found
            rest = para.leftover()
            if rest:
                snippet = rest.replace("\x00", " ").strip()
                problems.append(UNCLOSED.format(snippet=snippet[:40]))
            lists = _list_names(found)
            if len(lists) > 1:
                problems.append(SPLIT_LIST.format(names="、".join(f"{{{{{n}}}}}" for n in lists)))
    return TemplateScan(tuple(names), tuple(dict.fromkeys(problems)))


def _check_readable(data: bytes) -> None:
    """python-docx must be able to open it (it is what users' tools and our tests read letters with)."""
    try:
        docx.Document(io.BytesIO(data))
    except Exception as exc:  # any failure of the third-party reader on untrusted input means "unreadable"
        raise LetterError(UNREADABLE.format(why=_short(exc))) from None


def validate_template(data: bytes, slot: LetterSlot) -> TemplateScan:
    """Accept ``data`` as a template of ``slot`` or raise :class:`LetterError` listing every problem: unknown
    placeholders by name, placeholders of another kind of letter, broken placeholders, two lists in a paragraph."""
    package = open_docx(data)
    _check_readable(data)
    scan = scan_package(package)
    problems = list(scan.problems)
    check = check_placeholders(slot, scan.names)
    if not check.ok:
        problems.insert(0, check.message(slot))
    if problems:
        raise LetterError("模板有误：" + "；".join(problems))
    return scan


# -- filling ------------------------------------------------------------------------------------------------


def _clean(value: str) -> str:
    return _XML_INVALID.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _fill_paragraph(p: etree._Element, values: Mapping[str, Value]) -> None:
    para = _Paragraph.of(p)
    names = para.names()
    if not names:
        return
    unknown = [n for n in dict.fromkeys(names) if n not in values]
    if unknown:
        raise LetterError(UNKNOWN_AT_FILL.format(names="、".join(f"{{{{{n}}}}}" for n in unknown)))
    lists = [n for n in dict.fromkeys(names) if isinstance(values[n], tuple)]
    if len(lists) > 1:
        raise LetterError(SPLIT_LIST.format(names="、".join(f"{{{{{n}}}}}" for n in lists)))
    scalars = {n: _clean(v) for n, v in values.items() if isinstance(v, str)}
    if not lists:
        para.replace_all(scalars)
        _split_lines(p)
        if _blank(p) and _removable(p):
            parent = p.getparent()
            if parent is not None:
                parent.remove(p)
        return
    name = lists[0]
    items = [_clean(i) for i in values[name]]
    if not items:
        parent = p.getparent()
        if parent is not None and _removable(p):
            parent.remove(p)
        else:
            para.replace_all({**scalars, name: ""})
        return
    copies = [p]
    for _ in items[1:]:
        clone = copy.deepcopy(p)
        copies[-1].addnext(clone)
        copies.append(clone)
    for index, (clone, item) in enumerate(zip(copies, items, strict=True)):
        _Paragraph.of(clone).replace_all({**scalars, name: item})
        _split_lines(clone)
        if index:  # the copies' text boxes are not in the part's paragraph list: fill them here
            for inner in list(clone.iter(_P))[1:]:
                _fill_paragraph(inner, values)


def fill_package(package: DocxPackage, values: Mapping[str, Value]) -> bytes:
    replaced: dict[str, bytes] = {}
    for part in package.text_parts:
        root = package.root(part)
        for p in _paragraphs(root):
            _fill_paragraph(p, values)
        replaced[part] = _serialize(root)
    return package.to_bytes(replaced)


def fill_docx(data: bytes, values: Mapping[str, Value]) -> bytes:
    """``data`` (a template) with every placeholder replaced by its value; :class:`LetterError` when the template
    is not acceptable or uses a placeholder ``values`` has no value for."""
    return fill_package(open_docx(data), values)
