"""The two versions of the national annual-report template and their canonical cell codes.

Sources: 国办公开办函〔2019〕60号 (template ``"2019"``, reports on 2019 and 2020) and
国办公开办函〔2021〕30号 (template ``"2021"``, reports on 2021 onward). The cell codes are the
project's public interchange format; they are loaded from the JSON files in ``core/spec`` (copied
from the project specification, see ``docs/cell-codes.md``), so code and documentation cannot drift.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources

from xxgk.core.errors import ReportError

TEMPLATE_VERSIONS: tuple[str, ...] = ("2019", "2021")

#: First year reported on with each template version.
FIRST_YEAR = {"2019": 2019, "2021": 2021}


class CellKind(StrEnum):
    COUNT = "count"  # non-negative integer
    SIGNED = "signed_integer"  # 2019 本年增/减: may be negative
    AMOUNT = "amount_wan_yuan"  # money in 万元, decimals allowed


@dataclass(frozen=True, slots=True)
class CellSpec:
    code: str
    table: int
    label: str
    kind: CellKind

    @property
    def row(self) -> str:
        """The row part of the code: ``s3.denied.state_secret.natural`` -> ``denied.state_secret``."""
        return self.code.split(".", 1)[1].rsplit(".", 1)[0]

    @property
    def column(self) -> str:
        return self.code.rsplit(".", 1)[1]

    @property
    def section(self) -> str:
        return self.code.split(".", 1)[0]


#: Table 3 columns in template order (applicant types), with their printed labels.
S3_COLUMNS: tuple[str, ...] = ("natural", "business", "research", "nonprofit", "legal", "other_org", "total")
S3_COLUMN_LABELS: dict[str, str] = {
    "natural": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "nonprofit": "社会公益组织",
    "legal": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
#: The six applicant columns that add up to ``total``.
S3_PARTS: tuple[str, ...] = S3_COLUMNS[:-1]

#: Table 4 groups and columns.
S4_GROUPS: tuple[str, ...] = ("review", "suit_direct", "suit_after_review")
S4_GROUP_LABELS: dict[str, str] = {
    "review": "行政复议",
    "suit_direct": "行政诉讼·未经复议直接起诉",
    "suit_after_review": "行政诉讼·复议后起诉",
}
S4_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
S4_COLUMN_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
S4_PARTS: tuple[str, ...] = S4_COLUMNS[:-1]


@dataclass(frozen=True)
class Template:
    """One template version: its cells in template order and the structure derived from them."""

    version: str
    cells: tuple[CellSpec, ...]
    by_code: dict[str, CellSpec] = field(repr=False)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.cells)

    def table_cells(self, table: int) -> tuple[CellSpec, ...]:
        return tuple(c for c in self.cells if c.table == table)

    @property
    def s2_items(self) -> tuple[str, ...]:
        """Table 2 item keys in template order (``regulations``, ``normative_docs``, ...)."""
        return _unique(c.row for c in self.cells if c.table == 2)

    def s2_columns(self, item: str) -> tuple[str, ...]:
        return tuple(c.column for c in self.cells if c.table == 2 and c.row == item)

    @property
    def s3_rows(self) -> tuple[str, ...]:
        """Table 3 row keys in template order, ``received`` ... ``carried_out``."""
        return _unique(c.row for c in self.cells if c.table == 3)

    @property
    def s3_outcome_rows(self) -> tuple[str, ...]:
        """The outcome rows （一）…（六） that add up to （七）总计."""
        rows = self.s3_rows
        return rows[rows.index("granted") : rows.index("total")]

    def s3_row_label(self, row: str) -> str:
        return self.by_code[f"s3.{row}.natural"].label.split(" × ")[0]

    def s2_item_label(self, item: str) -> str:
        first = next(c for c in self.cells if c.table == 2 and c.row == item)
        return first.label.split("/")[1]

    def s2_block_label(self, item: str) -> str:
        first = next(c for c in self.cells if c.table == 2 and c.row == item)
        return first.label.split("/")[0]

    def s2_column_label(self, item: str, column: str) -> str:
        return self.by_code[f"s2.{item}.{column}"].label.split("/", 2)[2]


def _unique(items: object) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:  # type: ignore[attr-defined]
        seen.setdefault(item, None)
    return tuple(seen)


@cache
def get_template(version: str) -> Template:
    """Return the template of ``version`` (``"2019"`` or ``"2021"``)."""
    if version not in TEMPLATE_VERSIONS:
        raise ReportError(f"unknown template version {version!r}; expected one of {', '.join(TEMPLATE_VERSIONS)}")
    text = resources.files("xxgk.core.spec").joinpath(f"cells-{version}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    cells = tuple(
        CellSpec(code=c["code"], table=int(c["table"]), label=c["label"], kind=CellKind(c["kind"]))
        for c in data["cells"]
    )
    return Template(version=version, cells=cells, by_code={c.code: c for c in cells})


def template_for_year(year: int) -> str | None:
    """The template version a report on ``year`` must use; ``None`` before 2019 (free-form reports)."""
    if year >= FIRST_YEAR["2021"]:
        return "2021"
    if year >= FIRST_YEAR["2019"]:
        return "2019"
    return None


def cell_spec(code: str) -> CellSpec:
    """Look a code up in either template (codes shared by both have the same meaning)."""
    for version in TEMPLATE_VERSIONS:
        spec = get_template(version).by_code.get(code)
        if spec is not None:
            return spec
    raise ReportError(f"unknown cell code {code!r}")
