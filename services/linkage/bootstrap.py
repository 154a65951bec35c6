"""Wires the linkage service."""

from pathlib import Path

from libs.events.kafka import CASE_EVENTS
from libs.events.runtime import Runtime, Subscription
from services.linkage.config import Settings
from services.linkage.consumers.deliveries import when_event_from_another_center_record_delivery


def bootstrap(settings: Settings | None = None) -> Runtime:
    """The linkage runtime: its database and the deliveries it records per link."""
    settings = settings or Settings()
    record = when_event_from_another_center_record_delivery(
        settings.center_code, settings.parent_center
    )
    return Runtime(
        service="linkage",
        settings=settings,
        migrations=Path(__file__).parent / "migrations",
        subscriptions=[Subscription("deliveries", [CASE_EVENTS], record)],
    )
