from __future__ import annotations

import json
from pathlib import Path

import pytest

from xxgk.core.errors import ReportError
from xxgk.core.templates import CellKind, cell_spec, get_template, template_for_year

SPEC = Path(__file__).resolve().parents[2] / "src" / "xxgk" / "core" / "spec"


@pytest.mark.parametrize(("version", "count"), [("2019", 198), ("2021", 200)])
def test_cell_counts_match_template_doc(version: str, count: int) -> None:
    # template.md §8: 2019 = A 22 + B 161 + C 15; 2021 = A 10 + B 175 + C 15.
    t = get_template(version)
    assert len(t.cells) == count
    assert len(t.table_cells(4)) == 15
    assert len(t.table_cells(3)) == {"2019": 161, "2021": 175}[version]


def test_table3_rows_in_template_order() -> None:
    t19, t21 = get_template("2019"), get_template("2021")
    assert t19.s3_rows[0] == "received"
    assert t19.s3_rows[-2:] == ("total", "carried_out")
    assert "other" in t19.s3_outcome_rows
    assert t21.s3_outcome_rows[-3:] == ("other.no_correction", "other.no_fee", "other.other")
    assert len(t19.s3_outcome_rows) == 19
    assert len(t21.s3_outcome_rows) == 21


def test_kinds() -> None:
    assert cell_spec("s2.licensing.change").kind is CellKind.SIGNED
    assert cell_spec("s2.fees.amount").kind is CellKind.AMOUNT
    assert cell_spec("s3.total.total").kind is CellKind.COUNT


def test_codes_come_from_the_spec_files() -> None:
    for version in ("2019", "2021"):
        data = json.loads((SPEC / f"cells-{version}.json").read_text(encoding="utf-8"))
        assert get_template(version).codes == tuple(c["code"] for c in data["cells"])


@pytest.mark.parametrize(
    ("year", "version"), [(2018, None), (2019, "2019"), (2020, "2019"), (2021, "2021"), (2030, "2021")]
)
def test_template_for_year(year: int, version: str | None) -> None:
    assert template_for_year(year) == version


def test_unknown_template_and_code() -> None:
    with pytest.raises(ReportError, match="unknown template"):
        get_template("2008")
    with pytest.raises(ReportError, match="unknown cell code"):
        cell_spec("s3.nonsense.total")
