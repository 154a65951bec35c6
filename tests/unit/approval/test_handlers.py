"""Approval's handlers through `bootstrap()` with the in-memory unit of work: given events,
when a command, then the new events and the views (no database, no broker)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from libs.events.auth import Principal, Role
from libs.events.calendar import WorkCalendar
from libs.events.clock import SHANGHAI, FixedClock
from libs.events.contract import Applicant, CaseAccepted, CaseSubmitted, CaseWithdrawalRequested
from libs.events.envelope import Envelope
from libs.events.registry import Event
from services.approval.adapters.notifier import LocalSink
from services.approval.application.configure import SetItemRules, set_item_rules
from services.approval.application.decide_case import DecideCase, decide_case
from services.approval.application.deem_overdue import deem_overdue
from services.approval.application.deliver_notices import deliver_due
from services.approval.application.extend_deadline import ExtendDeadline, extend_deadline
from services.approval.application.mark_absence import MarkAbsence, mark_absence
from services.approval.application.read_work import read_case
from services.approval.application.review_case import ReviewCase, review_case
from services.approval.application.suspend_case import (
    ResumeCase,
    SuspendCase,
    resume_case,
    suspend_case,
)
from services.approval.bootstrap import App, bootstrap
from services.approval.config import Settings
from services.approval.consumers.case_events import CaseEvents
from services.approval.domain.access import CaseNotHere, SameDepartmentOnly
from services.approval.domain.rules import (
    DenialCitesAReason,
    ExtensionCapNeedsLegalBasis,
    OneExtensionPerCase,
    ReviewerMayNotDecide,
    SpecialProcedureStatesItsDuration,
)
from services.approval.events import DepartmentPostsNamed, PostHolders
from tests.support.fakes import FakeUnitOfWork
from tests.unit.approval.fakes import FakeApprovalViews, seal_keys

pytestmark = pytest.mark.unit
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)
CASE = "c-1"
REVIEWER = Principal(sub="rev-a", role=Role.reviewer, center="350500", department="land")
APPROVER = Principal(sub="app-a", role=Role.approver, center="350500", department="land")
ENVELOPE = Envelope(
    type="t", source="/centers/350500/intake", subject=CASE, center="350500", sequence=1
)


def approval() -> App:
    """Approval on the fake unit of work, its clock an hour after Monday's acceptance."""
    uow = FakeUnitOfWork(FakeApprovalViews())
    return bootstrap(
        Settings(),
        clock=FixedClock(MONDAY + timedelta(hours=1)),
        uow=uow,
        notifier=LocalSink(),
        seals=seal_keys(),
    )


def fake(app: App) -> FakeUnitOfWork[FakeApprovalViews]:
    """The app's fake unit of work, to seed and to read back."""
    assert isinstance(app.uow, FakeUnitOfWork)
    return app.uow


def types(events: list[Event]) -> list[str]:
    """`case.decided` for each event."""
    return [".".join(e.TYPE.split(".")[1:-1]) for e in events]


def submitted() -> CaseSubmitted:
    return CaseSubmitted(
        case_id=CASE,
        center="350500",
        case_no="350500-2026-000001",
        item_code="LAND-01",
        item_version=1,
        item_name="建设用地规划许可",
        department="land",
        kind="promised",
        channel="window",
        applicant=Applicant(
            name="张三", id_type="resident", id_no="350500199001011234", phone="13800000001"
        ),
        materials=["m-1"],
        missing=[],
        submitted_at=MONDAY,
        legal_limit_days=20,
        promised_limit_days=5,
    )


def accepted(*, limit: int = 5, deemed: bool = False, center: str = "350500") -> CaseAccepted:
    deadline = WorkCalendar().deadline(MONDAY, limit)
    return CaseAccepted(
        case_id=CASE,
        center=center,
        case_no="350500-2026-000001",
        item_code="LAND-01",
        item_version=1,
        item_name="建设用地规划许可",
        department="land",
        kind="promised",
        channel="window",
        accepted_at=MONDAY,
        limit_days=limit,
        deadline=deadline.at,
        due_day=deadline.due_day,
        deemed_approval=deemed,
    )


async def consume(app: App, *events: Event) -> None:
    """The `cases` consumer applies these events, each in its own transaction."""
    handle = CaseEvents(app.settings, app.clock)
    for event in events:
        async with app.uow.begin() as tx:
            await handle(tx, ENVELOPE, event)


