"""Notices to the applicant, queued in the transaction that makes them due, so none is lost."""

from __future__ import annotations

import logging
from collections.abc import Callable

from services.approval.application.ports import ApprovalTx, Notice
from services.approval.domain.case import ApprovalCase
from services.approval.domain.document import notice_text, suspension_text

log = logging.getLogger(__name__)


async def notify_applicant(tx: ApprovalTx, case: ApprovalCase, *, channel: str) -> None:
    """Queue the SMS or voice notice of the decision."""
    await tell_applicant(tx, case, notice_text, channel=channel)


async def tell_applicant(
    tx: ApprovalTx, case: ApprovalCase, text: Callable[..., str], *, channel: str
) -> None:
    """Queue `text(case, applicant=name)` for the applicant's phone, in this transaction."""
    contact = await tx.views.contact_of(case.stream_id)
    if contact is None or not contact.phone:
        log.warning("case %s: no applicant phone; nothing to send", case.facts.case_no)
        return
    notice = Notice(case.stream_id, channel, contact.phone, text(case, applicant=contact.name))
    await tx.views.enqueue(notice)


async def notify_suspension(
    tx: ApprovalTx, case: ApprovalCase, *, channel: str, part: str = ""
) -> None:
    """Art. 45: tell the applicant in writing what the pause is for and how long it will take;
    `part` names the department of a joint case whose part alone paused."""
    contact = await tx.views.contact_of(case.stream_id)
    if contact is None or not contact.phone:
        log.warning("case %s: no applicant phone; no pause notice sent", case.facts.case_no)
        return
    if part and case.joint is not None:
        pause = case.joint.parts[part].pause
        department = (await tx.views.names()).department(case.facts.center, part)
        text = suspension_text(case, applicant=contact.name, pause=pause, department=department)
    else:
        text = suspension_text(case, applicant=contact.name)
    await tx.views.enqueue(Notice(case.stream_id, channel, contact.phone, text, kind="suspension"))
