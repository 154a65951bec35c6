"""Supervision's command handlers through `bootstrap()` with the fake unit of work: given past
events and rows, when a command, then the new events (and the rows they project)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from libs.events import contract as s
from libs.events.auth import Principal, Role
from libs.events.clock import FixedClock
from libs.events.rules import Kind, Rule
from services.supervision.application.close_loop import COMPLAINT, OPINION, close_loop
from services.supervision.application.file_complaint import FileComplaint, file_complaint
from services.supervision.application.follow_up_rating import (
    AnswerRating,
    AppealRating,
    DecideAppeal,
    answer_rating,
    appeal_rating,
    decide_appeal,
)
from services.supervision.application.issue_notice import IssueNotice, issue_notice
from services.supervision.application.issue_opinion import IssueOpinion, issue_opinion
from services.supervision.application.ports import Notification
from services.supervision.application.rate_case import RateCase, rate_case, rating_stream
from services.supervision.application.tick import tick
from services.supervision.bootstrap import App, bootstrap
from services.supervision.config import Center, Settings
from services.supervision.events import (
    CaseRated,
    RatingAnswered,
    RatingAppealDecided,
    RatingAppealed,
    RectificationNoticeIssued,
)
from tests.support.fakes import FakeUnitOfWork
from tests.unit.supervision.fakes import FakeSupervisionViews, RecordingNotifier
from tests.unit.supervision.given import CAL, bj

NOW = bj(2026, 9, 16, 10)  # a Wednesday
SETTINGS = Settings(
    database_url="sqlite://",
    center_code="350500",
    centers={
        "350500": Center(name="泉州市行政服务中心"),
        "350521": Center(name="晋江市政务服务中心", parent="350500"),
        "350600": Center(name="漳州市政务服务中心"),
    },
)
CITY = Principal(sub="sup-1", role=Role.supervisor, center="350500")
COUNTY = Principal(sub="sup-2", role=Role.supervisor, center="350521")
CLERK = Principal(sub="clerk-9", role=Role.clerk, center="350500", department="SCJG")
OTHER_CLERK = Principal(sub="clerk-7", role=Role.clerk, center="350500", department="GTJ")
APPLICANT = Principal(sub="11010519491231002X", role=Role.applicant)


@pytest.fixture
def app() -> App:
    views = FakeSupervisionViews()
    uow = FakeUnitOfWork(views, calendar=CAL)
    return bootstrap(SETTINGS, clock=FixedClock(NOW), uow=uow, notifier=RecordingNotifier())


def fake(app: App) -> FakeUnitOfWork[FakeSupervisionViews]:
    assert isinstance(app.uow, FakeUnitOfWork)
    return app.uow


def views(app: App) -> FakeSupervisionViews:
    return fake(app).views


def deps(app: App) -> dict[str, object]:
    return {"uow": app.uow, "clock": app.clock, "settings": app.settings}


async def refused(rule: str, kind: Kind, call: object) -> Rule:
    with pytest.raises(Rule) as caught:
        await call
    assert (caught.value.rule, caught.value.kind) == (rule, kind)
    return caught.value


def test_bootstrapped_with_a_fake_unit_of_work_it_has_no_runtime(app: App) -> None:
    assert app.runtime is None and app.clock.now() == NOW


async def test_an_opinion_is_due_in_five_working_days_and_projected_open(app: App) -> None:
    command = IssueOpinion(department="SCJG", text="窗口超时未办结，请说明")
    row = await issue_opinion(command, principal=CITY, **deps(app))
    [issued] = fake(app).new_events()
    assert isinstance(issued, s.OpinionIssued)
    assert (issued.center, issued.department, issued.issued_by) == ("350500", "SCJG", "sup-1")
    assert issued.answer_by == CAL.deadline(NOW, 5).at
    assert row["status"] == "open" and row["opinion_id"] == issued.opinion_id
    assert [p.stream_id for p in fake(app).published] == [f"opinion-{issued.opinion_id}"]


async def test_a_county_supervisor_may_not_supervise_the_city(app: App) -> None:
    command = IssueOpinion(department="SCJG", center="350500", text="越级督察")
    call = issue_opinion(command, principal=COUNTY, **deps(app))
    error = await refused("SupervisionWithinScope", Kind.forbidden, call)
    assert error.detail_zh == "只能对本中心及下级中心行使监督"
    assert fake(app).new_events() == [] and fake(app).commits == 0


async def test_the_department_answers_an_opinion_once(app: App) -> None:
    opened = await issue_opinion(
        IssueOpinion(department="SCJG", text="请说明"),
        principal=CITY,
        **deps(app),
    )
    fake(app).new_events()
    opinion_id = opened["opinion_id"]
    other = close_loop(OPINION, opinion_id, "非本部门", principal=OTHER_CLERK, **deps(app))
    await refused("OnlyTheDepartmentAnswers", Kind.forbidden, other)
    row = await close_loop(OPINION, opinion_id, "已整改", principal=CLERK, **deps(app))
    [answered] = fake(app).new_events()
    assert isinstance(answered, s.OpinionAnswered)
    assert (answered.answer, answered.answered_by, answered.answered_at) == (
        "已整改",
        "clerk-9",
        NOW,
    )
    assert row["status"] == "answered"
    again = close_loop(OPINION, opinion_id, "再答", principal=CLERK, **deps(app))
    await refused("AnswerOnlyWhileOpen", Kind.conflict, again)
    assert fake(app).new_events() == []


async def test_closing_an_unknown_item_is_not_found(app: App) -> None:
    call = close_loop(OPINION, "op-nope", "答复", principal=CLERK, **deps(app))
    error = await refused("FollowUpNotFound", Kind.not_found, call)
    assert error.detail_zh == "督察意见 op-nope 不存在"


async def test_a_complaint_about_a_case_goes_to_its_department(app: App) -> None:
    views(app).completed_case("c1", applicant=APPLICANT.sub, center="350521", department="GTJ")
    command = FileComplaint(text="办理太慢", case_id="c1")
    row = await file_complaint(command, principal=APPLICANT, **deps(app))
    [filed] = fake(app).new_events()
    assert isinstance(filed, s.ComplaintFiled)
    assert (filed.center, filed.department, filed.filed_by) == ("350521", "GTJ", APPLICANT.sub)
    assert filed.answer_by == CAL.deadline(NOW, 5).at and row["status"] == "open"


async def test_a_complaint_names_its_case_or_a_known_center_and_department(app: App) -> None:
    vague = file_complaint(FileComplaint(text="不满意"), principal=APPLICANT, **deps(app))
    await refused("ComplaintNamesItsSubject", Kind.invalid, vague)
    unknown = FileComplaint(text="不满意", center="110000", department="SCJG")
    call = file_complaint(unknown, principal=APPLICANT, **deps(app))
    await refused("KnownCenter", Kind.invalid, call)
    hidden = file_complaint(
        FileComplaint(text="?", case_id="nobody"),
        principal=APPLICANT,
        **deps(app),
    )
    await refused("CaseNotVisible", Kind.not_found, hidden)
    assert fake(app).new_events() == []


async def test_only_the_department_or_its_supervisor_resolves_a_complaint(app: App) -> None:
    command = FileComplaint(text="不满意", center="350500", department="SCJG")
    row = await file_complaint(command, principal=APPLICANT, **deps(app))
    fake(app).new_events()
    complaint_id = row["complaint_id"]
    other = close_loop(COMPLAINT, complaint_id, "x", principal=OTHER_CLERK, **deps(app))
    await refused("OnlyTheDepartmentOrItsSupervisorResolves", Kind.forbidden, other)
    done = await close_loop(COMPLAINT, complaint_id, "已回复", principal=CITY, **deps(app))
    [resolved] = fake(app).new_events()
    assert isinstance(resolved, s.ComplaintResolved) and resolved.resolved_by == "sup-1"
    assert done["status"] == "resolved"


async def test_a_notice_is_due_in_ten_working_days(app: App) -> None:
    command = IssueNotice(department="SCJG", text="限期整改")
    row = await issue_notice(command, principal=CITY, **deps(app))
    [issued] = fake(app).new_events()
    assert isinstance(issued, RectificationNoticeIssued)
    assert issued.rectify_by == CAL.deadline(NOW, 10).at and row["status"] == "open"


async def test_a_bad_rating_must_be_answered_a_good_one_closes(app: App) -> None:
    views(app).completed_case("bad", applicant=APPLICANT.sub)
    views(app).completed_case("good", applicant=APPLICANT.sub)
    bad = await rate_case(RateCase(case_id="bad", score=2), principal=APPLICANT, **deps(app))
    good = await rate_case(RateCase(case_id="good", score=5), principal=APPLICANT, **deps(app))
    rated = fake(app).new_events()
    assert [type(e) for e in rated] == [CaseRated, CaseRated]
    assert isinstance(rated[0], CaseRated) and rated[0].answer_by == CAL.deadline(NOW, 5).at
    assert isinstance(rated[1], CaseRated) and rated[1].answer_by is None
    assert (bad["status"], good["status"]) == ("awaiting_answer", "closed")


async def test_a_case_is_rated_once_and_only_when_completed(app: App) -> None:
    views(app).completed_case("c1", applicant=APPLICANT.sub)
    views(app).completed_case("open", applicant=APPLICANT.sub, completed_at=None, status="accepted")
    fake(app).given(rating_stream("c1"), CaseRated(
        rating_id="r-c1", case_id="c1", center="350500", department="SCJG", score=4,
        comment="", rated_by=APPLICANT.sub, rated_at=NOW - timedelta(days=1),
    ))  # fmt: skip
    again = rate_case(RateCase(case_id="c1", score=1), principal=APPLICANT, **deps(app))
    await refused("RateOnce", Kind.conflict, again)
    early = rate_case(RateCase(case_id="open", score=3), principal=APPLICANT, **deps(app))
    await refused("OnlyCompletedCasesAreRated", Kind.invalid, early)
    wild = rate_case(RateCase(case_id="c1", score=6), principal=APPLICANT, **deps(app))
    await refused("RatingBetweenOneAndFive", Kind.invalid, wild)
    assert fake(app).new_events() == []


async def test_the_loop_of_a_bad_rating_answer_appeal_and_upheld_decision(app: App) -> None:
    views(app).completed_case("c1", applicant=APPLICANT.sub)
    d = deps(app)
    rated = await rate_case(RateCase(case_id="c1", score=1), principal=APPLICANT, **d)
    rating_id = rated["rating_id"]
    early = appeal_rating(
        rating_id, AppealRating(reason="?"), principal=APPLICANT, uow=app.uow, clock=app.clock
    )
    await refused("AppealOnlyAfterAnswer", Kind.invalid, early)
    answer = AnswerRating(follow_up="电话回访", remedy="当场补办", answer="已处理")
    await answer_rating(rating_id, answer, principal=CLERK, uow=app.uow, clock=app.clock)
    stranger = Principal(sub="someone-else", role=Role.applicant)
    other = appeal_rating(
        rating_id, AppealRating(reason="x"), principal=stranger, uow=app.uow, clock=app.clock
    )
    await refused("OnlyTheRaterAppeals", Kind.forbidden, other)
    await appeal_rating(
        rating_id, AppealRating(reason="不满意"), principal=APPLICANT, uow=app.uow, clock=app.clock
    )
    twice = appeal_rating(
        rating_id, AppealRating(reason="再诉"), principal=APPLICANT, uow=app.uow, clock=app.clock
    )
    await refused("AppealOnce", Kind.conflict, twice)
    row = await decide_appeal(rating_id, DecideAppeal(upheld=True), principal=CITY, **d)
    loop = fake(app).new_events()
    assert [type(e) for e in loop] == [
        CaseRated,
        RatingAnswered,
        RatingAppealed,
        RatingAppealDecided,
    ]
    decided = loop[-1]
    assert isinstance(decided, RatingAppealDecided) and decided.answer_by == CAL.deadline(NOW, 5).at
    assert row["status"] == "awaiting_answer" and row["appeal_upheld"] is True
    assert {e.stream_id for e in fake(app).published} == {"rating-c1"}


async def test_notifications_go_out_only_in_working_hours_and_once(app: App) -> None:
    queued = Notification(1, "SCJG", "【黄灯预警】办件 NO-1")
    views(app).notifications.append((queued, NOW - timedelta(hours=1)))
    evening = await tick(app, now=bj(2026, 9, 16, 20))
    assert (evening.cases, evening.notified) == (0, 0) and views(app).sent == {}
    morning = await tick(app, now=bj(2026, 9, 17, 9, 30))
    assert morning.notified == 1 and views(app).sent == {1: bj(2026, 9, 17, 9, 30)}
    assert isinstance(app.notifier, RecordingNotifier)
    assert app.notifier.sent == [("SCJG", "【黄灯预警】办件 NO-1")]
    assert (await tick(app, now=bj(2026, 9, 17, 10))).notified == 0
