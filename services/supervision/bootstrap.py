"""Wires the supervision service."""

from pathlib import Path

from libs.events.kafka import CASE_EVENTS
from libs.events.runtime import Runtime, Subscription
from services.supervision.config import Settings
from services.supervision.consumers.case_events import when_case_event_update_case


def bootstrap(settings: Settings | None = None) -> Runtime:
    """The supervision runtime: its database and its case-events projection."""
    return Runtime(
        service="supervision",
        settings=settings or Settings(),
        migrations=Path(__file__).parent / "migrations",
        subscriptions=[Subscription("cases", [CASE_EVENTS], when_case_event_update_case)],
    )
