"""A joint case accepted by the lead department's window: every part starts at that instant."""

from __future__ import annotations

from datetime import datetime

from libs.events.applier import Waiting
from libs.events.contract import CaseSubmitted, ItemPublished, WorkAssigned, WorkOpened
from libs.events.registry import Event
from services.approval.application.ports import ApprovalTx, JointSubmission
from services.approval.application.unit import department
from services.approval.domain.case import ApprovalCase
from services.approval.domain.joint import JointItem, StageStart, start_parts


class JointItemNotYetKnown(Waiting):
    """The case came before its catalogue item (another key, no order between them): its stream
    waits until the item's `catalog.item_published` is applied here, then the case opens."""

    def __init__(self, code: str) -> None:
        # The subject of intake's item events: the stream of the item's versions.
        super().__init__(f"item:{code}", subject=f"item-{code}")


async def joint_opening(
    tx: ApprovalTx, case: ApprovalCase, opening: list[Event], *, now: datetime
) -> list[Event]:
    """The opening of a joint case: the work, then `joint.started` and each part's assignment."""
    opened = next(e for e in opening if isinstance(e, WorkOpened))
    item = await tx.views.joint_item_of(opened.item_code)
    if item is None:
        raise JointItemNotYetKnown(opened.item_code)
    staff = {d: await department(tx, d) for d in item.limits}
    bound = case.bound
    stage = (
        StageStart(bound.stage_name, bound.project_id, bound.factor)
        if bound
        else StageStart(opened.item_name or opened.item_code)
    )
    calendar = await tx.calendar()
    parts = start_parts(opened, item, stage=stage, staff=staff, calendar=calendar, now=now)
    kept = [e for e in opening if not isinstance(e, WorkAssigned)]  # the parts are assigned
    return [*kept, *parts]


async def when_joint_item_published_remember(tx: ApprovalTx, event: ItemPublished) -> None:
    """Keep a joint item's lead, departments' limits and materials."""
    if event.kind != "joint" or not event.lead_department:
        return
    item = JointItem(
        code=event.code,
        lead_department=event.lead_department,
        limits={d.department: d.limit_days for d in event.departments},
        promised_limit_days=event.promised_limit_days,
        key_materials=frozenset(m.code for m in event.materials if m.key),
        materials=frozenset(m.code for m in event.materials),
    )
    await tx.views.remember_joint_item(item, event.version)


async def when_joint_case_submitted_remember(tx: ApprovalTx, event: CaseSubmitted) -> None:
    """A joint case filed at intake may be named as a project's stage before it is accepted."""
    if event.kind != "joint":
        return
    filed = JointSubmission(event.case_id, event.center, event.item_code, event.case_no)
    await tx.views.remember_submission(filed)
