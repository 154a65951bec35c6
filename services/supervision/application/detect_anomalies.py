"""Run the anomaly rules on a new case event and record each finding once per case and rule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events import contract as s
from libs.events.calendar import WorkCalendar
from services.supervision.application.context import Supervision
from services.supervision.application.own_events import record
from services.supervision.domain.anomalies import detect
from services.supervision.domain.facts import Happened


def anomaly_stream(case_id: str, rule: str) -> str:
    """One stream per case and rule: its first event is the only one."""
    return f"anomaly-{case_id}-{rule}"


async def detect_anomalies(
    sv: Supervision,
    conn: AsyncConnection,
    history: Sequence[Happened],
    new: Happened,
    *,
    now: datetime,
    calendar: WorkCalendar,
) -> list[s.AnomalyDetected]:
    """Append `anomaly.detected` for each rule the new event breaks for the first time."""
    event = new.event
    assert isinstance(event, s.CaseEvent)
    found: list[s.AnomalyDetected] = []
    for finding in detect(history, new, sv.settings.thresholds(), calendar):
        stream = anomaly_stream(event.case_id, finding.rule)
        if await sv.store.version(conn, stream) > 0:
            continue
        detected = s.AnomalyDetected(
            anomaly_id=f"{event.case_id}:{finding.rule}",
            rule=finding.rule,
            center=event.center,
            case_id=event.case_id,
            evidence={"title": finding.title, **finding.evidence},
            detected_at=now,
        )
        await record(sv, conn, stream, [detected], center=event.center, version=0)
        found.append(detected)
    return found
