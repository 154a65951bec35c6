"""The acceptance receipt renders as a PDF with its Chinese text."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import UTC, date, datetime

import pytest

from services.intake.adapters.receipt import ReceiptData, render_receipt
from services.intake.domain.identity import mask_id_no as mask_id

pytestmark = pytest.mark.unit


def pdf_text(pdf: bytes) -> str:
    """The text drawn with the CJK font (UCS-2 strings in ASCII85+Flate content streams)."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            content = zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        except ValueError:
            continue
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            raw = re.sub(
                rb"\\([0-7]{1,3}|.)",
                lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else m[1],
                literal,
            )
            chunks.append(raw.decode("utf-16-be", errors="replace"))
    return "".join(chunks)


def receipt(**overrides: object) -> ReceiptData:
    values: dict[str, object] = {
        "center": "350500",
        "center_name": "泉州市行政服务中心",
        "case_no": "35050020261125000001",
        "query_code": "K7WQ3M",
        "item_code": "SCJG-003",
        "item_version": 2,
        "item_name": "食品经营许可",
        "department": "SCJG",
        "kind": "promised",
        "channel": "window",
        "applicant_name": "张三",
        "applicant_id_no": "11010519491231002X",
        "accepted_at": datetime(2026, 11, 25, 2, tzinfo=UTC),
        "received": ["食品经营许可申请书", "营业执照复印件"],
        "tolerated": ["从业人员健康证明"],
        "supplement_by": date(2026, 12, 2),
        "promise": "申请人承诺于2026-12-02前补齐",
        "due_day": date(2026, 12, 9),
        "limit_days": 10,
        "provisional": False,
    }
    values.update(overrides)
    return ReceiptData(**values)  # type: ignore[arg-type]


def test_the_receipt_prints_everything_an_applicant_needs() -> None:
    pdf = render_receipt(receipt())
    assert pdf.startswith(b"%PDF-") and b"STSong-Light" in pdf
    text = pdf_text(pdf)
    for expected in (
        "受理回执",
        "泉州市行政服务中心",
        "35050020261125000001",
        "K7WQ3M",
        "食品经营许可",
        "营业执照复印件",
        "容缺材料",
        "从业人员健康证明",
        "2026年12月02日",
        "2026年12月09日",
        "110105********002X",
    ):
        assert expected in text, expected
    assert "11010519491231002X" not in text


def test_a_provisional_deadline_is_explained_and_no_promise_printed_without_tolerance() -> None:
    text = pdf_text(render_receipt(receipt(tolerated=[], supplement_by=None, provisional=True)))
    assert "暂按周一至周五计算" in text
    assert "容缺材料" not in text


def test_masking_keeps_the_ends_of_an_id() -> None:
    assert mask_id("91350100M000100Y43") == "913501********0Y43"
    assert mask_id("12345") == "1****"  # a short number is masked too
    assert mask_id("E12345678") == "E1****678"
