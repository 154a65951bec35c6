"""What intake's handler tests share: the app on the fake unit of work, and a received case."""

from __future__ import annotations

from libs.events import contract as s
from libs.events.auth import Principal, Role
from libs.events.clock import FixedClock
from services.intake.application.submit_case import SubmitCase, submit_case
from services.intake.bootstrap import App, bootstrap
from services.intake.config import Settings
from tests.unit.intake.fakes import FakeIntakeUnitOfWork
from tests.unit.intake.given import NOW, applicant, item

CLERK = Principal(sub="clerk-1", role=Role.clerk, center="350500", department="SCJG")
APPLICANT = Principal(sub="alice", role=Role.applicant)
ALL = ["APP", "LIC", "LAY", "HLT"]
PEPPER = "a-pepper-for-unit-tests-only"


def intake() -> App:
    """Intake on the fake unit of work, its clock at NOW, item SCJG-003 v1 in the catalogue."""
    uow = FakeIntakeUnitOfWork()
    uow.views.add(item())
    settings = Settings(center_code="350500", query_code_pepper=PEPPER)
    return bootstrap(settings, clock=FixedClock(NOW), uow=uow)


def fake(app: App) -> FakeIntakeUnitOfWork:
    """The app's fake unit of work: its streams, views and new events."""
    uow = app.uow
    assert isinstance(uow, FakeIntakeUnitOfWork)
    return uow


def clock(app: App) -> FixedClock:
    """The app's fixed clock, to move."""
    assert isinstance(app.clock, FixedClock)
    return app.clock


async def submitted(app: App, materials: list[str], channel: s.Channel = "window") -> str:
    """A case received with these materials; its id (the events are then not new any more)."""
    cmd = SubmitCase("SCJG-003", applicant(), materials, channel, CLERK)
    created = await submit_case(cmd, uow=app.uow, clock=app.clock, center="350500", pepper=PEPPER)
    fake(app).new_events()
    return created.case_id
