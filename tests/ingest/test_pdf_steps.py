"""The pure steps of the PDF reader, each on small hand-made inputs (no PDF needed)."""

from __future__ import annotations

from typing import Any

import pytest

from xxgk.ingest import pdf
from xxgk.ingest.pdf_document import is_unmapped
from xxgk.ingest.pdf_glyphs import (
    Glyph,
    cell_text,
    chars_to_glyphs,
    fix_text,
    glyphs_to_lines,
    join_wrapped,
    line_text,
)
from xxgk.ingest.pdf_tables import (
    PdfCell,
    TablePart,
    cells_to_grid,
    glyphs_to_cells,
    grid_to_part,
    join_fragment,
    link_parts,
)

SIZE = 10.0


def run(text: str, x: float = 0.0, top: float = 0.0, gap: float = 0.0, size: float = SIZE) -> list[Glyph]:
    """Glyphs of ``text`` on one line from ``x``, each ``size`` wide, ``gap`` apart (a space adds a size)."""
    out: list[Glyph] = []
    for char in text:
        if char == " ":
            x += size
            continue
        out.append(Glyph(char, x, top, x + size, top + size, size))
        x += size + gap
    return out


def column(text: str, x: float, top: float) -> list[Glyph]:
    """One character per line."""
    return [Glyph(c, x, top + i * 12, x + SIZE, top + i * 12 + SIZE, SIZE) for i, c in enumerate(text)]


# -- glyphs and text ----------------------------------------------------------------------------------


def test_radicals_and_compatibility_ideographs_become_ordinary_characters() -> None:
    assert fix_text("⼀、本年新收 第⼆⻚ ⻓期") == "一、本年新收 第二页 长期"
    assert fix_text("（三）") == "（三）"  # full-width brackets are left alone
    glyphs = chars_to_glyphs([{"text": "⼆", "x0": 0, "top": 0, "x1": 10, "bottom": 10, "size": 10}])
    assert glyphs[0].text == "二"


def test_blank_characters_are_dropped() -> None:
    chars: list[dict[str, Any]] = [
        {"text": "a", "x0": 0, "top": 0, "x1": 5, "bottom": 10, "size": 10},
        {"text": " ", "x0": 5, "top": 0, "x1": 8, "bottom": 10, "size": 10},
        {"text": "\xa0", "x0": 8, "top": 0, "x1": 11, "bottom": 10, "size": 10},
    ]
    assert [g.text for g in chars_to_glyphs(chars)] == ["a"]


def test_join_wrapped_lines() -> None:
    assert join_wrapped(["自然", "人"]) == "自然人"
    assert join_wrapped(["（二）部分公开（区分处理的，只计这一", "情形，不计其他情形）"]).endswith(
        "这一情形，不计其他情形）"
    )
    assert join_wrapped(["1,69", "0"]) == "1,690"
    assert join_wrapped(["Total", "cases", ""]) == "Total cases"


def test_line_text_spaces_only_at_wide_gaps() -> None:
    assert line_text(run("本年新收")) == "本年新收"
    assert line_text(run("1,690")) == "1,690"
    assert line_text(run("规章 0", gap=0.5)) == "规章 0"
    assert line_text(run("12", gap=3.0)) == "12"  # digits spread by justification stay one number
    wide = run("规章") + run("0", x=80)
    assert line_text(wide, cell_gap=1.6) == "规章  0"


def test_lines_are_grouped_top_to_bottom_left_to_right() -> None:
    glyphs = run("第二行", top=30) + run("第一行", top=10)[::-1]
    assert [line.text for line in glyphs_to_lines(glyphs)] == ["第一行", "第二行"]


def test_one_character_per_line_reads_as_one_label() -> None:
    assert cell_text(column("结果维持", 5, 5)) == "结果维持"
    assert cell_text(column("三、本年度办理结果", 5, 5)) == "三、本年度办理结果"
    assert cell_text([]) == ""


def test_unmapped_glyphs() -> None:
    assert is_unmapped("(cid:123)")
    assert is_unmapped("\ue001")
    assert is_unmapped("\ufffd")
    assert not is_unmapped("公")
    assert not is_unmapped("1")


# -- grids --------------------------------------------------------------------------------------------


