"""The decision document (决定书): content, canonical JSON, what the seal signs, the notice."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Protocol

from libs.events.clock import SHANGHAI, beijing_iso
from libs.events.contract import CaseDelivered
from libs.events.registry import Event
from libs.events.words import PROCEDURE_ZH
from services.approval.domain.case import ApprovalCase, Pause
from services.approval.domain.parts import PartPause

SEAL_ALGORITHM = "Ed25519"  # what the electronic seal signs with (the key type too)
TITLES = {
    "approved": "准予行政许可决定书",
    "denied": "不予行政许可决定书",
    "deemed_approved": "视为准予行政许可决定书（超时默许）",
}
OUTCOME_WORDS = {
    "approved": "准予许可",
    "denied": "不予许可",
    "deemed_approved": "超时默许，视为准予许可",
}


class NameBook(Protocol):
    """Center and department names as known here (libs.events.org.Names)."""

    def center(self, code: str) -> str:
        """The center's name, or its code."""
        ...

    def department(self, center: str, code: str) -> str:
        """The department's name at that center, or its code."""
        ...


class Codes:
    """No names known: every code stands for itself."""

    def center(self, code: str) -> str:
        """The code."""
        return code

    def department(self, center: str, code: str) -> str:
        """The code."""
        return code


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same document always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signed_payload(document: dict[str, Any], *, pdf_sha256: str, key_id: str) -> bytes:
    """What the electronic seal signs: the canonical document, its PDF's SHA-256, the key."""
    return canonical_json({"document": document, "key_id": key_id, "pdf_sha256": pdf_sha256})


def verify_url(base: str, document_id: str) -> str:
    """Where a person checks a document by its number (printed, and in the QR code)."""
    return f"{base.rstrip('/')}/v1/seals/documents/{document_id}"


def decision_document(
    case: ApprovalCase,
    *,
    applicant: str,
    issuing_center: str,
    names: NameBook | None = None,
    verify_base: str = "",
) -> dict[str, Any]:
    """The document's content for a decided case (strings only, so its JSON is canonical)."""
    facts, decision = case.facts, case.decision
    if decision is None:
        raise LookupError(f"case {facts.case_no} has no decision")
    names = names or Codes()
    return {
        "document_id": decision.document_id,
        "title": TITLES[decision.outcome],
        "case_id": facts.case_id,
        "case_no": facts.case_no,
        "center": facts.center,
        "center_name": names.center(facts.center),
        "issued_by_center": issuing_center,
        "issued_by_center_name": names.center(issuing_center),
        "department": facts.department,
        "department_name": names.department(issuing_center, facts.department),
        "item_code": facts.item_code,
        "item_name": facts.item_name,
        "applicant": applicant,
        "decision": decision.outcome,
        "reasons": decision.reasons,
        "decided_by": decision.by,
        "decided_at": beijing_iso(decision.at),
        "decided_on": chinese_date(decision.at),
        "accepted_at": beijing_iso(facts.accepted_at),
        "accepted_on": chinese_date(facts.accepted_at),
        "deadline": beijing_iso(case.current_deadline.at),
        "verify_url": verify_url(verify_base, decision.document_id) if verify_base else "",
    }


def notice_text(case: ApprovalCase, *, applicant: str) -> str:
    """送达: the SMS or voice text telling the applicant the outcome."""
    facts, decision = case.facts, case.decision
    if decision is None:
        raise LookupError(f"case {facts.case_no} has no decision")
    item = f"“{facts.item_name}”" if facts.item_name else f"事项{facts.item_code}"
    when = chinese_date(decision.at)
    who = f"{applicant}您好，" if applicant else "您好，"
    return (
        f"【政务服务中心】{who}您申请的{item}（受理号{facts.case_no}）已于{when}办结："
        f"{OUTCOME_WORDS[decision.outcome]}。请凭受理回执领取决定书，或在网上下载。"
    )


def suspension_text(
    case: ApprovalCase,
    *,
    applicant: str,
    pause: Pause | PartPause | None = None,
    department: str = "",
) -> str:
    """行政许可法 art. 45 书面告知: what the pause is for, how long, that it does not count; for
    a joint case's part (`pause` of the part, `department` its name), that part's pause."""
    facts, pause = case.facts, pause or case.pause
    if pause is None:
        raise LookupError(f"case {facts.case_no} is not suspended")
    item = f"“{facts.item_name}”" if facts.item_name else f"事项{facts.item_code}"
    who = f"{applicant}您好，" if applicant else "您好，"
    until = f"（预计至{_day(pause.expected_until)}）" if pause.expected_until else ""
    why = f"，事由：{pause.reason}" if pause.reason else ""
    by = f"由联办部门{department}" if department else ""
    counted = "该部门的办理期限" if department else "办结期限"
    return (
        f"【政务服务中心】{who}您申请的{item}（受理号{facts.case_no}）自{chinese_date(pause.since)}"
        f"起需{by}进行{PROCEDURE_ZH.get(pause.procedure, pause.procedure)}{why}，"
        f"预计需要{pause.expected_days}个工作日{until}。依据《中华人民共和国行政许可法》第四十五条，"
        f"所需时间不计入办理期限，{counted}相应顺延。特此书面告知。"
    )


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def withdrawal_text(case: ApprovalCase, *, applicant: str) -> str:
    """The SMS or voice text answering a withdrawal request: confirmed, or refused (decided)."""
    facts, decision = case.facts, case.decision
    item = f"“{facts.item_name}”" if facts.item_name else f"事项{facts.item_code}"
    who = f"{applicant}您好，" if applicant else "您好，"
    if decision is None:
        return f"【政务服务中心】{who}您申请的{item}（受理号{facts.case_no}）已按您的申请撤回。"
    return (
        f"【政务服务中心】{who}您申请的{item}（受理号{facts.case_no}）已于{chinese_date(decision.at)}"
        f"办结（{OUTCOME_WORDS[decision.outcome]}），撤回申请未予办理。"
    )


def delivered(case: ApprovalCase, *, channel: str, now: datetime) -> list[Event]:
    """送达 recorded once, after the carrier took the notice of an ended case."""
    if case.opened is None or case.decision is None or case.delivered is not None:
        return []
    by_voice = channel == "voice"
    return [CaseDelivered(**case.base(), channel="voice" if by_voice else "sms", delivered_at=now)]


def chinese_date(moment: datetime) -> str:
    """Beijing date in Chinese form: 2026年12月1日."""
    local = moment.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日"
