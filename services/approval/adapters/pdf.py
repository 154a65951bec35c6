"""The decision document as a PDF with Chinese text (reportlab's built-in STSong-Light font)."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.colors import red
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

OUTCOMES = {
    "approved": "准予许可",
    "denied": "不予许可",
    "deemed_approved": "视为准予许可（超时默许）",
}
LINES = (
    ("文书编号", "document_id"),
    ("受理编号", "case_no"),
    ("申请人", "applicant"),
    ("申请事项", "item_name"),
    ("事项编码", "item_code"),
    ("承办部门", "department"),
    ("受理时间", "accepted_at"),
    ("决定时间", "decided_at"),
)
WRAP = 34  # CJK characters per line at 12 pt on A4 with 2.5 cm margins


def render_decision(document: dict[str, Any]) -> bytes:
    """The PDF of a decision document; the same document always renders the same bytes."""
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(str(document["title"]))
    width, height = A4
    pdf.setFont(FONT, 20)
    pdf.drawCentredString(width / 2, height - 90, str(document["title"]))
    pdf.setFont(FONT, 12)
    y = height - 140
    for label, key in LINES:
        pdf.drawString(72, y, f"{label}：{document.get(key) or '—'}")
        y -= 22
    pdf.drawString(72, y, f"决定：{OUTCOMES[str(document['decision'])]}")
    y -= 22
    for line in _wrap(f"理由：{document.get('reasons') or '—'}"):
        pdf.drawString(72, y, line)
        y -= 20
    _seal_mark(pdf, width - 170, y - 90, str(document["department"]))
    pdf.drawString(72, y - 150, "本决定书加盖电子印章，可通过 POST /v1/seals/verify 核验真伪。")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _wrap(text: str) -> list[str]:
    return [text[i : i + WRAP] for i in range(0, len(text), WRAP)] or [""]


def _seal_mark(pdf: Canvas, x: float, y: float, department: str) -> None:
    """The visible red seal; the proof is the signature, not this drawing."""
    pdf.saveState()
    pdf.setStrokeColor(red)
    pdf.setFillColor(red)
    pdf.setLineWidth(2)
    pdf.circle(x, y, 50)
    pdf.setFont(FONT, 11)
    pdf.drawCentredString(x, y + 8, department)
    pdf.drawCentredString(x, y - 12, "电子印章")
    pdf.restoreState()
