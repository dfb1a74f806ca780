"""Table 2 computed from normative documents' lifecycles and yearly figures (xxgk.core.table2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.core.table2 import (
    Amendment,
    DocKind,
    Document,
    Figure,
    FigureField,
    FigureItem,
    LedgerError,
    compute_table2,
    document_errors,
    figure_errors,
    figure_fields,
    figure_items,
    format_number,
    parse_amount,
    parse_count,
    table2_cells,
)
from xxgk.core.templates import get_template

N = DocKind.NORMATIVE
R = DocKind.REGULATION


def doc(issued: date, **kwargs: object) -> Document:
    return Document(kind=kwargs.pop("kind", N), issued_on=issued, **kwargs)  # type: ignore[arg-type]


def cells(year: int, docs: list[Document], figs: list[Figure] | None = None, **kw: bool) -> dict[str, object]:
    return dict(table2_cells(year=year, documents=docs, figures=figs or [], **kw))


# -- codes ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "version"), [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2025, "2021")])
def test_every_table2_code_of_the_years_template_and_nothing_else(year: int, version: str) -> None:
    out = cells(year, [])
    assert list(out) == [c.code for c in get_template(version).table_cells(2)]
    assert all(v == 0 for v in out.values())


def test_no_table_before_2019() -> None:
    with pytest.raises(LedgerError, match="2018年早于统一格式"):
        cells(2018, [])


# -- 2019 template: made / published / total --------------------------------------------------------------------


def test_2019_made_published_total_by_their_own_dates() -> None:
    made_dec_published_jan = doc(date(2019, 12, 20), published_on=date(2020, 1, 6), ref="a")
    old_published_now = doc(date(2018, 5, 1), published_on=date(2019, 3, 1), ref="b")
    never_published = doc(date(2019, 2, 1), ref="c")
    repealed_2019 = doc(date(2017, 1, 1), published_on=date(2017, 1, 2), repealed_on=date(2019, 6, 1), ref="d")
    rule = doc(date(2019, 4, 1), published_on=date(2019, 4, 1), kind=R, ref="e")
    docs = [made_dec_published_jan, old_published_now, never_published, repealed_2019, rule]
    y2019 = compute_table2(year=2019, documents=docs, figures=[])
    assert y2019.cells["s2.normative_docs.made"].sources == ("a", "c")
    assert y2019.cells["s2.normative_docs.published"].sources == ("b",)
    assert y2019.cells["s2.normative_docs.total"].sources == ("b",)  # a not yet public, c never, d repealed
    assert (y2019.cells["s2.regulations.made"].value, y2019.cells["s2.regulations.total"].value) == (1, 1)
    y2020 = compute_table2(year=2020, documents=docs, figures=[])
    assert y2020.cells["s2.normative_docs.made"].value == 0
    assert y2020.cells["s2.normative_docs.published"].sources == ("a",)
    assert y2020.cells["s2.normative_docs.total"].sources == ("a", "b")


def test_2019_total_drops_expired_documents_after_their_last_valid_day() -> None:
    d = doc(date(2015, 1, 1), published_on=date(2015, 1, 1), expires_on=date(2019, 12, 31))
    assert cells(2019, [d])["s2.normative_docs.total"] == 1  # valid through 31 December
    assert cells(2020, [d])["s2.normative_docs.total"] == 0


# -- 2021 template: issued / repealed / in_force ----------------------------------------------------------------


def test_2021_issued_repealed_in_force_at_31_december() -> None:
    issued_dec_effective_jan = doc(date(2021, 12, 28), ref="a")
    repealed_on_31_dec = doc(date(2019, 1, 1), repealed_on=date(2021, 12, 31), ref="b")
    repealed_next_year = doc(date(2019, 1, 1), repealed_on=date(2022, 1, 1), ref="c")
    expired_in_2021 = doc(date(2016, 3, 1), expires_on=date(2021, 2, 28), ref="d")
    issued_and_repealed = doc(date(2021, 2, 1), repealed_on=date(2021, 9, 1), ref="e")
    docs = [issued_dec_effective_jan, repealed_on_31_dec, repealed_next_year, expired_in_2021, issued_and_repealed]
    t = compute_table2(year=2021, documents=docs, figures=[])
    assert t.cells["s2.normative_docs.issued"].sources == ("a", "e")
    assert t.cells["s2.normative_docs.repealed"].sources == ("b", "e")  # expiry is not 废止
    assert t.cells["s2.normative_docs.in_force"].sources == ("a", "c")
    t22 = compute_table2(year=2022, documents=docs, figures=[])
    assert t22.cells["s2.normative_docs.repealed"].sources == ("c",)
    assert t22.cells["s2.normative_docs.in_force"].sources == ("a",)


def test_in_force_chain_holds_when_nothing_expires() -> None:
    docs = [
        doc(date(2020, 5, 1), ref=1),
        doc(date(2021, 3, 1), repealed_on=date(2023, 7, 1), ref=2),
        doc(date(2022, 8, 1), ref=3),
        doc(date(2023, 1, 1), repealed_on=date(2023, 12, 1), ref=4),
        doc(date(2024, 6, 1), kind=R, ref=5),
    ]
    for year in range(2022, 2026):
        this = cells(year, docs, count_amendments=False)
        last = cells(year - 1, docs, count_amendments=False)
        for item in ("regulations", "normative_docs"):
            expected = last[f"s2.{item}.in_force"] + this[f"s2.{item}.issued"] - this[f"s2.{item}.repealed"]  # type: ignore[operator]
            assert this[f"s2.{item}.in_force"] == expected, (year, item)


def test_amendments_count_as_issued_and_published_once_per_year_unless_disabled() -> None:
    d = doc(
        date(2018, 1, 1),
        published_on=date(2018, 1, 5),
        amendments=(
            Amendment(date(2020, 3, 1), published_on=date(2020, 3, 9)),
            Amendment(date(2020, 9, 1), published_on=date(2021, 1, 4)),
        ),
        ref="x",
    )
    y20 = cells(2020, [d])
    assert (y20["s2.normative_docs.made"], y20["s2.normative_docs.published"]) == (1, 1)
    assert y20["s2.normative_docs.total"] == 1  # still one document
    y21 = cells(2021, [d])
    assert (y21["s2.normative_docs.issued"], y21["s2.normative_docs.repealed"], y21["s2.normative_docs.in_force"]) == (
        0,
        0,
        1,
    )
    assert cells(2020, [d], count_amendments=False)["s2.normative_docs.made"] == 0
    assert cells(2020, [d], count_amendments=False)["s2.normative_docs.published"] == 0


def test_document_errors_name_the_field() -> None:
    bad = doc(
        date(2020, 5, 1),
        published_on=date(2020, 4, 1),
        repealed_on=date(2020, 5, 1),
        expires_on=date(2020, 1, 1),
        amendments=(Amendment(date(2020, 4, 1)), Amendment(date(2020, 6, 1), published_on=date(2020, 5, 30))),
    )
    fields = [f for f, _ in document_errors(bad)]
    assert fields == ["published_on", "repealed_on", "expires_on", "amendments", "amendments", "amendments"]
    dup = doc(date(2020, 1, 1), amendments=(Amendment(date(2020, 2, 1)), Amendment(date(2020, 2, 1))))
    assert any("重复" in m for _, m in document_errors(dup))
    assert document_errors(doc(date(2020, 1, 1), published_on=date(2020, 1, 1))) == []


def test_ended_on_is_the_first_day_out_of_force() -> None:
    assert doc(date(2020, 1, 1)).ended_on() is None
    assert doc(date(2020, 1, 1), expires_on=date(2022, 12, 31)).ended_on() == date(2023, 1, 1)
    both = doc(date(2020, 1, 1), expires_on=date(2022, 12, 31), repealed_on=date(2021, 6, 1))
    assert both.ended_on() == date(2021, 6, 1)


# -- figures --------------------------------------------------------------------------------------------------


def test_figure_fields_follow_the_templates() -> None:
    assert figure_fields(FigureItem.LICENSING, 2020) == (
        FigureField.PREV_ITEMS,
        FigureField.CHANGE,
        FigureField.DECISIONS,
    )
    assert figure_fields(FigureItem.LICENSING, 2021) == (FigureField.DECISIONS,)
    assert figure_fields(FigureItem.FEES, 2019) == (FigureField.PREV_ITEMS, FigureField.CHANGE)
    assert figure_fields(FigureItem.FEES, 2022) == (FigureField.AMOUNT,)
    assert figure_fields(FigureItem.PROCUREMENT, 2020) == (FigureField.PROJECTS, FigureField.AMOUNT)
    assert figure_fields(FigureItem.PROCUREMENT, 2021) == ()
    assert figure_fields(FigureItem.OTHER_SERVICES, 2021) == ()
    assert figure_fields(FigureItem.LICENSING, 2018) == ()
    assert figure_items(2021) == (FigureItem.LICENSING, FigureItem.PENALTIES, FigureItem.COERCION, FigureItem.FEES)
    assert len(figure_items(2020)) == 6


def test_figures_fill_their_cells_and_are_added_up_per_item() -> None:
    figs = [
        Figure(FigureItem.PROCUREMENT, 2020, projects=60, amount=Decimal("400.5"), source="a", ref=1),
        Figure(FigureItem.PROCUREMENT, 2020, projects=35, amount=Decimal("188.58"), source="b", ref=2),
        Figure(FigureItem.LICENSING, 2020, prev_items=12, change=-3, decisions=140, source="c", ref=3),
        Figure(FigureItem.LICENSING, 2019, prev_items=10, change=2, decisions=99, source="d", ref=4),
    ]
    t = compute_table2(year=2020, documents=[], figures=figs)
    assert t.cells["s2.procurement.projects"].value == 95
    assert t.cells["s2.procurement.amount"].value == Decimal("589.08")
    assert t.cells["s2.procurement.amount"].sources == (1, 2)
    assert t.cells["s2.licensing.change"].value == -3
    assert t.cells["s2.licensing.decisions"].sources == (3,)
    assert t.cells["s2.penalties.decisions"].entered is False
    assert t.cells["s2.penalties.decisions"].value == 0
    assert isinstance(t.cells["s2.procurement.amount"].value, Decimal)
    fee21 = compute_table2(year=2021, documents=[], figures=[Figure(FigureItem.FEES, 2021, amount=Decimal("1.5"))])
    assert fee21.cells["s2.fees.amount"].value == Decimal("1.5")
    none21 = compute_table2(year=2021, documents=[], figures=[])
    assert isinstance(none21.cells["s2.fees.amount"].value, Decimal)


def test_a_2019_template_figure_row_ignores_other_years_and_unknown_rows() -> None:
    figs = [Figure(FigureItem.PROCUREMENT, 2021, projects=5, amount=Decimal(1), source="x")]
    assert "s2.procurement.projects" not in cells(2021, [], figs)
    assert cells(2020, [], figs)["s2.procurement.projects"] == 0


def test_figure_errors() -> None:
    ok = Figure(FigureItem.LICENSING, 2020, prev_items=3, change=-3, decisions=0, source="政务服务平台")
    assert figure_errors(ok) == []
    missing = Figure(FigureItem.LICENSING, 2020, prev_items=3, source=" ")
    assert [f for f, _ in figure_errors(missing)] == ["change", "decisions", "source"]
    extra = Figure(FigureItem.LICENSING, 2021, decisions=5, prev_items=3, source="s")
    assert figure_errors(extra) == [("prev_items", "2021年的报告模板中「行政许可」没有「上一年项目数量」栏，请留空")]
    negative = Figure(FigureItem.PENALTIES, 2020, prev_items=-1, change=-4, decisions=-2, source="s")
    assert [f for f, _ in figure_errors(negative)] == ["prev_items", "decisions", "change"]
    assert figure_errors(Figure(FigureItem.PROCUREMENT, 2022, projects=1, source="s"))[0][0] == "item"
    assert figure_errors(Figure(FigureItem.FEES, 2018, source="s"))[0][0] == "year"
    money = Figure(FigureItem.FEES, 2022, amount=Decimal("1.0000001"), source="s")
    assert "6 位小数" in figure_errors(money)[0][1]
    assert figure_errors(Figure(FigureItem.FEES, 2022, amount=Decimal(-1), source="s"))[0][1] == "不能为负数"


# -- parsing ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("95", 95), (" 95个 ", 95), ("2笔", 2), ("１２", 12), ("1,200", 1200), ("'7", 7), ("0", 0)],
)
def test_parse_count(text: str, value: int) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["abc", "1.5", "", "-3", "3-", "=1+1"])
def test_parse_count_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"应为整数|不能为负数"):
        parse_count(text)


def test_parse_count_signed() -> None:
    assert parse_count("-18", signed=True) == -18
    assert parse_count("\u221218", signed=True) == -18
    assert parse_count("'-3", signed=True) == -3
    assert parse_count("+4", signed=True) == 4


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("589.08", "589.08"),
        ("589.08万元", "589.08"),
        ("589.08 万", "589.08"),
        ("5,890,800元", "589.08"),
        ("75394432.52元", "7539.443252"),
        ("24252.311082", "24252.311082"),
        ("0", "0"),
        ("-0", "0"),
    ],
)
def test_parse_amount(text: str, value: str) -> None:
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "应为数字，实际为 'abc'"),
        ("-5", "不能为负数"),
        ("1.0000001", "最多精确到分"),
        ("1.001元", "最多精确到分"),
    ],
)
def test_parse_amount_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_amount(text)


def test_format_number() -> None:
    assert format_number(Decimal("589.080000")) == "589.08"
    assert format_number(Decimal("100.000000")) == "100"
    assert format_number(Decimal("0.000000")) == "0"
    assert format_number(-3) == "-3"


# -- properties -------------------------------------------------------------------------------------------------

_dates = st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    issued = draw(_dates)
    published = draw(st.none() | st.dates(min_value=issued, max_value=date(2031, 12, 31)))
    repealed = draw(st.none() | st.dates(min_value=issued, max_value=date(2031, 12, 31)))
    return Document(kind=draw(st.sampled_from(DocKind)), issued_on=issued, published_on=published, repealed_on=repealed)


@given(st.lists(documents(), max_size=12), st.integers(min_value=2019, max_value=2030))
def test_counts_agree_with_a_direct_reading(docs: list[Document], year: int) -> None:
    out = cells(year, docs)
    end = date(year, 12, 31)
    for kind in DocKind:
        mine = [d for d in docs if d.kind is kind]
        in_force = [d for d in mine if d.issued_on <= end and (d.repealed_on is None or d.repealed_on > end)]
        if year <= 2020:
            assert out[f"s2.{kind.item}.made"] == sum(d.issued_on.year == year for d in mine)
            assert out[f"s2.{kind.item}.total"] == sum(
                d.published_on is not None and d.published_on <= end for d in in_force
            )
        else:
            assert out[f"s2.{kind.item}.issued"] == sum(d.issued_on.year == year for d in mine)
            assert out[f"s2.{kind.item}.repealed"] == sum(
                d.repealed_on is not None and d.repealed_on.year == year for d in mine
            )
            assert out[f"s2.{kind.item}.in_force"] == len(in_force)
