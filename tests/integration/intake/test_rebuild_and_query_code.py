"""The query code survives a rebuild of the read model, and never travels on a topic.

Fails on the code as it was before: the query code lived only in the `cases` row, so emptying
and rebuilding the read model from the event store lost it, and the printed code no longer
opened the public lookup.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from libs.events.contract import CaseDecided, CaseResumed, CaseSuspended
from libs.events.db import events, outbox
from libs.events.envelope import Envelope, source_of
from libs.events.registry import Event
from services.intake.application.rebuild import rebuild_cases
from services.intake.domain.query_codes import QueryCodeIssued, query_code_stream
from tests.integration.intake.harness import CLERK, NOW, Intake
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
APPROVAL = source_of("350500", "approval")


async def test_rebuilt_read_model_answers_the_printed_query_code(intake: Intake) -> None:
    await intake.publish_item()
    paused = await _accepted(intake)
    decided = await _accepted(intake)
    ref = {"center": "350500"}
    await _report(
        intake,
        paused["case_id"],
        CaseSuspended(case_id=paused["case_id"], **ref, procedure="hearing", suspended_at=NOW),
        CaseResumed(
            case_id=paused["case_id"],
            **ref,
            resumed_at=NOW + timedelta(days=2),
            suspended_at=NOW,
            paused_working_days=0,  # a report; intake derives 2 from the interval
            deadline=NOW,
            due_day=NOW.date(),
        ),
    )
    await _report(
        intake,
        decided["case_id"],
        CaseDecided(
            case_id=decided["case_id"],
            **ref,
            decision="approved",
            decided_by="app-a",
            department="SCJG",
            decided_at=NOW + timedelta(days=1),
        ),
    )
    await eventually(lambda: _view(intake, paused, ("accepted", "2026-12-11")))
    await eventually(lambda: _view(intake, decided, ("approved", "2026-12-09")))

    assert await rebuild_cases(uow=intake.wired.uow, clock=intake.clock) == 2

    assert await _view(intake, paused, ("accepted", "2026-12-11"))
    assert await _view(intake, decided, ("approved", "2026-12-09"))
    wrong = await intake.http.get(
        f"/v1/public/cases/{paused['case_no']}", params={"code": "AAAAAA"}
    )
    assert wrong.status_code == 404
    await _never_published(intake, paused)


async def _accepted(intake: Intake) -> dict[str, str]:
    created = await intake.submit(["APP", "LIC", "LAY", "HLT"])
    accepted = await intake.http.post(f"/v1/cases/{created['case_id']}/accept", headers=CLERK)
    assert accepted.status_code == 200, accepted.text
    return created


async def _report(intake: Intake, case_id: str, *reported: Event) -> None:
    for sequence, event in enumerate(reported, start=1):
        await intake.inject(
            Envelope(
                type=event.TYPE,
                source=APPROVAL,
                subject=case_id,
                center="350500",
                sequence=sequence,
                data=event.model_dump(mode="json"),
            )
        )


async def _view(intake: Intake, created: dict[str, str], expected: tuple[str, str]) -> bool:
    """The public lookup with the printed code shows the expected status and due day."""
    found = await intake.http.get(
        f"/v1/public/cases/{created['case_no']}", params={"code": created["query_code"]}
    )
    return found.status_code == 200 and (found.json()["status"], found.json()["due_day"]) == (
        expected
    )


async def _never_published(intake: Intake, created: dict[str, str]) -> None:
    """The hash is in intake's store, not in its outbox; the code is in neither."""
    stream = query_code_stream(created["case_id"])
    async with intake.runtime.engine.connect() as conn:
        stored = (await conn.execute(select(events).where(events.c.stream_id == stream))).all()
        sent = (await conn.execute(select(outbox.c.key, outbox.c.value))).all()
    [issued] = stored
    assert issued.type == QueryCodeIssued.TYPE and created["query_code"] not in str(issued.data)
    hashed = issued.data["query_hash"]
    assert all(row.key != stream for row in sent)
    assert not any(hashed.encode() in row.value for row in sent)
    assert not any(created["query_code"].encode() in row.value for row in sent)
