"""Each event type declares its topic; the Kafka settings route by that declaration."""

from __future__ import annotations

import pytest

import libs.events.contract as contract
import services.supervision.events as supervision
from libs.events.kafka import KafkaSettings
from libs.events.registry import CASE_EVENTS, Event, Passthrough, Registry, UnknownEventType

pytestmark = pytest.mark.unit


def test_a_type_goes_to_the_topic_its_registration_declares() -> None:
    kafka = KafkaSettings(kafka_topic_prefix="350500.")
    assert kafka.topic_for(contract.CaseAccepted.TYPE) == "350500.case-events"
    assert kafka.topic_for(contract.LightChanged.TYPE) == "350500.supervision-events"
    assert kafka.topic_for(supervision.CaseRated.TYPE) == "350500.supervision-events"
    assert kafka.topic_for(contract.subscriptions.SubscriptionFailing.TYPE).endswith(
        "supervision-events"
    )
    assert kafka.topic_for("onewindow.case.escalated.v1") == "350500.case-events"  # upcast


def test_a_type_this_process_does_not_know_goes_to_case_events() -> None:
    # linkage republishes another center's case streams, whatever types they hold
    assert KafkaSettings().topic_for("onewindow.light.dimmed.v1") == "case-events"


def test_passthrough_reads_unknown_types_as_bare_events() -> None:
    known = Registry()

    @known.register("onewindow.case.pinged.v1", topic=CASE_EVENTS)
    class Pinged(Event):
        n: int

    with pytest.raises(UnknownEventType):
        known.load("onewindow.department.posts_named.v1", {"center": "350500"})
    forwarding = Passthrough(known)
    assert isinstance(forwarding.load("onewindow.case.pinged.v1", {"n": 1}), Pinged)
    other = forwarding.load("onewindow.department.posts_named.v1", {"center": "350500"})
    assert type(other) is Event and other.model_extra == {"center": "350500"}
