"""The printable acceptance receipt (受理回执) as PDF, in reportlab's built-in CJK font."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from libs.events.clock import SHANGHAI
from services.intake.application.ports import ReceiptData
from services.intake.domain.identity import mask_id_no

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
KIND_NAMES = {"immediate": "即办件", "promised": "承诺件", "joint": "联办件", "reported": "上报件"}
CHANNEL_NAMES = {"window": "窗口收件", "online": "网上申报"}


def _style(size: float, *, leading: float | None = None, align: int = 0) -> ParagraphStyle:
    return ParagraphStyle(
        f"cjk{size}-{align}",
        fontName=FONT,
        fontSize=size,
        leading=leading or size * 1.5,
        wordWrap="CJK",
        alignment=align,
    )


def _rows(data: ReceiptData) -> list[tuple[str, str]]:
    accepted = data.accepted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    deadline = f"{data.due_day:%Y年%m月%d日} 前办结（{_days(data)}）"
    if data.provisional:
        deadline += "；跨入尚未公布节假日安排的年度，暂按周一至周五计算，公布后重新核定"
    rows = [
        ("受理中心", data.center_name or data.center),
        ("办件编号", data.case_no),
        ("查询码", data.query_code),
        ("事项名称", f"{data.item_name}（{data.item_code}，第 {data.item_version} 版）"),
        ("承办部门", data.department),
        ("办件类型", KIND_NAMES.get(data.kind, data.kind)),
        ("收件方式", CHANNEL_NAMES.get(data.channel, data.channel)),
        ("申请人", f"{data.applicant_name}（{mask_id_no(data.applicant_id_no)}）"),
        ("受理时间", accepted),
        ("已收材料", "、".join(data.received) or "无"),
        ("办结时限", deadline),
    ]
    if data.tolerated:
        rows.append(("容缺材料", "、".join(data.tolerated)))
        rows.append(("承诺补齐日期", _promised(data)))
        rows.append(("申请人承诺", data.promise))
    return rows


def _days(data: ReceiptData) -> str:
    if not data.added_days:
        return f"{data.limit_days} 个工作日"
    total = data.limit_days + data.added_days
    return (
        f"共 {total} 个工作日：时限 {data.limit_days} 个工作日，"
        f"暂停计时或延长顺延 {data.added_days} 个工作日"
    )


def _promised(data: ReceiptData) -> str:
    current = f"{data.supplement_by:%Y年%m月%d日}"
    if data.promised_first is None:
        return current
    return f"{current}（经部门同意由{data.promised_first:%Y年%m月%d日}延期）"


def _table(data: ReceiptData, body: ParagraphStyle) -> Table:
    table = Table(
        [[Paragraph(k, body), Paragraph(v, body)] for k, v in _rows(data)],
        colWidths=[32 * mm, 130 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def render_receipt(data: ReceiptData) -> bytes:
    """The receipt as a one-page A4 PDF."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=f"受理回执 {data.case_no}", author=data.center_name or FONT
    )
    body = _style(10.5)
    signed = data.accepted_at.astimezone(SHANGHAI)
    hint = (
        f"凭办件编号 {data.case_no} 和查询码 {data.query_code} 可随时查询办理进度。"
        "超过办结时限未办结的，可向中心效能监督部门投诉。"
    )
    story = [
        Paragraph("受理回执", _style(20, leading=30, align=1)),
        Spacer(1, 6 * mm),
        _table(data, body),
        Spacer(1, 6 * mm),
        Paragraph(hint, body),
        Spacer(1, 12 * mm),
        Paragraph(
            f"{data.center_name or data.center}（盖章）　　{signed:%Y年%m月%d日}",
            _style(10.5, align=2),
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
