"""The annual-report model: a body's report on one year, every cell of the three standard tables.

A cell keeps apart four states (``CellState``):

* ``number`` — the report prints a number (``value`` holds it);
* ``blank`` — the report prints nothing, or a placeholder ("/", "-", "—", "无") — not the same as 0;
* ``unreadable`` — something is printed but cannot be read without guessing (``note`` says why);
* ``absent`` — the row or table is not in the report at all.

Counts are ``int``; amounts (``s2.fees.amount``, ``s2.procurement.amount``) are ``Decimal`` in 万元.
``Report.to_dict`` writes the spec's report JSON (``format: xxgk.report/1``) plus the project's own
keys (``title``, ``narrative``, ``cell_states``, ``provenance``); ``Report.from_dict`` reads it back
losslessly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from xxgk.core.errors import ReportError
from xxgk.core.templates import TEMPLATE_VERSIONS, CellKind, CellSpec, Template, get_template

FORMAT = "xxgk.report/1"

Number = int | Decimal

#: Narrative sections of the report: 一、总体情况; 五、存在的主要问题及改进情况; 六、其他需要报告的事项.
NARRATIVE_SECTIONS: dict[str, str] = {
    "overall": "一、总体情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}

#: Units a report may state for an amount cell.
UNIT_UNSTATED = "unstated"


class CellState(StrEnum):
    NUMBER = "number"
    BLANK = "blank"
    UNREADABLE = "unreadable"
    ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value came from: a line of a text, or a table/row/column of a document."""

    file: str | None = None
    line: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    page: int | None = None
    text: str | None = None
    #: The cell's box on the page, in PDF points from the page's top-left corner: (x0, top, x1, bottom).
    bbox: tuple[float, float, float, float] | None = None

    def describe(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.table is not None:
            parts.append(f"table {self.table}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.col is not None:
            parts.append(f"col {self.col}")
        where = ", ".join(parts) if parts else "?"
        return f"{where}: {self.text!r}" if self.text is not None else where

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k in _SOURCE_KEYS if (v := getattr(self, k)) is not None}
        if "bbox" in out:
            out["bbox"] = list(out["bbox"])
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        unknown = set(data) - set(_SOURCE_KEYS)
        if unknown:
            raise ReportError(f"unknown provenance keys: {', '.join(sorted(unknown))}")
        fields = dict(data)
        if fields.get("bbox") is not None:
            box = fields["bbox"]
            if not isinstance(box, (list, tuple)) or len(box) != 4:
                raise ReportError(f"provenance bbox must be four numbers, found {box!r}")
            fields["bbox"] = tuple(float(v) for v in box)
        return cls(**fields)


_SOURCE_KEYS = ("file", "line", "table", "row", "col", "page", "text", "bbox")


@dataclass(frozen=True, slots=True)
class Cell:
    state: CellState
    value: Number | None = None
    note: str | None = None
    source: Source | None = None

    def __post_init__(self) -> None:
        if (self.state is CellState.NUMBER) != (self.value is not None):
            raise ReportError(f"a {self.state.value} cell cannot hold value {self.value!r}")
        value = self.value
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, (int, Decimal))
            or (isinstance(value, Decimal) and not value.is_finite())
        ):
            raise ReportError(f"a cell value must be an int or a finite Decimal, not {value!r}")

    @classmethod
    def number(cls, value: Number, source: Source | None = None) -> Cell:
        return cls(CellState.NUMBER, value, source=source)

    @classmethod
    def blank(cls, source: Source | None = None, note: str | None = None) -> Cell:
        return cls(CellState.BLANK, None, note=note, source=source)

    @classmethod
    def unreadable(cls, note: str, source: Source | None = None) -> Cell:
        return cls(CellState.UNREADABLE, None, note=note, source=source)

    @classmethod
    def absent(cls, note: str | None = None) -> Cell:
        return cls(CellState.ABSENT, None, note=note)

    @property
    def is_number(self) -> bool:
        return self.state is CellState.NUMBER


ABSENT = Cell(CellState.ABSENT)


