"""Reports render to XLSX and PDF whatever text the stream carried."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from services.supervision.adapters.report_files import to_pdf, to_xlsx
from services.supervision.domain.report import Report, Table

pytestmark = pytest.mark.unit

REPORT = Report(
    kind="daily",
    title="日巡查",
    period="2026-11-23",
    as_of=datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
    tables=[Table("投诉", ["编号", "内容"], [["c-1", "窗口\x00推诿\x1b扯皮"], ["c-2", 3]])],
)


def test_control_characters_in_text_never_break_the_workbook() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(REPORT)))
    sheet = book.worksheets[0]
    assert sheet["B5"].value == "窗口推诿扯皮"
    assert sheet["B6"].value == 3


def test_the_same_report_renders_as_pdf() -> None:
    assert to_pdf(REPORT).startswith(b"%PDF")