async def opened(app: App, **accepting: bool | int) -> None:
    """Given: posts named, the case submitted and accepted here (its work opened)."""
    posts = {"review": PostHolders(a="rev-a"), "approve": PostHolders(a="app-a", b="app-b")}
    fake(app).given(
        "department:land",
        DepartmentPostsNamed(center="350500", department="land", posts=posts, at=MONDAY),
    )
    await consume(app, submitted(), accepted(**accepting))
    fake(app).new_events()


async def reviewed(app: App) -> None:
    """Given: the opened case reviewed by rev-a."""
    await opened(app)
    await review_case(ReviewCase(CASE, "approve", "材料齐全"), **acting(app, REVIEWER))
    fake(app).new_events()


def acting(app: App, principal: Principal) -> dict[str, object]:
    return {"principal": principal, "uow": app.uow, "clock": app.clock, "settings": app.settings}


async def test_an_accepted_case_opens_work_for_its_department_at_the_review_post() -> None:
    app = approval()
    await consume(app, submitted(), accepted())
    assert types(fake(app).new_events()) == ["work.opened", "work.assigned"]
    row = fake(app).views.work[CASE]
    assert (row["status"], row["step"], row["assignee"]) == ("open", "review", None)
    assert fake(app).views.contacts[CASE].phone == "13800000001"


async def test_a_case_accepted_at_another_center_is_not_work_here() -> None:
    app = approval()
    await consume(app, accepted(center="350521"))
    assert fake(app).new_events() == [] and fake(app).views.work == {}


async def test_the_review_hands_the_case_to_the_approve_post() -> None:
    app = approval()
    await opened(app)
    view = await review_case(ReviewCase(CASE, "approve", "材料齐全"), **acting(app, REVIEWER))
    assert types(fake(app).new_events()) == ["case.reviewed", "work.assigned"]
    assert (view.case.step, view.case.assignee) == ("decide", "app-a")
    assert fake(app).views.work[CASE]["assignee"] == "app-a"


async def test_the_reviewer_may_not_decide_and_nothing_is_written() -> None:
    app = approval()
    await reviewed(app)
    as_approver = Principal(sub="rev-a", role=Role.approver, center="350500", department="land")
    with pytest.raises(ReviewerMayNotDecide):
        await decide_case(DecideCase(CASE, "approved"), **acting(app, as_approver), seals=app.seals)
    assert fake(app).new_events() == []


async def test_a_decision_is_sealed_after_it_commits_and_the_applicant_is_told() -> None:
    app = approval()
    await reviewed(app)
    commits = fake(app).commits
    view = await decide_case(
        DecideCase(CASE, "approved", "符合条件"), **acting(app, APPROVER), seals=app.seals
    )
    assert types(fake(app).new_events()) == ["case.decided", "case.decision_issued"]
    assert fake(app).commits > commits + 1  # the decision, then the document in its own block
    assert view.case.decision is not None and view.notices == []  # told with the document
    document = fake(app).views.documents[CASE].document
    assert (document["decision"], document["department_name"]) == ("approved", "自然资源局")
    [queued] = fake(app).views.queue
    assert queued.notice.phone == "13800000001" and queued.notice.kind == "decision"


async def test_a_denial_without_reasons_is_refused() -> None:
    app = approval()
    await reviewed(app)
    with pytest.raises(DenialCitesAReason):
        await decide_case(DecideCase(CASE, "denied"), **acting(app, APPROVER), seals=app.seals)
    assert fake(app).new_events() == [] and fake(app).views.documents == {}


async def test_a_hearing_states_its_days_and_the_applicant_is_told_in_writing() -> None:
    app = approval()
    await opened(app)
    with pytest.raises(SpecialProcedureStatesItsDuration):
        await suspend_case(SuspendCase(CASE, "hearing", "听证"), **acting(app, REVIEWER))
    view = await suspend_case(
        SuspendCase(CASE, "hearing", "听证", expected_days=5), **acting(app, REVIEWER)
    )
    assert types(fake(app).new_events()) == ["case.suspended"]
    assert [n["kind"] for n in view.notices] == ["suspension"]
    assert fake(app).views.work[CASE]["status"] == "suspended"
    await resume_case(ResumeCase(CASE), **acting(app, REVIEWER))
    assert types(fake(app).new_events()) == ["case.resumed"]
    assert fake(app).views.work[CASE]["status"] == "open"


