"""授权到位: what the window clerk decides alone, and on which day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from libs.events.contract import CaseDecided
from libs.events.http import STATUS_OF
from services.approval.domain.decisions import decide, review
from services.approval.domain.department import DEFAULT_WINDOW_DECIDES
from services.approval.domain.rules import WindowDecidesSameDay, WindowMustBeAuthorized
from tests.unit.approval.builders import (
    APPROVER,
    AT,
    CLERK,
    REVIEWER,
    accepted,
    authorized,
    department,
    opened,
    posts,
    then,
)

pytestmark = pytest.mark.unit


def test_by_default_the_window_decides_immediate_supplement_and_returned_cases() -> None:
    assert set(DEFAULT_WINDOW_DECIDES) == {"immediate", "supplement", "returned"}
    assert department().window_may_decide("immediate")
    assert not department().window_may_decide("promised")


def test_an_authorized_clerk_decides_an_immediate_case_the_same_day() -> None:
    case = opened(accepted("immediate"))
    assert (case.step, case.facts.window_decides) == ("window", True)
    [event] = then(case, decide(case, CLERK, decision="approved", reasons="当场办结", now=AT))
    assert isinstance(event, CaseDecided) and event.decided_by == "clerk-1"


def test_the_window_post_holds_an_immediate_case() -> None:
    staff = department(posts(window=("clerk-1", "clerk-2")))
    assert opened(accepted("immediate"), staff=staff).assignee == "clerk-1"


def test_not_on_a_later_day() -> None:
    case = opened(accepted("immediate"))
    with pytest.raises(WindowDecidesSameDay):
        decide(case, CLERK, decision="approved", reasons="", now=AT + timedelta(days=1))


def test_a_window_case_can_still_go_to_review_and_then_the_clerk_is_out() -> None:
    case = opened(accepted("immediate"))
    then(case, review(case, REVIEWER, opinion="approve", comment="", staff=department(), now=AT))
    with pytest.raises(WindowMustBeAuthorized):
        decide(case, CLERK, decision="approved", reasons="", now=AT)
    assert decide(case, APPROVER, decision="approved", reasons="", now=AT)


def test_an_unauthorized_window_sends_immediate_cases_to_review() -> None:
    staff = department(authorized("supplement", "returned"))
    case = opened(accepted("immediate"), staff=staff)
    assert (case.step, case.facts.window_decides) == ("review", False)
    with pytest.raises(WindowMustBeAuthorized) as refused:
        decide(case, CLERK, decision="approved", reasons="", now=AT)
    assert STATUS_OF[refused.value.kind] == 403


def test_the_clerk_never_decides_a_promised_case() -> None:
    with pytest.raises(WindowMustBeAuthorized):
        decide(opened(), CLERK, decision="approved", reasons="", now=AT)