@dataclass(frozen=True, slots=True)
class ExtraRow:
    """A row printed in a standard table that is not a row of the template."""

    section: str  # "s2", "s3" or "s4"
    label: str
    values: tuple[str, ...] = ()
    source: Source | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"section": self.section, "label": self.label, "values": list(self.values)}
        if self.source is not None:
            out["source"] = self.source.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExtraRow:
        src = data.get("source")
        return cls(
            section=str(data["section"]),
            label=str(data["label"]),
            values=tuple(str(v) for v in data.get("values", ())),
            source=Source.from_dict(src) if src else None,
        )


@dataclass
class Report:
    """One annual report. ``template`` is the version of table 3 (and of table 2 unless
    ``templates`` says otherwise: real reports sometimes print tables of different versions)."""

    template: str
    year: int | None = None
    body: str | None = None
    title: str | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    narrative: dict[str, str] = field(default_factory=dict)
    #: Rows a parser found in a table that the template does not have (local additions, typos it
    #: could not place): ``ExtraRow`` items, reported by the structure rules.
    extra_rows: list[ExtraRow] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.template not in TEMPLATE_VERSIONS:
            raise ReportError(f"unknown template version {self.template!r}")
        for table, version in self.templates.items():
            if table not in ("s2", "s3", "s4") or version not in TEMPLATE_VERSIONS:
                raise ReportError(f"bad per-table template {table}={version}")
            if table != "s2" and version != self.template:
                raise ReportError(f"'template' is the version of table 3; templates[{table!r}] must equal it")
        known = set(self.codes)
        unknown = [c for c in self.cells if c not in known]
        if unknown:
            raise ReportError(
                f"cell codes not in template {self.template_of('s2')}/{self.template}: {', '.join(unknown[:5])}"
            )
        for code in self.codes:
            self.cells.setdefault(code, ABSENT)

    # -- structure -----------------------------------------------------------------------------
    def template_of(self, section: str) -> str:
        """The template version of one table: ``"s2"``, ``"s3"`` or ``"s4"``."""
        return self.templates.get(section, self.template)

    @property
    def s2_template(self) -> Template:
        return get_template(self.template_of("s2"))

    @property
    def s3_template(self) -> Template:
        return get_template(self.template_of("s3"))

    @property
    def specs(self) -> tuple[CellSpec, ...]:
        s2 = self.s2_template.table_cells(2)
        rest = tuple(c for c in get_template(self.template).cells if c.table != 2)
        return s2 + rest

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.specs)

    @property
    def is_mixed(self) -> bool:
        return any(v != self.template for v in self.templates.values())

    # -- values --------------------------------------------------------------------------------
    def cell(self, code: str) -> Cell:
        try:
            return self.cells[code]
        except KeyError:
            raise ReportError(f"cell {code!r} is not in this report's template") from None

    def value(self, code: str) -> Number | None:
        return self.cell(code).value

    def set(self, code: str, cell: Cell) -> None:
        if code not in self.cells:
            raise ReportError(f"cell {code!r} is not in this report's template")
        self.cells[code] = cell

    def set_value(self, code: str, value: Number | None) -> None:
        self.set(code, Cell.number(value) if value is not None else Cell.blank())

    def numbers(self) -> dict[str, Number | None]:
        """Code -> value (``None`` for every non-number cell), in template order."""
        return {code: self.cells[code].value for code in self.codes}

    def iter_cells(self) -> Iterator[tuple[CellSpec, Cell]]:
        for spec in self.specs:
            yield spec, self.cells[spec.code]

    def copy(self) -> Report:
        return replace(
            self,
            cells=dict(self.cells),
            units=dict(self.units),
            templates=dict(self.templates),
            narrative=dict(self.narrative),
            extra_rows=list(self.extra_rows),
        )

    @classmethod
    def empty(cls, template: str, **kwargs: Any) -> Report:
        return cls(template=template, **kwargs)

    # -- JSON ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": FORMAT, "template": self.template, "year": self.year, "body": self.body}
        if self.templates:
            out["templates"] = dict(self.templates)
        out["cells"] = {code: _json_number(self.cells[code].value) for code in self.codes}
        out["units"] = dict(self.units)
        if self.title is not None:
            out["title"] = self.title
        if self.narrative:
            out["narrative"] = dict(self.narrative)
        states = {
            code: {k: v for k, v in (("state", c.state.value), ("note", c.note)) if v is not None}
            for code, c in self.cells.items()
            if c.state is not CellState.NUMBER or c.note is not None
        }
        if states:
            out["cell_states"] = states
        if self.extra_rows:
            out["extra_rows"] = [row.to_dict() for row in self.extra_rows]
        provenance = {code: c.source.to_dict() for code, c in self.cells.items() if c.source is not None}
        if provenance:
            out["provenance"] = provenance
        return out

    def to_json(self, *, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Any) -> Report:
        """Read the report JSON. Plain spec JSON (no ``cell_states``) reads ``null`` as blank."""
        if not isinstance(data, dict):
            raise ReportError("report JSON must be an object")
        if data.get("format") != FORMAT:
            raise ReportError(f"not report JSON: 'format' must be {FORMAT!r}, found {data.get('format')!r}")
        template = data.get("template")
        if template not in TEMPLATE_VERSIONS:
            raise ReportError(f"'template' must be one of {', '.join(TEMPLATE_VERSIONS)}, found {template!r}")
        year = data.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            raise ReportError(f"'year' must be an integer, found {year!r}")
        cells_in = data.get("cells")
        if not isinstance(cells_in, dict):
            raise ReportError("'cells' must be an object of cell code -> number or null")
        states = data.get("cell_states") or {}
        provenance = data.get("provenance") or {}
        report = cls(
            template=template,
            year=year,
            body=_opt_str(data, "body"),
            title=_opt_str(data, "title"),
            units=dict(data.get("units") or {}),
            templates=dict(data.get("templates") or {}),
            narrative={str(k): str(v) for k, v in (data.get("narrative") or {}).items()},
            extra_rows=[ExtraRow.from_dict(r) for r in data.get("extra_rows") or ()],
        )
        specs = {s.code: s for s in report.specs}
        for code, raw in cells_in.items():
            spec = specs.get(code)
            if spec is None:
                raise ReportError(f"cell {code!r} is not in template {report.template_of(code[:2])}")
            state_info = states.get(code) or {}
            source = Source.from_dict(provenance[code]) if code in provenance else None
            if raw is None:
                state = CellState(state_info.get("state", CellState.BLANK.value))
                if state is CellState.NUMBER:
                    raise ReportError(f"cell {code!r} is null but its state says number")
                report.cells[code] = Cell(state, None, note=state_info.get("note"), source=source)
            else:
                report.cells[code] = Cell(
                    CellState.NUMBER, coerce_value(spec, raw), note=state_info.get("note"), source=source
                )
        return report

    @classmethod
    def from_json(cls, text: str | bytes) -> Report:
        try:
            data = json.loads(text, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ReportError(f"not valid JSON: {exc}") from None
        return cls.from_dict(data)


def coerce_value(spec: CellSpec, raw: Any) -> Number:
    """Check a JSON value against the cell's kind and return it as ``int`` or ``Decimal``."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal, str)):
        raise ReportError(f"cell {spec.code}: expected a number, found {raw!r}")
    try:
        dec = Decimal(str(raw))
    except InvalidOperation:
        raise ReportError(f"cell {spec.code}: expected a number, found {raw!r}") from None
    if not dec.is_finite():
        raise ReportError(f"cell {spec.code}: expected a finite number, found {raw!r}")
    if spec.kind is CellKind.AMOUNT:
        return dec
    if dec != dec.to_integral_value():
        raise ReportError(f"cell {spec.code}: expected a whole number, found {raw!r}")
    return int(dec)


def _json_number(value: Number | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    return float(value)


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReportError(f"{key!r} must be a string, found {value!r}")
    return value
