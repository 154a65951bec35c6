"""What linkage's handler tests share: an App on the fake unit of work, its fake views, and
case events as a center's services publish them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from libs.events.clock import FixedClock
from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.linkage.bootstrap import App, bootstrap
from services.linkage.config import Settings
from services.linkage.domain.events import LinkHeartbeat
from tests.support.fakes import FakeUnitOfWork
from tests.unit.linkage.fakes import FakeLinkageViews

NOW = datetime(2026, 12, 1, 2, tzinfo=UTC)
# Stands for the consumed record's model where a handler reads the envelope only.
BEAT = LinkHeartbeat(center="350521100", parent="350521", sent_at=NOW)


def app(center: str = "350521", parent: str = "350500") -> App:
    """Linkage of `center` (below `parent`) on the fake unit of work, its clock fixed at NOW."""
    settings = Settings(center_code=center, parent_center=parent)
    return bootstrap(settings, clock=FixedClock(NOW), uow=FakeUnitOfWork(FakeLinkageViews()))


def fake(a: App) -> FakeUnitOfWork[FakeLinkageViews]:
    """The App's fake unit of work (its streams, new events and views)."""
    assert isinstance(a.uow, FakeUnitOfWork)
    return a.uow


def case_event(n: int, *, type_: str = "onewindow.case.accepted.v1", **data: Any) -> Envelope:
    """An event of case `c-<n>` of a township's intake."""
    return Envelope(
        type=type_,
        source="/centers/350521100/intake",
        subject=f"c-{n}",
        center="350521100",
        sequence=1,
        data={"case_id": f"c-{n}", **data},
    )


def envelope_of(event: Event, *, source: str) -> Envelope:
    """The envelope of a case event model, as `source` published it."""
    data = event.model_dump(mode="json")
    center, subject = str(data["center"]), data["case_id"]
    return Envelope(
        type=event.TYPE, source=source, subject=subject, center=center, sequence=1, data=data
    )
