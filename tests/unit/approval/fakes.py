"""In-memory approval views and seal keys: what the handlers see through their ports, no I/O."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from libs.events.calendar import YearSchedule
from libs.events.org import Names
from services.approval.adapters.decision_seals import DecisionSeals
from services.approval.application.ports import (
    CatalogItem,
    Contact,
    JointSubmission,
    Message,
    Notice,
    SealedDocument,
    WorkQuery,
)
from services.approval.domain.case import ApprovalCase
from services.approval.domain.document import NameBook
from services.approval.domain.joint import JointItem

OPEN = ("open", "suspended")


@dataclass
class Queued:
    """A notice in the fake delivery queue."""

    message_id: str
    notice: Notice
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    lease_until: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None


class FakeApprovalViews:
    """Approval's tables as dicts; each method does what its SQL twin does, in memory."""

    def __init__(self) -> None:
        self.contacts: dict[str, Contact] = {}
        self.materials: dict[str, list[str]] = {}
        self.items: dict[str, CatalogItem] = {}
        self.joint_items: dict[str, tuple[JointItem, int]] = {}
        self.submissions: dict[str, JointSubmission] = {}
        self.work: dict[str, dict[str, Any]] = {}
        self.parts: dict[tuple[str, str], dict[str, Any]] = {}
        self.documents: dict[str, SealedDocument] = {}
        self.queue: list[Queued] = []
        self.schedules: list[YearSchedule] = []
        self.locked: list[str] = []

    async def contact_of(self, case_id: str) -> Contact | None:
        return self.contacts.get(case_id)

    async def remember_contact(self, case_id: str, contact: Contact) -> None:
        self.contacts[case_id] = contact

    async def materials_of(self, case_id: str) -> list[str]:
        return list(self.materials.get(case_id, []))

    async def remember_materials(self, case_id: str, codes: list[str]) -> None:
        self.materials[case_id] = sorted({*self.materials.get(case_id, []), *codes})

    async def item_of(self, code: str) -> CatalogItem | None:
        return self.items.get(code)

    async def remember_item(self, item: CatalogItem) -> None:
        known = self.items.get(item.code)
        if known is None or known.version < item.version:
            self.items[item.code] = item

    async def joint_item_of(self, code: str) -> JointItem | None:
        found = self.joint_items.get(code)
        return found[0] if found else None

    async def remember_joint_item(self, item: JointItem, version: int) -> None:
        self.joint_items[item.code] = (item, version)

    async def submission_of(self, case_id: str) -> JointSubmission | None:
        return self.submissions.get(case_id)

    async def remember_submission(self, filed: JointSubmission) -> None:
        self.submissions.setdefault(filed.case_id, filed)

    async def lock(self, case_id: str) -> None:
        self.locked.append(case_id)

    async def refresh(self, case: ApprovalCase) -> None:
        facts = case.facts
        self.work[case.stream_id] = {
            "case_id": case.stream_id,
            "center": facts.center,
            "held_at": facts.held_at,
            "department": facts.department,
            "kind": facts.kind,
            "status": "joint" if case.joint is not None and case.status in OPEN else case.status,
            "step": case.step,
            "assignee": case.assignee,
            "deadline": case.current_deadline.at,
            "deemed_approval": facts.deemed_approval,
            "version": case.version,
            "updated_at": datetime.now(UTC),
        }

    async def refresh_parts(self, case: ApprovalCase) -> None:
        if case.joint is None:
            return
        for part in case.joint.parts.values():
            self.parts[(case.stream_id, part.department)] = {
                "status": part.status,
                "step": part.step,
                "assignee": part.assignee,
                "deadline": part.deadline.at,
            }

    async def lock_open(self) -> list[str]:
        return sorted(c for c, row in self.work.items() if row["status"] in OPEN)

    async def open_case_ids(self, department: str) -> list[str]:
        return [
            c
            for c, row in self.work.items()
            if row["department"] == department and row["status"] in OPEN
        ]

    async def open_part_case_ids(self, department: str) -> list[str]:
        return [
            c for (c, d), row in self.parts.items() if d == department and row["status"] in OPEN
        ]

    async def overdue_deemable(self, now: datetime) -> list[str]:
        due = [
            row
            for row in self.work.values()
            if row["status"] == "open" and row["deemed_approval"] and row["deadline"] < now
        ]
        return [row["case_id"] for row in sorted(due, key=lambda r: r["deadline"])]

    async def decided_without_document(self, before: datetime) -> list[str]:
        return [
            c
            for c, row in self.work.items()
            if row["status"] == "decided"
            and c not in self.documents
            and not (row["kind"] == "reported" and row["center"] == row["held_at"])
            and row["updated_at"] < before
        ]

    async def worklist_page(self, query: WorkQuery) -> list[dict[str, Any]]:
        lines = [
            row
            for row in self.work.values()
            if row["held_at"] == query.held_at
            and row["department"] == query.department
            and row["status"] in OPEN
            and (query.person is None or row["assignee"] == query.person)
        ]
        lines.sort(key=lambda r: (r["deadline"], r["case_id"]))
        return lines[: query.limit + 1]

    async def document_of(self, case_id: str) -> SealedDocument | None:
        return self.documents.get(case_id)

    async def document_by_number(self, document_id: str) -> SealedDocument | None:
        found = (d for d in self.documents.values() if d.document["document_id"] == document_id)
        return next(found, None)

    async def save_document_once(self, sealed: SealedDocument) -> bool:
        if sealed.case_id in self.documents:
            return False
        self.documents[sealed.case_id] = sealed
        return True

    async def enqueue(self, notice: Notice) -> str:
        queued = Queued(str(uuid.uuid4()), notice, datetime.now(UTC))
        self.queue.append(queued)
        return queued.message_id

    async def notices_of(self, case_id: str) -> list[dict[str, Any]]:
        return [
            {
                "kind": q.notice.kind,
                "channel": q.notice.channel,
                "to": q.notice.phone[:3] + "****" + q.notice.phone[-4:],
                "text": q.notice.text,
                "queued_at": q.created_at,
                "sent_at": q.sent_at,
                "attempts": q.attempts,
                "last_error": q.last_error,
            }
            for q in self.queue
            if q.notice.case_id == case_id
        ]

    async def due_notices(self, now: datetime, limit: int) -> list[Message]:
        due = [
            q
            for q in self.queue
            if q.sent_at is None
            and q.next_attempt_at <= now
            and (q.lease_until is None or q.lease_until < now)
        ]
        return [
            Message(q.message_id, n.case_id, n.channel, n.phone, n.text, n.kind)
            for q in due[:limit]
            for n in [q.notice]
        ]

    async def lease_notice(self, message_id: str, now: datetime, until: datetime) -> bool:
        queued = self._queued(message_id)
        if queued.sent_at is not None or (queued.lease_until and queued.lease_until >= now):
            return False
        queued.lease_until = until
        return True

    async def mark_sent(self, message_id: str) -> None:
        self._queued(message_id).sent_at = datetime.now(UTC)

    async def reschedule(self, message_id: str, *, error: str, base: float, cap: float) -> None:
        queued = self._queued(message_id)
        delay = min(base * 2**queued.attempts, cap)
        queued.attempts += 1
        queued.next_attempt_at = datetime.now(UTC) + timedelta(seconds=delay)
        queued.lease_until, queued.last_error = None, error

    def _queued(self, message_id: str) -> Queued:
        return next(q for q in self.queue if q.message_id == message_id)

    async def names(self) -> NameBook:
        return Names({"350500": "示范市政务服务中心"}, {("350500", "land"): "自然资源局"})

    async def store_schedule(self, schedule: YearSchedule) -> None:
        self.schedules.append(schedule)

    async def clear_worklist(self) -> None:
        self.work.clear()
        self.parts.clear()

    async def opened_streams(self) -> list[str]:
        return list(self.work)

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        rows = [tuple(v for k, v in r.items() if k != "updated_at") for r in self.work.values()]
        return {"work_items": sorted(rows), "joint_parts": sorted(self.parts.items())}


def seal_keys() -> DecisionSeals:
    """Seal keys held in memory: one made-up key for department `land`, none generated."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return DecisionSeals(configured={"land": pem.decode()}, directory=None, generate=False)
