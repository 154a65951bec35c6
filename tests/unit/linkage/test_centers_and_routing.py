"""Which events cross which link, and what a receiving center refuses."""

from __future__ import annotations

import pytest

from libs.events.envelope import Envelope
from services.linkage.domain.centers import below, next_hop_down, within
from services.linkage.domain.routing import (
    ClaimsAnotherOrigin,
    OnlyResultsComeDown,
    UnknownSender,
    check_from_child,
    check_from_parent,
    down_hop,
    goes_up,
)

pytestmark = pytest.mark.unit
CITY, COUNTY, TOWN = "350500", "350521", "350521100"


def event(name: str, source_center: str, *, center: str = "", service: str = "approval", **data):
    case_center = center or source_center
    return Envelope(
        type=f"onewindow.{name}.v1",
        source=f"/centers/{source_center}/{service}",
        subject="case-1",
        center=source_center,
        sequence=1,
        data={"case_id": "case-1", "center": case_center, **data},
    )


def test_division_codes_nest() -> None:
    assert within(COUNTY, CITY) and within(TOWN, COUNTY) and within(TOWN, CITY)
    assert not within("350600", CITY) and not within(CITY, COUNTY)
    assert below(TOWN, CITY) and not below(CITY, CITY)
    assert next_hop_down(CITY, TOWN) == COUNTY
    assert next_hop_down(COUNTY, TOWN) == TOWN
    assert next_hop_down("350000", TOWN) == CITY


def test_a_case_stream_produced_here_or_below_goes_up_and_nothing_else() -> None:
    assert goes_up(event("case.accepted", COUNTY), own=COUNTY, parent=CITY)
    assert goes_up(event("work.opened", TOWN), own=COUNTY, parent=CITY)  # relayed from below
    assert not goes_up(event("case.accepted", COUNTY), own=COUNTY, parent="")
    assert not goes_up(event("case.escalation_returned", CITY), own=COUNTY, parent=CITY)
    catalog = event("catalog.item_published", COUNTY).model_copy(update={"subject": "item-1"})
    assert not goes_up(catalog, own=COUNTY, parent=CITY)


def test_a_result_goes_down_towards_the_accepting_center_only() -> None:
    returned = event("case.escalation_returned", CITY, center=TOWN, from_center=CITY)
    assert down_hop(returned, own=CITY) == COUNTY
    assert down_hop(returned, own=COUNTY) == TOWN
    assert down_hop(returned, own=TOWN) is None
    assert down_hop(event("case.decided", CITY, center=COUNTY), own=CITY) is None


def test_a_child_speaks_for_itself_and_below_only() -> None:
    check_from_child(event("case.accepted", TOWN), sender=COUNTY, own=CITY)
    with pytest.raises(ClaimsAnotherOrigin):
        check_from_child(event("case.decided", CITY), sender=COUNTY, own=CITY)
    with pytest.raises(ClaimsAnotherOrigin):  # a county deciding a city case
        check_from_child(event("case.decided", COUNTY, center=CITY), sender=COUNTY, own=CITY)
    with pytest.raises(UnknownSender):  # a township may not skip its county
        check_from_child(event("case.accepted", TOWN), sender=TOWN, own=CITY)


def test_the_parent_sends_down_only_results_decided_above() -> None:
    returned = event("case.escalation_returned", CITY, center=COUNTY, from_center=CITY)
    check_from_parent(returned, sender=CITY, parent=CITY, own=COUNTY)
    with pytest.raises(UnknownSender):
        check_from_parent(returned, sender="350600", parent=CITY, own=COUNTY)
    with pytest.raises(OnlyResultsComeDown):
        check_from_parent(
            event("case.decided", CITY, center=COUNTY), sender=CITY, parent=CITY, own=COUNTY
        )
    forged = event("case.escalation_returned", CITY, center=COUNTY, from_center="350600")
    with pytest.raises(ClaimsAnotherOrigin):
        check_from_parent(forged, sender=CITY, parent=CITY, own=COUNTY)
