"""Run the anomaly rules on a new case event and record each finding once per case and rule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from libs.events import contract as s
from libs.events.calendar import WorkCalendar
from libs.events.uow import Transaction
from services.supervision.application.own_events import record
from services.supervision.application.ports import SupervisionViews
from services.supervision.config import Settings
from services.supervision.domain.anomalies import detect
from services.supervision.domain.facts import Happened


def anomaly_stream(case_id: str, rule: str) -> str:
    """One stream per case and rule: its first event is the only one."""
    return f"anomaly-{case_id}-{rule}"


async def detect_anomalies(
    tx: Transaction[SupervisionViews],
    settings: Settings,
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
    for finding in detect(history, new, settings.thresholds(), calendar):
        stream = anomaly_stream(event.case_id, finding.rule)
        if await tx.events.version(stream) > 0:
            continue
        detected = s.AnomalyDetected(
            anomaly_id=f"{event.case_id}:{finding.rule}",
            rule=finding.rule,
            center=event.center,
            case_id=event.case_id,
            evidence={"title": finding.title, **finding.evidence},
            detected_at=now,
        )
        await record(tx, stream, [detected], center=event.center, version=0)
        found.append(detected)
    return found