def test_spanned_cells_are_copies_and_empty_positions_stay_empty() -> None:
    # | 信息内容 | 本年处理决定数量 (colspan 2) |
    # | 行政许可 | 221 (colspan 2)              |
    boxes = [(0, 0, 50, 20), (50, 0, 150, 20), (0, 20, 50, 40), (50, 20, 150, 40), (0, 40, 50, 60), (50, 40, 100, 60)]
    grid = cells_to_grid(1, [*boxes, (100, 40, 150, 60)])
    assert grid is not None and grid.n_cols == 3 and grid.n_rows == 3
    glyphs = run("信息内容", 2, 5, size=8) + run("本年处理决定数量", 55, 5, size=8) + run("行政许可", 2, 25, size=8)
    glyphs += run("221", 60, 25, size=8) + run("规章", 2, 45, size=8) + run("5", 60, 45, size=8) + run("6", 110, 45)
    part = grid_to_part(grid, glyphs_to_cells(grid, glyphs))
    texts = [[("*" if c.copy else "") + c.text for c in row] for row in part.rows]
    assert texts == [
        ["信息内容", "本年处理决定数量", "*本年处理决定数量"],
        ["行政许可", "221", "*221"],
        ["规章", "5", "6"],
    ]


def test_rowspan_label_is_copied_down() -> None:
    boxes = [(0, 0, 40, 40), (40, 0, 100, 20), (100, 0, 130, 20), (40, 20, 100, 40), (100, 20, 130, 40)]
    grid = cells_to_grid(1, boxes)
    assert grid is not None
    glyphs = column("不予公开", 15, 2)[:2] + run("1.国家秘密", 42, 5, size=5) + run("0", 110, 5)
    glyphs += run("2.其他", 42, 25, size=5) + run("1", 110, 25)
    part = grid_to_part(grid, glyphs_to_cells(grid, glyphs))
    assert [c.copy for c in part.rows[1]] == [True, False, False]
    assert part.rows[1][0].text == part.rows[0][0].text == "不予"


def test_spacer_columns_and_empty_rows_are_dropped() -> None:
    # Two tables drawn against each other: the lower one's edges split the upper one's cells.
    boxes = [(0, 0, 60, 20), (60, 0, 120, 20)]  # upper: 2 cells
    boxes += [(0, 20, 30, 40), (30, 20, 60, 40), (60, 20, 90, 40), (90, 20, 120, 40)]  # lower: 4 cells
    boxes += [(0, 40, 60, 50), (60, 40, 120, 50)]  # an empty row
    boxes += [(120, 0, 130, 50)]  # an empty spacer column
    grid = cells_to_grid(1, boxes)
    assert grid is not None and grid.n_cols == 5
    glyphs = run("行政复议", 2, 5, size=6) + run("行政诉讼", 62, 5, size=6)
    glyphs += run("1", 10, 25) + run("0", 40, 25) + run("2", 70, 25) + run("3", 100, 25)
    part = grid_to_part(grid, glyphs_to_cells(grid, glyphs))
    texts = [[("*" if c.copy else "") + c.text for c in row] for row in part.rows]
    assert texts == [["行政复议", "*行政复议", "行政诉讼", "*行政诉讼"], ["1", "0", "2", "3"]]


def test_no_cells_no_grid() -> None:
    assert cells_to_grid(1, []) is None
    assert cells_to_grid(1, [(0, 0, 0.1, 10)]) is None


# -- tables across pages --------------------------------------------------------------------------------


def cells(page: int, texts: list[str], top: float, *, x0: float = 0.0, width: float = 50.0) -> list[PdfCell]:
    out: list[PdfCell] = []
    for i, text in enumerate(texts):
        copy = text.startswith("*")
        box = (x0 + i * width, top, x0 + (i + 1) * width, top + 20)
        out.append(PdfCell(text.lstrip("*"), box, copy, page, key=1000 * page + int(top) + i))
    return out


def part(page: int, rows: list[list[str]], *, x0: float = 0.0) -> TablePart:
    built = [cells(page, row, 50 + 20 * r, x0=x0) for r, row in enumerate(rows)]
    for r in range(1, len(built)):  # a copy repeats the cell above it (a rowspan)
        built[r] = [c._replace(key=built[r - 1][i].key) if c.copy else c for i, c in enumerate(built[r])]
    width = 50.0 * max(len(r) for r in rows)
    return TablePart(page, (x0, 50, x0 + width, 50 + 20 * len(rows)), built, [page] * len(rows))


HEADER = ["申请人情况", "自然人", "总计"]


def test_continued_table_drops_the_repeated_header() -> None:
    first = part(1, [HEADER, ["一、本年新收", "1", "1"]])
    second = part(2, [HEADER, ["二、上年结转", "0", "0"]])
    tables, owners = link_parts([first, second], [False, True])
    assert owners == [0, 0]
    assert [[c.text for c in row] for row in tables[0].rows] == [
        HEADER,
        ["一、本年新收", "1", "1"],
        ["二、上年结转", "0", "0"],
    ]
    assert tables[0].pages == [1, 1, 2]


def test_a_data_row_equal_to_the_first_row_is_not_a_header() -> None:
    first = part(1, [["0", "0", "0"]])
    second = part(2, [["0", "0", "0"]])
    tables, _ = link_parts([first, second], [False, True])
    assert len(tables[0].rows) == 2


