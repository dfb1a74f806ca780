"""Plain inputs of the register services (built by forms and by the importers) and import errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from xxgk.core.table2 import Amendment, DocKind, Document, Figure, FigureItem, LedgerError


@dataclass(frozen=True)
class AmendmentData:
    amended_on: date
    doc_number: str = ""
    published_on: date | None = None
    note: str = ""

    def core(self) -> Amendment:
        return Amendment(amended_on=self.amended_on, published_on=self.published_on)


@dataclass(frozen=True)
class DocumentData:
    """A document as entered. ``amendments`` are only used by the importer (added when not yet recorded)."""

    kind: DocKind
    title: str
    doc_number: str
    issued_on: date
    published_on: date | None = None
    effective_on: date | None = None
    expires_on: date | None = None
    repealed_on: date | None = None
    proactive_item_id: int | None = None
    note: str = ""
    amendments: tuple[AmendmentData, ...] = ()

    def core(self, amendments: tuple[AmendmentData, ...] | None = None) -> Document:
        rows = self.amendments if amendments is None else amendments
        return Document(
            kind=self.kind,
            issued_on=self.issued_on,
            published_on=self.published_on,
            repealed_on=self.repealed_on,
            expires_on=self.expires_on,
            amendments=tuple(a.core() for a in rows),
        )


@dataclass(frozen=True)
class FigureData:
    year: int
    item: FigureItem
    source: str
    prev_items: int | None = None
    change: int | None = None
    decisions: int | None = None
    projects: int | None = None
    amount: Decimal | None = None

    def core(self) -> Figure:
        return Figure(
            item=self.item,
            year=self.year,
            prev_items=self.prev_items,
            change=self.change,
            decisions=self.decisions,
            projects=self.projects,
            amount=self.amount,
            source=self.source,
        )


@dataclass(frozen=True)
class RowError:
    """One problem of an imported file: spreadsheet row (1 = header), column label, message."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row <= 0:
            return self.message
        if not self.column:
            return f"第{self.row}行：{self.message}"
        return f"第{self.row}行「{self.column}」：{self.message}"


class ImportRejected(LedgerError):
    """The file was refused as a whole; ``errors`` lists every problem found (nothing was imported)."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        first = str(errors[0]) if errors else "文件有误"
        more = f"（共 {len(errors)} 处错误）" if len(errors) > 1 else ""
        super().__init__(f"未导入任何数据：{first}{more}")


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int

    @property
    def message(self) -> str:
        return f"导入成功：新增 {self.created} 条，更新 {self.updated} 条。"
