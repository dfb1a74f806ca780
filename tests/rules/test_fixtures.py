"""The rules on real published reports (tests/fixtures/published/*.expected.json).

The expectations below are written from PROVENANCE.md's "defects" lines, which were computed independently
(by a checking script over the expected JSON): B1 → S301 (row total), B2 → S302 (outcome rows vs （七）总计),
B3 → S303 (一+二 = 三（七）+四), TEMPLATE → T001, BLANK/NULL → B202 (tables 3–4) / B201 (table 2).
"defects: none" → no error-severity finding at all.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import PUBLISHED
from xxgk.core.findings import Finding, Severity
from xxgk.core.model import Report
from xxgk.rules import check

# (code, cells the finding must concern). One entry per defect PROVENANCE.md lists.
Expect = tuple[str, frozenset[str]]


def _e(code: str, *cells: str) -> Expect:
    return code, frozenset(cells)


#: Error-severity findings expected per fixture, from PROVENANCE.md.
EXPECTED_ERRORS: dict[str, list[Expect]] = {
    "cq-dadukou-baqiao-2020": [],
    # BLANK/NULL cells (1): s3.received.business
    "pingtan-gaj-2019": [_e("B202", "s3.received.business")],
    # B2 col legal: 1 != 0; B2 col total: 10 != 9
    "pingtan-zrz-2020": [_e("S302", "s3.total.legal"), _e("S302", "s3.total.total")],
    # TEMPLATE: 2021 printed with the 2019 template; B1 row total; B2 col natural; B3 col natural
    "pingtan-htp-2021": [
        _e("T001"),
        _e("S301", "s3.total.natural", "s3.total.total"),
        _e("S302", "s3.total.natural"),
        _e("S303", "s3.received.natural", "s3.carried_in.natural", "s3.total.natural", "s3.carried_out.natural"),
    ],
    # B2 and B3 for the natural and other_org columns
    "pingtan-nyn-2021": [
        _e("S302", "s3.total.natural"),
        _e("S303", "s3.received.natural", "s3.total.natural"),
        _e("S302", "s3.total.other_org"),
        _e("S303", "s3.received.other_org", "s3.total.other_org"),
    ],
    # B2 and B3 for the natural and nonprofit columns
    "pingtan-zrz-2021": [
        _e("S302", "s3.total.natural"),
        _e("S303", "s3.received.natural", "s3.total.natural"),
        _e("S302", "s3.total.nonprofit"),
        _e("S303", "s3.received.nonprofit", "s3.total.nonprofit"),
    ],
    # BLANK/NULL cells (1): s3.carried_out.business
    "pingtan-jjp-2022": [_e("B202", "s3.carried_out.business")],
    "pingtan-lyy-2022": [],
    "pingtan-hzs-2023": [],
    # B1 row partial; B1 row total; B3 col business
    "pingtan-zrz-2023": [
        _e("S301", "s3.partial.business", "s3.partial.total"),
        _e("S301", "s3.total.business", "s3.total.total"),
        _e("S303", "s3.received.business", "s3.total.business"),
    ],
    "pingtan-jtj-2024": [],
    # BLANK/NULL cells (3): the regulations row of table 2 (omitted from the table) -> a table-2 warning
    "pingtan-scj-2025": [],
}

#: Non-error findings PROVENANCE.md's defects imply (blank table-2 cells; unstated units it mentions).
EXPECTED_OTHER: dict[str, list[Expect]] = {
    "pingtan-scj-2025": [
        _e("B201", "s2.regulations.issued", "s2.regulations.repealed", "s2.regulations.in_force"),
    ],
    # "采购总金额 printed as bare `0` with no unit -> units 'unstated'"
    "pingtan-gaj-2019": [_e("V105", "s2.procurement.amount")],
}


def _load(name: str) -> Report:
    data = json.loads((PUBLISHED / f"{name}.expected.json").read_text(encoding="utf-8"))
    return Report.from_dict(data)


def _matches(finding: Finding, expect: Expect) -> bool:
    return finding.code == expect[0] and expect[1] <= set(finding.cells)


def test_every_fixture_has_expectations() -> None:
    names = {p.name.removesuffix(".expected.json") for p in PUBLISHED.glob("*.expected.json")}
    assert names == set(EXPECTED_ERRORS)


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_error_findings_are_the_listed_defects(name: str) -> None:
    errors = [f for f in check(_load(name)) if f.severity is Severity.ERROR]
    expected = EXPECTED_ERRORS[name]
    for expect in expected:
        assert any(_matches(f, expect) for f in errors), f"{name}: {expect} not reported; got {errors}"
    for f in errors:
        assert any(_matches(f, e) for e in expected), f"{name}: unexpected error {f.code} {f.message} {f.cells}"
    # one finding per defect (T001 once per table printed in the wrong version)
    assert len([f for f in errors if f.code != "T001"]) == len([e for e in expected if e[0] != "T001"])


@pytest.mark.parametrize("name", sorted(EXPECTED_OTHER))
def test_other_listed_defects_are_reported(name: str) -> None:
    findings = check(_load(name))
    for expect in EXPECTED_OTHER[name]:
        assert any(_matches(f, expect) for f in findings), f"{name}: {expect} not reported"


def test_template_mismatch_names_both_tables_of_htp_2021() -> None:
    """htp-2021 prints the 2019 template (tables 2 and 3) for a 2021 report."""
    t001 = [f for f in check(_load("pingtan-htp-2021")) if f.code == "T001"]
    assert len(t001) == 2
    assert any("表二" in f.message for f in t001)
    assert any("表三" in f.message for f in t001)


@pytest.mark.parametrize(
    ("name", "blank", "row_cells", "column_cells"),
    [
        ("pingtan-gaj-2019", "s3.received.business", "s3.received.", "s3.received.business"),
        ("pingtan-jjp-2022", "s3.carried_out.business", "s3.carried_out.", "s3.carried_out.business"),
    ],
)
def test_blank_cells_make_identities_unverifiable_not_zero(
    name: str, blank: str, row_cells: str, column_cells: str
) -> None:
    """A blank is not read as 0: the row total and the column's 勾稽关系 are reported as unverifiable."""
    findings = check(_load(name))
    row = [f for f in findings if f.code == "S301" and blank in f.cells]
    col = [f for f in findings if f.code == "S303" and blank in f.cells]
    assert len(row) == 1 and len(col) == 1
    for f in row + col:
        assert f.severity is Severity.WARNING
        assert f.message.startswith("无法核对") and "商业企业" in f.message
    assert all(c.startswith(row_cells) for c in row[0].cells)
    assert column_cells in col[0].cells
    # and no identity error is computed from the blank
    assert not [f for f in findings if f.severity is Severity.ERROR and f.code.startswith("S")]


def test_scj_2025_blank_regulations_row_from_json() -> None:
    """The row is omitted in the table; the expected JSON has null, read as blank: reported, one finding."""
    b201 = [f for f in check(_load("pingtan-scj-2025")) if f.code == "B201"]
    assert len(b201) == 1
    assert "规章" in b201[0].message


def test_consistent_fixtures_pass_cleanly_as_previous_year() -> None:
    """zrz 2020 → 2021 (same body, consecutive years, template switch): the carry chain holds (0 → 0)."""
    prev, this = _load("pingtan-zrz-2020"), _load("pingtan-zrz-2021")
    findings = check(this, previous=prev, select=["X"])
    codes = {f.code for f in findings}
    assert "X602" not in codes and "X603" not in codes and "X601" not in codes
    assert "X606" in codes  # 2019 table 2 last year, 2021 table 2 this year: no table-2 chain
