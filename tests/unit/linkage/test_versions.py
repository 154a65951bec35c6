"""An older major version crossing a link is upcast on receipt."""

from __future__ import annotations

import pytest

from libs.events.contract import CaseEscalated
from libs.events.envelope import Envelope
from libs.events.registry import registry
from services.linkage.application.receive import upcast
from services.linkage.domain.events import LinkHeartbeat, link_types

pytestmark = pytest.mark.unit
V1 = {
    "case_id": "c1",
    "center": "350521",
    "to_center": "350500",
    "escalated_at": "2026-03-02T02:00:00+00:00",
    "applicant_name": "王五",
}


def test_a_v1_escalation_becomes_v2_with_the_applicant_masked() -> None:
    event = registry.load("onewindow.case.escalated.v1", V1)
    assert isinstance(event, CaseEscalated) and event.TYPE == "onewindow.case.escalated.v2"
    assert event.applicant is not None and event.applicant.name == "王*"
    assert event.materials == [] and "applicant_name" not in event.model_dump()
    env = Envelope(
        type="onewindow.case.escalated.v1",
        source="/centers/350521/approval",
        subject="c1",
        center="350521",
        sequence=4,
        data=V1,
    )
    newer = upcast(env, event)
    assert (newer.type, newer.id, newer.sequence) == ("onewindow.case.escalated.v2", env.id, 4)
    assert newer.data["applicant"]["name"] == "王*"


def test_link_events_stay_out_of_the_contract_registry() -> None:
    assert not registry.knows(LinkHeartbeat.TYPE)
    beat = {"center": "350521", "parent": "350500", "sent_at": "2026-03-02T02:00:00+00:00"}
    assert isinstance(link_types.load(LinkHeartbeat.TYPE, beat), LinkHeartbeat)
    assert isinstance(link_types.load("onewindow.case.escalated.v1", V1), CaseEscalated)
