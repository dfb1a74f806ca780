"""``--explain`` as a standalone HTML page: every extracted cell beside where it came from.

For a PDF the pages that cells were read from are shown as images (rendered with pypdfium2, embedded as
``data:`` PNGs) with each cell's box drawn over them; hovering or clicking a row of the cell list highlights
its box (and the other way round). For other formats (DOCX, HTML, text) each cell's row shows the
table/row/column or line it came from and the raw text printed there. Everything taken from the document is
escaped; the page needs no network and no files beside it.
"""

from __future__ import annotations

import base64
from html import escape

from xxgk.core.model import Source
from xxgk.ingest.base import ParseResult
from xxgk.ingest.explain import value_text
from xxgk.ingest.pdf_document import DEFAULT_SETTINGS, MAGIC, render_pages

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; color: #222; }
header { padding: 12px 20px; background: #f4f4f4; border-bottom: 1px solid #ccc; }
header h1 { font-size: 18px; margin: 0 0 6px; }
header p { margin: 2px 0; font-size: 13px; }
main { display: flex; align-items: flex-start; gap: 16px; padding: 12px 20px; }
#cells { flex: 1 1 50%; max-height: calc(100vh - 120px); overflow: auto; }
#pages { flex: 1 1 50%; max-height: calc(100vh - 120px); overflow: auto; }
table.cells { border-collapse: collapse; font-size: 12px; width: 100%; }
table.cells th, table.cells td { border: 1px solid #ddd; padding: 2px 4px; text-align: left; vertical-align: top; }
table.cells th { background: #fafafa; position: sticky; top: 0; }
table.cells tr[data-box] { cursor: pointer; }
table.cells tr.hl td { background: #fff3b0; }
td.blank { color: #777; } td.unreadable { color: #b00020; font-weight: bold; } td.absent { color: #999; }
td.raw { font-family: monospace; white-space: pre-wrap; }
.page { position: relative; margin: 0 0 16px; border: 1px solid #999; }
.page img { display: block; width: 100%; height: auto; }
.page .no { position: absolute; left: 4px; top: 4px; background: #333; color: #fff; font-size: 11px; padding: 1px 4px; }
.box { position: absolute; border: 1px solid rgba(0, 90, 200, 0.7); background: rgba(0, 120, 255, 0.06);
       box-sizing: border-box; }
.box span { position: absolute; left: 0; top: -11px; font-size: 9px; line-height: 10px; color: #0050b0;
            background: rgba(255, 255, 255, 0.85); white-space: nowrap; display: none; }
.box:hover span, .box.hl span { display: block; }
.box.hl { border: 2px solid #e00; background: rgba(255, 220, 0, 0.35); z-index: 2; }
.box.unreadable { border-color: rgba(200, 0, 0, 0.8); }
section.extra, section.findings { padding: 0 20px 16px; font-size: 13px; }
"""

_JS = """
(function () {
  function pair(id) { return [document.getElementById(id), document.querySelector('tr[data-box="' + id + '"]')]; }
  function mark(id, on) { pair(id).forEach(function (el) { if (el) { el.classList.toggle('hl', on); } }); }
  document.querySelectorAll('tr[data-box]').forEach(function (row) {
    var id = row.getAttribute('data-box');
    row.addEventListener('mouseenter', function () { mark(id, true); });
    row.addEventListener('mouseleave', function () { mark(id, false); });
    row.addEventListener('click', function () {
      var box = document.getElementById(id);
      if (box) { box.scrollIntoView({block: 'center', behavior: 'smooth'}); mark(id, true); }
    });
  });
  document.querySelectorAll('.box').forEach(function (box) {
    box.addEventListener('mouseenter', function () { mark(box.id, true); });
    box.addEventListener('mouseleave', function () { mark(box.id, false); });
    box.addEventListener('click', function () {
      var row = document.querySelector('tr[data-box="' + box.id + '"]');
      if (row) { row.scrollIntoView({block: 'center', behavior: 'smooth'}); }
    });
  });
})();
"""


def explain_html(result: ParseResult, data: bytes, *, nonce: str | None = None) -> str:
    """A standalone HTML page explaining ``result`` (parsed from ``data``): cells, sources, page images.

    ``nonce``: a Content-Security-Policy nonce put on the page's own ``<style>`` and ``<script>`` (when a web page
    serves it under a nonce-based policy; the cell boxes' positions are ``style`` attributes, which such a policy
    must allow with ``style-src-attr 'unsafe-inline'``)."""
    nonced = f' nonce="{escape(nonce)}"' if nonce else ""
    report = result.report
    boxed: dict[str, tuple[int, tuple[float, float, float, float]]] = {}
    for spec, cell in report.iter_cells():
        src = cell.source
        if src is not None and src.page is not None and src.bbox is not None:
            boxed[spec.code] = (src.page, src.bbox)
    is_pdf = MAGIC in data[:1024]
    images = render_pages(data, {page for page, _ in boxed.values()}, DEFAULT_SETTINGS.render_scale) if is_pdf else {}

    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>解析说明 · {escape(result.source)}</title>",
        f"<style{nonced}>{_CSS}</style></head><body>",
        "<header>",
        f"<h1>解析说明：{escape(result.source)}</h1>",
        f"<p>格式：{escape(result.format or '未知')}　标题：{escape(report.title or '（未识别）')}</p>",
        f"<p>机关：{escape(report.body or '（未识别）')}　年度：{escape(_year(result))}"
        f"　模板：{escape(_templates(result))}</p>",
        f"<p>共 {len(report.codes)} 个单元格，{len(boxed)} 个标出了在页面上的位置。"
        + ("将鼠标移到左侧一行上，右侧页面中对应的方框会高亮；点击可定位。" if images else "")
        + "</p>",
        "</header><main>",
        '<div id="cells"><table class="cells"><thead><tr>'
        "<th>单元格</th><th>模板标签</th><th>值/状态</th><th>来源</th><th>原文</th></tr></thead><tbody>",
    ]
    for spec, cell in report.iter_cells():
        box_id = _box_id(spec.code) if spec.code in boxed and boxed[spec.code][0] in images else None
        attr = f' data-box="{box_id}"' if box_id else ""
        unit = report.units.get(spec.code)
        src = cell.source
        out.append(
            f"<tr{attr}><td>{escape(spec.code)}</td><td>{escape(spec.label)}</td>"
            f'<td class="{cell.state.value}">{escape(value_text(cell))}{escape(f" [单位: {unit}]" if unit else "")}'
            f"{escape(f'（{cell.note}）' if cell.note else '')}</td>"
            f"<td>{escape(_where(src))}</td>"
            f'<td class="raw">{escape(src.text if src is not None and src.text is not None else "")}</td></tr>'
        )
    out.append("</tbody></table></div>")

    if images:
        out.append('<div id="pages">')
        for number in sorted(images):
            png, width, height = images[number]
            encoded = base64.b64encode(png).decode("ascii")
            out.append(f'<div class="page" data-page="{number}">')
            out.append(f'<img src="data:image/png;base64,{encoded}" alt="第{number}页">')
            out.append(f'<span class="no">第{number}页</span>')
            for code, (page, bbox) in boxed.items():
                if page != number:
                    continue
                cell = report.cells[code]
                x0, top, x1, bottom = bbox
                style = (
                    f"left:{_pct(x0, width)}%;top:{_pct(top, height)}%;"
                    f"width:{_pct(x1 - x0, width)}%;height:{_pct(bottom - top, height)}%"
                )
                label = f"{code} = {value_text(cell)}"
                out.append(
                    f'<div class="box {cell.state.value}" id="{_box_id(code)}" data-code="{escape(code)}" '
                    f'style="{style}" title="{escape(label)}"><span>{escape(label)}</span></div>'
                )
            out.append("</div>")
        out.append("</div>")
    out.append("</main>")

    if report.extra_rows:
        out.append("<section class='extra'><h2>未能归入模板的行</h2><ul>")
        for row in report.extra_rows:
            values = " | ".join(row.values)
            out.append(
                f"<li>[{escape(row.section)}] {escape(row.label or '（无标签）')}：{escape(values)}"
                f"　<small>{escape(_where(row.source))}</small></li>"
            )
        out.append("</ul></section>")
    if result.findings:
        out.append("<section class='findings'><h2>解析提示</h2><ul>")
        for f in result.findings:
            cells = f"（{', '.join(f.cells)}）" if f.cells else ""
            out.append(
                f"<li><b>{escape(f.code)}</b> {escape(f.severity.value)}：{escape(f.message)}{escape(cells)}"
                f"<br><small>{escape(f.hint)}</small></li>"
            )
        out.append("</ul></section>")
    out.append(f"<script{nonced}>{_JS}</script></body></html>")
    return "\n".join(out) + "\n"


def _year(result: ParseResult) -> str:
    year = result.report.year
    return str(year) if year is not None else "（未识别）"


def _templates(result: ParseResult) -> str:
    report = result.report
    text = report.template
    if report.templates:
        text += "（" + "，".join(f"{k}: {v}" for k, v in sorted(report.templates.items())) + "）"
    return text


def _where(source: Source | None) -> str:
    if source is None:
        return "—"
    parts: list[str] = []
    if source.page is not None:
        parts.append(f"第{source.page}页")
    if source.table is not None:
        parts.append(f"表{source.table}")
    if source.row is not None:
        parts.append(f"第{source.row}行")
    if source.col is not None:
        parts.append(f"第{source.col}列")
    if source.line is not None:
        parts.append(f"第{source.line}行（文本）")
    if source.bbox is not None:
        parts.append("(" + ", ".join(f"{v:.1f}" for v in source.bbox) + ")")
    return " ".join(parts) if parts else "—"


def _box_id(code: str) -> str:
    return "box-" + code.replace(".", "-")


def _pct(value: float, whole: float) -> str:
    return f"{value / whole * 100:.3f}" if whole else "0"
