"""A report as plain tables, whatever it is rendered to (JSON, XLSX, PDF)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from libs.events.clock import SHANGHAI

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """A titled table: column headings and rows of cells."""

    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


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
                {"title": t.title, "columns": t.columns, "rows": t.rows} for t in self.tables
            ],
        }


def percent(rate: float | None) -> str:
    """`99.8%`, or `—` when there is nothing to divide by."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def stamp(moment: datetime | None) -> str:
    """`2025-03-03 09:12` in Beijing time."""
    return "" if moment is None else moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def day_text(day: date) -> str:
    """`2025年3月3日`."""
    return f"{day.year}年{day.month}月{day.day}日"
