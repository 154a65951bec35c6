"""Scope of principals, the window ranking, the closed loops' lights and rules."""

from __future__ import annotations

import pytest

from libs.events.auth import Principal, Role
from libs.events.rules import Rule
from services.supervision.application.scope import scope_of
from services.supervision.config import Center, Settings
from services.supervision.domain.followups import (
    appeal_once,
    appeal_only_after_an_answer,
    loop_light,
    only_completed_cases_are_rated,
    rating_must_be_in_range,
)
from services.supervision.domain.ranking import Window, rank
from services.supervision.domain.stats import Figures
from tests.unit.supervision.given import CAL, bj

pytestmark = pytest.mark.unit

TREE = Settings(
    center_code="350500",
    centers={
        "350521": Center(name="晋江市政务服务中心", parent="350500"),
        "350521101": Center(name="安海镇便民服务中心", parent="350521"),
        "350600": Center(name="漳州市政务服务中心"),
    },
).center_tree()


def test_a_supervisor_sees_their_center_and_every_center_below_it() -> None:
    city = scope_of(Principal(sub="s", role=Role.supervisor, center="350500"), TREE)
    assert city.centers == {"350500", "350521", "350521101"}
    county = scope_of(Principal(sub="s", role=Role.supervisor, center="350521"), TREE)
    assert county.allows("350521101", "SCJG") and not county.allows("350500", "SCJG")
    assert TREE.name("350521101") == "安海镇便民服务中心" and TREE.name("X") == "X"


def test_department_staff_see_their_own_department_only_and_applicants_nothing() -> None:
    clerk = scope_of(Principal(sub="c", role=Role.clerk, center="350521", department="SCJG"), TREE)
    assert clerk.allows("350521", "SCJG") and not clerk.allows("350521", "GTJ")
    assert not clerk.allows("350521101", "SCJG")
    nobody = scope_of(Principal(sub="a", role=Role.applicant), TREE)
    assert nobody.centers == frozenset()


def test_narrowing_never_widens() -> None:
    clerk = scope_of(Principal(sub="c", role=Role.clerk, center="350521", department="SCJG"), TREE)
    assert clerk.narrowed(None, "GTJ", TREE).department == "SCJG"
    city = scope_of(Principal(sub="s", role=Role.supervisor, center="350500"), TREE)
    assert city.narrowed("350521", None, TREE).centers == {"350521", "350521101"}
    assert city.narrowed("350600", None, TREE).centers == frozenset()


def test_the_ranking_weighs_on_time_rate_ratings_complaints_and_anomalies() -> None:
    good = Figures(accepted=10, completed=10, on_time=10)
    fair = Figures(accepted=10, completed=10, on_time=9)
    windows = [
        Window("350500", "A", fair, scores=(5, 5)),  # 60*0.9 + 40*1.0 = 94
        Window("350500", "B", good, scores=(1, 5)),  # 60 + 20 = 80
        Window("350500", "C", good, open_complaints=1, anomalies=1),  # 100 - 4 = 96
        Window("350500", "D", Figures()),  # accepted nothing: listed last, unranked
    ]
    ranked = [(position, w.department, w.score) for position, w in rank(windows)]
    assert ranked == [(1, "C", 96.0), (2, "A", 94.0), (3, "B", 80.0), (None, "D", None)]


def test_a_loop_has_a_light_of_its_own_frozen_once_answered() -> None:
    opened, due = bj(2026, 9, 16), bj(2026, 9, 22, 23, 59, 59)
    assert (
        loop_light(
            opened_at=opened, answer_by=due, answered_at=None, now=bj(2026, 9, 17), calendar=CAL
        ).color
        == "green"
    )
    assert (
        loop_light(
            opened_at=opened, answer_by=due, answered_at=None, now=bj(2026, 9, 23), calendar=CAL
        ).color
        == "red"
    )
    answered = loop_light(
        opened_at=opened,
        answer_by=due,
        answered_at=bj(2026, 9, 18),
        now=bj(2026, 10, 30),
        calendar=CAL,
    )
    assert answered.color == "green" and answered.remaining > 0


def test_rating_rules_name_themselves() -> None:
    for breach, rule in (
        (lambda: rating_must_be_in_range(6), "RatingBetweenOneAndFive"),
        (lambda: only_completed_cases_are_rated("accepted", False), "OnlyCompletedCasesAreRated"),
        (lambda: appeal_once(True), "AppealOnce"),
        (lambda: appeal_only_after_an_answer("awaiting_answer"), "AppealOnlyAfterAnswer"),
    ):
        with pytest.raises(Rule) as caught:
            breach()
        assert caught.value.rule == rule
