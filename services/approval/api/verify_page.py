"""The page a person sees after scanning a decision's QR code: what was issued under that number."""

from __future__ import annotations

from html import escape
from typing import Any

OUTCOMES = {"approved": "准予许可", "denied": "不予许可", "deemed_approved": "视为准予许可"}
ROWS = (
    ("文书编号", "document_id"),
    ("文书名称", "title"),
    ("受理编号", "case_no"),
    ("申请事项", "item_name"),
    ("申请人", "applicant"),
    ("出具部门", "department_name"),
    ("出具中心", "issued_by_center_name"),
    ("决定", "decision"),
    ("决定日期", "decided_on"),
    ("PDF 摘要（SHA-256）", "pdf_sha256"),
)


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: enough to compare with the paper, not to identify."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def check_page(found: dict[str, Any]) -> str:
    """A small self-contained HTML page (no scripts, no external resources)."""
    verdict = (
        "本文书由本中心出具，电子印章有效，记录未被改动。请核对纸质或电子文书内容与下列记录一致。"
        if found["genuine"]
        else "警告：本文书记录的电子印章校验未通过，请向出具中心核实。"
    )
    values = {**found, "decision": OUTCOMES.get(found["decision"], found["decision"])}
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(str(values[key]))}</td></tr>"
        for label, key in ROWS
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>决定书核验 {escape(found['document_id'])}</title></head>"
        f"<body><h1>行政许可决定书核验</h1><p>{escape(verdict)}</p><table>{rows}</table>"
        "</body></html>"
    )
