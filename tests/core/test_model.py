from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.conftest import PUBLISHED
from xxgk.core.errors import ReportError
from xxgk.core.model import Cell, CellState, ExtraRow, Report, Source


def expected_files() -> list[str]:
    return sorted(p.name for p in PUBLISHED.glob("*.expected.json"))


@pytest.mark.parametrize("name", expected_files())
def test_spec_json_round_trips(name: str) -> None:
    data = json.loads((PUBLISHED / name).read_text(encoding="utf-8"))
    report = Report.from_dict(data)
    again = report.to_dict()
    for key in ("format", "template", "year", "body", "units"):
        assert again[key] == data[key]
    assert set(again["cells"]) == set(data["cells"])
    for code, value in data["cells"].items():
        assert again["cells"][code] == value, code
    assert Report.from_json(report.to_json()) == report


def test_every_state_and_extra_keys_round_trip_losslessly() -> None:
    r = Report(template="2021", year=2023, body="某机关", title="某机关2023年政府信息公开工作年度报告")
    r.templates["s2"] = "2021"
    r.set("s3.received.natural", Cell.number(3, Source(file="a.html", table=2, row=5, col=2, text="3")))
    r.set("s3.received.business", Cell.blank(Source(line=7, text="/")))
    r.set("s3.received.total", Cell.unreadable("数字粘连，无法唯一拆分", Source(line=9, text="2120")))
    r.set("s2.fees.amount", Cell.number(Decimal("18651.064104")))
    r.narrative["overall"] = "共收到申请3件。"
    r.extra_rows.append(ExtraRow("s2", "其他主动公开文件", ("5",), Source(table=1, row=9)))
    back = Report.from_json(r.to_json())
    assert back == r
    assert back.cell("s3.received.total").state is CellState.UNREADABLE
    assert back.cell("s3.received.total").note == "数字粘连，无法唯一拆分"
    assert back.cell("s3.carried_in.natural").state is CellState.ABSENT
    assert back.value("s2.fees.amount") == Decimal("18651.064104")


def test_mixed_templates_use_each_tables_codes() -> None:
    r = Report(template="2019", templates={"s2": "2021"})
    assert "s2.fees.amount" in r.cells
    assert "s2.fees.prev_items" not in r.cells
    assert "s3.other.total" in r.cells
    assert "s3.other.no_fee.total" not in r.cells
    assert Report.from_json(r.to_json()).templates == {"s2": "2021"}


def test_amounts_in_json_are_numbers_without_noise() -> None:
    r = Report(template="2019")
    r.set("s2.procurement.amount", Cell.number(Decimal("2829.1965")))
    assert '"s2.procurement.amount": 2829.1965' in r.to_json()


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"format": "other"}, "format"),
        ({"template": "2008"}, "template"),
        ({"year": "2020"}, "year"),
        ({"cells": []}, "cells"),
        ({"cells": {"s3.bogus.total": 1}}, "s3.bogus.total"),
        ({"cells": {"s3.received.total": 1.5}}, "whole number"),
        ({"cells": {"s3.received.total": "x"}}, "expected a number"),
        ({"cells": {"s3.received.total": True}}, "expected a number"),
    ],
)
def test_bad_json_is_a_clear_report_error(patch: dict[str, object], message: str) -> None:
    data: dict[str, object] = {"format": "xxgk.report/1", "template": "2019", "year": 2020, "body": "x", "cells": {}}
    data.update(patch)
    with pytest.raises(ReportError, match=message):
        Report.from_dict(data)


def test_not_json_at_all() -> None:
    with pytest.raises(ReportError, match="not valid JSON"):
        Report.from_json(b"\x89PNG\r\n")


def test_cell_state_and_value_must_agree() -> None:
    with pytest.raises(ReportError):
        Cell(CellState.BLANK, 3)
    with pytest.raises(ReportError):
        Cell(CellState.NUMBER, None)


@pytest.mark.parametrize("value", [1.5, True, "3", Decimal("NaN"), Decimal("Infinity")])
def test_cells_hold_only_ints_and_finite_decimals(value: object) -> None:
    with pytest.raises(ReportError, match="int or a finite Decimal"):
        Cell(CellState.NUMBER, value)  # type: ignore[arg-type]


def test_a_note_on_a_number_cell_survives_json() -> None:
    r = Report(template="2021")
    r.set("s3.received.total", Cell(CellState.NUMBER, 3, note="由行合计推算拆分"))
    assert Report.from_json(r.to_json()).cell("s3.received.total").note == "由行合计推算拆分"


def test_pdf_cell_box_survives_json() -> None:
    r = Report(template="2021")
    box = (56.5, 120.0, 88.25, 134.0)
    r.set("s3.received.total", Cell.number(3, Source(file="r.pdf", page=2, bbox=box, text="3")))
    assert Report.from_json(r.to_json()).cell("s3.received.total").source == Source(
        file="r.pdf", page=2, bbox=box, text="3"
    )
