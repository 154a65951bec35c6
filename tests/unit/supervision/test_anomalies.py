"""Anomaly rules over a case's history, each with the evidence that proves it."""

from __future__ import annotations

import pytest

from libs.events import contract as s
from libs.events.registry import Event
from services.supervision.domain.anomalies import Thresholds, detect
from services.supervision.domain.facts import Happened, instant_of
from tests.unit.supervision.given import (
    CAL,
    accepted,
    bj,
    decided,
    notice,
    resumed,
    submitted,
    supplemented,
    suspended,
)

pytestmark = pytest.mark.unit
LIMITS = Thresholds(late_acceptance_days=5, long_pause_days=10, quick_decision_minutes=30)


def rules_broken(*timed: tuple[Event, object]) -> dict[str, dict[str, str]]:
    history = [Happened(e, instant_of(e, at)) for e, at in timed]  # type: ignore[arg-type]
    found = detect(history[:-1], history[-1], LIMITS, CAL)
    return {f.rule: f.evidence for f in found}


T = bj(2026, 9, 16)


def test_a_decision_with_no_acceptance_is_handled_outside_the_system() -> None:
    broken = rules_broken((submitted("c", T), T), (decided("c", bj(2026, 9, 18)), T))
    assert broken["DecisionWithoutAcceptance"]["decided_by"] == "approver-1"
    fine = rules_broken((accepted("c", T), T), (decided("c", bj(2026, 9, 18)), T))
    assert fine == {}


def test_acceptance_long_after_the_first_receipt_not_counting_supplement_waits() -> None:
    late = rules_broken((submitted("c", T), T), (accepted("c", bj(2026, 9, 29)), T))
    evidence = late["AcceptanceLongAfterReceipt"]
    assert evidence["working_days"] == "9" and evidence["waiting_days"] == "0"
    waited = rules_broken(
        (submitted("c", T, missing=("LAY",)), T),
        (supplemented("c", ("LAY",)), bj(2026, 9, 28, 9)),
        (accepted("c", bj(2026, 9, 29)), T),
    )
    assert waited == {}


def test_a_second_notice_naming_what_the_first_could_have_named() -> None:
    broken = rules_broken(
        (submitted("c", T, materials=("APP", "LIC"), missing=("LAY",)), T),
        (supplemented("c", ("LAY",)), T),
        (notice("c", ("LAY", "LIC"), 2), T),
    )
    # LAY was newly supplied and may be wrong; LIC was there to see the first time.
    assert broken["SecondNoticeNamesVisibleMaterial"]["should_have_named"] == "LIC"
    first_only = rules_broken((submitted("c", T), T), (notice("c", ("LAY",), 1), T))
    assert first_only == {}


def test_a_decision_by_someone_outside_the_department() -> None:
    broken = rules_broken(
        (accepted("c", T), T), (decided("c", bj(2026, 9, 18), department="GTJ"), T)
    )
    assert broken["DecidedOutsideDepartment"]["decider_department"] == "GTJ"


def test_a_decision_minutes_after_a_long_pause() -> None:
    acceptance = accepted("c", bj(2026, 8, 3), 10)
    pause = suspended("c", bj(2026, 8, 4, 10))
    resumption = resumed("c", bj(2026, 9, 1, 10), since=pause.suspended_at, before=acceptance)
    assert resumption.paused_working_days >= 10
    quick = decided("c", bj(2026, 9, 1, 10, 12))
    broken = rules_broken((acceptance, T), (pause, T), (resumption, T), (quick, T))
    assert broken["QuickDecisionAfterLongPause"]["minutes_after_resume"] == "12"
    slow = decided("c", bj(2026, 9, 2, 10))
    assert rules_broken((acceptance, T), (pause, T), (resumption, T), (slow, T)) == {}


def test_every_finding_names_the_department_for_scoping() -> None:
    broken = rules_broken((submitted("c", T), T), (decided("c", bj(2026, 9, 18)), T))
    assert all(e["department"] == "SCJG" for e in broken.values())
    assert isinstance(decided("c", T), s.CaseDecided)
