"""The committed AsyncAPI document is the one the code generates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import services.approval.events
import services.supervision.events
from libs.events.registry import registry
from services.asyncapi import document
from services.linkage.domain.events import link_types

pytestmark = pytest.mark.unit
COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.json"


def test_committed_asyncapi_matches_the_registry() -> None:
    generated = json.loads(json.dumps(document(), ensure_ascii=False, sort_keys=True))
    assert json.loads(COMMITTED.read_text()) == generated, (
        "docs/asyncapi.json is stale: run `onewindow asyncapi > docs/asyncapi.json`"
    )


def test_every_contract_event_is_documented_on_its_topic() -> None:
    channels = document()["channels"]
    case = {m["name"] for m in channels["case-events"]["messages"].values()}
    supervision = {m["name"] for m in channels["supervision-events"]["messages"].values()}
    for name in (
        "submitted",
        "supplement_requested",
        "supplemented",
        "accepted",
        "refused",
        "withdrawn",
        "reviewed",
        "suspended",
        "resumed",
        "decided",
        "deemed_approved",
        "escalated",
        "escalation_received",
        "escalation_returned",
        "delivered",
    ):
        documented = [m for m in case if m.startswith(f"onewindow.case.{name}.v")]
        assert documented and registry.knows(f"onewindow.case.{name}.v1")  # v1 still upcasts
    for name in (
        "light.changed",
        "opinion.issued",
        "opinion.answered",
        "complaint.filed",
        "complaint.resolved",
        "anomaly.detected",
    ):
        assert f"onewindow.{name}.v1" in supervision


def test_every_event_that_crosses_a_link_is_documented_on_its_link_topic() -> None:
    channels = document()["channels"]
    up = {m["name"] for m in channels["link-up"]["messages"].values()}
    down = {m["name"] for m in channels["link-down"]["messages"].values()}
    assert set(link_types.models()) <= up  # heartbeats and acknowledgements
    for name in ("case.escalated.v2", "case.escalation_received.v1", "work.opened.v1"):
        assert f"onewindow.{name}" in up
    assert down == {"onewindow.case.escalation_returned.v1"}
    for channel in ("link-up", "link-down"):
        for message in channels[channel]["messages"].values():
            assert {"link_from", "link_signature"} <= set(message["headers"]["required"])
    # linkage's LinkDown alert is an anomaly.detected on supervision-events
    assert "onewindow.anomaly.detected.v1" in {
        m["name"] for m in channels["supervision-events"]["messages"].values()
    }


def test_a_services_own_events_are_not_the_contract() -> None:
    documented = {
        m["name"]
        for channel in document()["channels"].values()
        for m in channel["messages"].values()
    }
    own = [services.approval.events.DepartmentPostsNamed, services.supervision.events.CaseRated]
    assert {model.TYPE for model in own}.isdisjoint(documented)
    assert all(registry.knows(model.TYPE) for model in own)  # registered where imported
