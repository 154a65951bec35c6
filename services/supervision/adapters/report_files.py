"""Reports rendered to files: XLSX with openpyxl, PDF with reportlab's built-in Chinese font."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from services.supervision.domain.report import Cell, Percent, Report, Table, stamp

CJK_FONT = "STSong-Light"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _cell(value: Cell) -> Any:
    """Text as a worksheet accepts it: control characters (say, in a complaint) are dropped."""
    if isinstance(value, Percent):
        return value.rate
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def to_xlsx(report: Report) -> bytes:
    """One sheet per table, with the report's title and as-of instant on top."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    for index, table in enumerate(report.tables, start=1):
        sheet = book.create_sheet(f"{index}.{table.title}"[:31])
        sheet.append([report.title])
        sheet.append([f"统计期间：{report.period}　数据截至：{stamp(report.as_of)}"])
        sheet.append([table.title])
        sheet.append(table.columns)
        for row in table.rows:
            sheet.append([_cell(value) for value in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                if isinstance(value, Percent):
                    cell.number_format = "0.0%"
        if table.note:
            sheet.append([table.note])
        sheet["A1"].font = Font(bold=True, size=14)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for col in range(1, len(table.columns) + 1):
            sheet.column_dimensions[get_column_letter(col)].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    title = ParagraphStyle("title", fontName=CJK_FONT, fontSize=16, leading=22, alignment=1)
    heading = ParagraphStyle("heading", fontName=CJK_FONT, fontSize=12, leading=18)
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=8, leading=11)
    return title, heading, body


GRID_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _pdf_table(table: Table, heading: Any, body: Any) -> list[Any]:
    """One table of the report: its title, the grid (or 无), its note."""
    cells = [[Paragraph(str(c), body) for c in table.columns]]
    cells += [[Paragraph("" if c is None else str(c), body) for c in row] for row in table.rows]
    if not table.rows:
        cells.append([Paragraph("（无）", body)] + [""] * (len(table.columns) - 1))
    grid = PdfTable(cells, repeatRows=1)
    grid.setStyle(GRID_STYLE)
    story: list[Any] = [Paragraph(table.title, heading), grid]
    if table.note:
        story.append(Paragraph(table.note, body))
    return [*story, Spacer(1, 5 * mm)]


def to_pdf(report: Report) -> bytes:
    """A landscape A4 document: title, period, then each table."""
    title, heading, body = _styles()
    story: list[Any] = [
        Paragraph(report.title, title),
        Paragraph(f"统计期间：{report.period}　数据截至：{stamp(report.as_of)}", body),
        Spacer(1, 4 * mm),
    ]
    for table in report.tables:
        story += _pdf_table(table, heading, body)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=report.title)
    document.build(story)
    return buffer.getvalue()