def test_parts_that_do_not_follow_are_separate_tables() -> None:
    first = part(1, [HEADER])
    assert len(link_parts([first, part(2, [HEADER])], [False, False])[0]) == 2  # text between them
    assert len(link_parts([first, part(3, [HEADER])], [False, True])[0]) == 2  # not the next page
    assert len(link_parts([first, part(2, [["a", "b"]], x0=300)], [False, True])[0]) == 2  # elsewhere


def test_a_row_broken_by_the_page_break_is_joined() -> None:
    first = part(1, [["5.要求行政机关确认或重新出具已", "0", ""]])
    second = part(2, [["获取信息", "", "0"], ["（六）其他处理", "0", "0"]])
    tables, _ = link_parts([first, second], [False, True])
    rows = [[c.text for c in row] for row in tables[0].rows]
    assert rows == [["5.要求行政机关确认或重新出具已获取信息", "0", "0"], ["（六）其他处理", "0", "0"]]


def test_a_numbered_row_or_a_table2_item_is_never_a_fragment() -> None:
    last = cells(1, ["行政处罚", ""], 100)
    assert join_fragment(last, cells(2, ["行政强制", ""], 50)) is None
    assert join_fragment(last, cells(2, ["（三）不予公开", ""], 50)) is None
    assert join_fragment(cells(1, ["a", "20"], 100), cells(2, ["", "0"], 50)) is None  # a value above


def test_a_label_spanning_rows_keeps_its_text_after_the_break() -> None:
    first = part(1, [["三、本年度办理结果", "（一）予以公开", "1"]])
    second = part(2, [["", "（二）部分公开", "0"], ["*", "（三）不予公开", "0"]])
    tables, _ = link_parts([first, second], [False, True])
    labels = [row[0] for row in tables[0].rows]
    assert [c.text for c in labels] == ["三、本年度办理结果"] * 3
    assert [c.copy for c in labels] == [False, True, True]


# -- page furniture ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["- 2 -", "—12—", "第 2 页", "第2页 共7页", "第 2 页，共 7 页", "2/7", "Page 3 of 9", "3"]
)
def test_page_numbers(text: str) -> None:
    assert pdf.is_page_number(text)


@pytest.mark.parametrize("text", ["2021年", "12,345", "0.5", "一、总体情况", "第二十条第（一）项"])
def test_not_page_numbers(text: str) -> None:
    assert not pdf.is_page_number(text)


def page_with(number: int, texts: list[tuple[str, float]]) -> pdf.PageRead:
    glyphs: list[Glyph] = []
    for text, top in texts:
        glyphs += run(text, 100, top)
    return pdf.PageRead(number, 595, 842, lines=glyphs_to_lines(glyphs), glyph_count=len(glyphs), cjk=1.0)


def test_running_headers_footers_and_page_numbers_are_dropped() -> None:
    pages = [
        page_with(n, [("某局2021年年度报告", 20), ("正文第一段", 300), ("续表", 330), (f"- {n} -", 820)])
        for n in (1, 2, 3)
    ]
    pages.append(page_with(4, [("正文第一段", 300), ("某局2021年年度报告", 400)]))
    kept = pdf.drop_running_lines(pages)
    assert [[line.text for line in lines] for lines in kept[:3]] == [["正文第一段"]] * 3
    assert [line.text for line in kept[3]] == ["正文第一段", "某局2021年年度报告"]  # not in a margin


def test_a_single_page_keeps_its_header_but_not_its_page_number() -> None:
    kept = pdf.drop_running_lines([page_with(1, [("某局报告", 20), ("1", 820)])])
    assert [line.text for line in kept[0]] == ["某局报告"]


# -- rules ---------------------------------------------------------------------------------------------


def edge(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict[str, Any]:
    return {"orientation": orientation, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "object_type": "line"}


def test_rules_ending_at_a_page_break_are_closed() -> None:
    verticals = [edge("v", x, 700, x, 800) for x in (50, 100, 150)]
    closing = pdf.closing_edges([*verticals, edge("h", 50, 700, 150, 700)])
    assert [(e["x0"], e["x1"], e["top"]) for e in closing] == [(50, 100, 800), (100, 150, 800)]


def test_rules_drawn_row_by_row_are_not_closed() -> None:
    edges = [edge("v", x, y, x, y + 20) for x in (50, 100) for y in (700, 720)]
    edges += [edge("h", 50, y, 100, y) for y in (700, 740)]
    assert pdf.closing_edges(edges) == []


def test_underlines_are_not_cell_borders() -> None:
    text = run("5.要求行政机关", 52, 100)
    underline = edge("h", 52, 110.5, text[-1].x1, 110.5)
    border = edge("h", 50, 113, 200, 113)
    kept = pdf.drop_underlines([underline, border, edge("v", 50, 90, 50, 113)], text)
    assert underline not in kept and border in kept and len(kept) == 2
