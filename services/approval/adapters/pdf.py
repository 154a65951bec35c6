"""The decision document as a PDF in Chinese (reportlab's built-in STSong-Light font), with the
wording of 行政许可法 art. 38, Beijing dates, names, a visible seal and a verification QR code."""

from __future__ import annotations

import io
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import red
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
ART_38 = "《中华人民共和国行政许可法》第三十八条"
REMEDY = (
    "如不服本决定，可以自知道本决定之日起六十日内依法申请行政复议，"
    "或者自知道本决定之日起六个月内依法向人民法院提起行政诉讼。"
)


def _style(size: float, *, align: int = 0, indent: bool = False) -> ParagraphStyle:
    return ParagraphStyle(
        f"decision{size}-{align}-{indent}",
        fontName=FONT,
        fontSize=size,
        leading=size * 1.7,
        wordWrap="CJK",
        alignment=align,
        firstLineIndent=2 * size if indent else 0,
    )


def _body(document: dict[str, Any]) -> list[str]:
    """The decision's paragraphs, as art. 38 wants them for each outcome."""
    item, case_no = document.get("item_name") or document["item_code"], document["case_no"]
    asked = (
        f"你（单位）于{document.get('accepted_on') or '—'}提出的“{item}”申请"
        f"（受理编号：{case_no}），本机关已依法受理并审查。"
    )
    reasons = str(document.get("reasons") or "").strip()
    outcome = document["decision"]
    if outcome == "denied":
        return [
            f"{asked}经审查，你（单位）的申请不符合法定条件、标准，理由如下：{reasons}",
            f"根据{ART_38}第二款的规定，本机关决定不予行政许可。",
            REMEDY,
        ]
    if outcome == "deemed_approved":
        return [
            f"{asked}本机关未在法定期限内作出决定，依照法律、法规的规定，"
            "视为准予行政许可（超时默许）。",
        ]
    found = f"审查意见：{reasons}" if reasons else ""
    return [
        f"{asked}经审查，你（单位）的申请符合法定条件、标准。{found}",
        f"根据{ART_38}第一款的规定，本机关决定准予行政许可。",
    ]


class SealedSignature(Flowable):  # type: ignore[misc]
    """The issuing department, center and date, with the red seal over them (the proof is the
    signature over the bytes, not this drawing)."""

    def __init__(self, department: str, center: str, day: str) -> None:
        super().__init__()
        self.lines = [line for line in (department, center, day) if line]
        self.department = department
        self.width, self.height = 160 * mm, 40 * mm

    def draw(self) -> None:
        """Right-aligned lines, the seal centred on the department's name."""
        canvas = self.canv
        right = self.width
        canvas.setFont(FONT, 12)
        for i, line in enumerate(self.lines):
            canvas.drawRightString(right, self.height - 14 - i * 20, line)
        widest = max(canvas.stringWidth(line, FONT, 12) for line in self.lines)
        x, y = right - widest - 22 * mm, self.height - 26
        canvas.saveState()
        canvas.setStrokeColor(red)
        canvas.setFillColor(red)
        canvas.setLineWidth(2)
        canvas.circle(x, y, 17 * mm)
        size = 11 if len(self.department) <= 8 else 9
        canvas.setFont(FONT, size)
        canvas.drawCentredString(x, y + 4, self.department[:12])
        canvas.drawCentredString(x, y - 12, "电子印章")
        canvas.restoreState()


def _qr(text: str, size: float) -> Drawing:
    widget = QrCodeWidget(text)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _verification(document: dict[str, Any], style: ParagraphStyle) -> Table | Paragraph:
    number, url = document["document_id"], str(document.get("verify_url") or "")
    if not url:
        where = document.get("issued_by_center_name") or document.get("center_name") or ""
        return Paragraph(f"核验方式：凭文书编号 {number} 向{where}查询核验本决定书真伪。", style)
    text = (
        f"核验方式：用手机扫描左侧二维码，或在浏览器中打开 {url} ，"
        f"即可按文书编号 {number} 核验本决定书是否由本机关出具、内容是否被改动。"
        "本决定书加盖电子印章，与加盖实物印章的纸质文书具有同等效力。"
    )
    table = Table([[_qr(url, 28 * mm), Paragraph(text, style)]], colWidths=[32 * mm, 128 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def render_decision(document: dict[str, Any]) -> bytes:
    """The PDF of a decision document; the same document always renders the same bytes."""
    buffer = io.BytesIO()
    title = str(document["title"])
    pdf = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, invariant=True, leftMargin=25 * mm, rightMargin=25 * mm
    )
    body = _style(12)
    department = str(document.get("department_name") or document["department"])
    issuer = str(document.get("issued_by_center_name") or document.get("center_name") or "")
    story: list[Flowable] = [
        Paragraph(title, _style(20, align=1)),
        Paragraph(f"文书编号：{document['document_id']}", _style(10.5, align=2)),
        Spacer(1, 6 * mm),
        Paragraph(f"申请人：{document.get('applicant') or '—'}", body),
        Paragraph(f"承办部门：{department}", body),
        Spacer(1, 3 * mm),
        *[Paragraph(text, _style(12, indent=True)) for text in _body(document)],
        Spacer(1, 10 * mm),
        SealedSignature(department, issuer, str(document.get("decided_on") or "")),
        Spacer(1, 12 * mm),
        _verification(document, _style(9.5)),
    ]
    pdf.build(story)
    return buffer.getvalue()
