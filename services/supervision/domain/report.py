"""A report as plain tables, whatever it is rendered to (JSON, XLSX, PDF)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from libs.events.clock import SHANGHAI


@dataclass(frozen=True)
class Percent:
    """A rate (0.998): a number with a percent format in XLSX, `99.8%` in text."""

    rate: float | None

    def __str__(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


Cell = str | int | float | Percent | None


@dataclass(frozen=True)
class Table:
    """A titled table: column headings, rows of cells and a note (say, the definitions)."""

    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Report:
    """A titled report of tables, stamped with the instant its data was known at."""

    kind: str
    title: str
    period: str
    as_of: datetime
    tables: list[Table]

    def as_dict(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "kind": self.kind,
            "title": self.title,
            "period": self.period,
            "as_of": self.as_of,
            "tables": [
                {
                    "title": t.title,
                    "columns": t.columns,
                    "rows": [[_json(c) for c in row] for row in t.rows],
                    "note": t.note,
                }
                for t in self.tables
            ],
        }


def _json(cell: Cell) -> str | int | float | None:
    return str(cell) if isinstance(cell, Percent) else cell


def percent(rate: float | None) -> Percent:
    """A rate as reports show it: `99.8%`, or `—` when there is nothing to divide by."""
    return Percent(rate)


def stamp(moment: datetime | None) -> str:
    """`2025-03-03 09:12` in Beijing time."""
    return "" if moment is None else moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def day_text(day: date) -> str:
    """`2025年3月3日`."""
    return f"{day.year}年{day.month}月{day.day}日"