async def test_one_extension_moves_the_deadline_by_working_days() -> None:
    app = approval()
    await opened(app)
    before = fake(app).views.work[CASE]["deadline"]
    await extend_deadline(ExtendDeadline(CASE, 3, "需补充调查"), **acting(app, APPROVER))
    assert types(fake(app).new_events()) == ["case.extended", "case.deadline_changed"]
    assert fake(app).views.work[CASE]["deadline"] == before + timedelta(days=3)  # Mon→Thu
    with pytest.raises(OneExtensionPerCase):
        await extend_deadline(ExtendDeadline(CASE, 1, "再次"), **acting(app, APPROVER))


async def test_only_the_center_and_department_of_the_case_reach_it() -> None:
    app = approval()
    await opened(app)
    other = Principal(sub="x", role=Role.reviewer, center="350500", department="water")
    elsewhere = Principal(sub="y", role=Role.reviewer, center="350521", department="land")
    with pytest.raises(SameDepartmentOnly):
        await read_case(CASE, principal=other, uow=app.uow)
    with pytest.raises(CaseNotHere):
        await read_case(CASE, principal=elsewhere, uow=app.uow)
    supervisor = Principal(sub="s", role=Role.supervisor, center="350500")
    assert (await read_case(CASE, principal=supervisor, uow=app.uow)).case.stream_id == CASE


async def test_a_withdrawal_closes_undecided_work_and_tells_the_applicant() -> None:
    app = approval()
    await opened(app)
    asked = CaseWithdrawalRequested(
        case_id=CASE, center="350500", reason="不再需要", requested_at=MONDAY, requested_by="a"
    )
    await consume(app, asked)
    assert types(fake(app).new_events()) == ["work.closed", "case.withdrawn"]
    assert fake(app).views.work[CASE]["status"] == "closed"
    assert [q.notice.kind for q in fake(app).views.queue] == ["decision"]


async def test_marking_the_holder_absent_moves_their_open_work_to_b() -> None:
    app = approval()
    await reviewed(app)  # held by app-a at the approve post
    admin = Principal(sub="admin-1", role=Role.admin, center="350500")
    await mark_absence(
        MarkAbsence("land", "app-a", absent=True, reason="出差"),
        principal=admin,
        uow=app.uow,
        clock=app.clock,
        settings=app.settings,
    )
    assert types(fake(app).new_events()) == ["department.absence_marked", "work.assigned"]
    assert fake(app).views.work[CASE]["assignee"] == "app-b"


async def test_an_overdue_deemable_case_is_deemed_approved_once_and_delivered() -> None:
    app = approval()
    await opened(app, limit=1, deemed=True)
    assert isinstance(app.clock, FixedClock)
    app.clock.set(MONDAY + timedelta(days=2))  # Wednesday: Tuesday's deadline has passed
    deps = {"uow": app.uow, "clock": app.clock, "settings": app.settings}
    assert await deem_overdue(**deps, seals=app.seals) == 1
    assert types(fake(app).new_events()) == ["case.deemed_approved", "case.decision_issued"]
    assert await deem_overdue(**deps, seals=app.seals) == 0
    assert await deliver_due(**deps, notifier=app.notifier) == 1
    assert types(fake(app).new_events()) == ["case.delivered"]
    assert isinstance(app.notifier, LocalSink) and len(app.notifier.sent) == 1


async def test_an_extension_cap_above_ten_days_cites_the_law() -> None:
    app = approval()
    admin = Principal(sub="admin-1", role=Role.admin, center="350500")
    deps = {"principal": admin, "uow": app.uow, "clock": app.clock, "settings": app.settings}
    with pytest.raises(ExtensionCapNeedsLegalBasis):
        await set_item_rules(SetItemRules("LAND-01", extension_cap_days=20), **deps)
    view = await set_item_rules(
        SetItemRules("LAND-01", extension_cap_days=20, extension_basis="《土地管理法》第X条"),
        **deps,
    )
    assert view.rules.extension_cap_days == 20
    assert types(fake(app).new_events()) == ["approval.item_rules_set"]
