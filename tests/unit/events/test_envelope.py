"""The CloudEvents envelope and the event registry, without a broker."""

from __future__ import annotations

import pytest
from cloudevents.core.bindings import kafka
from cloudevents.core.v1.event import CloudEvent

from libs.events.contract import CaseWithdrawn
from libs.events.envelope import Envelope, UnparseableMessage, from_message, source_of, to_message
from libs.events.registry import Event, Registry, UnknownEventType

pytestmark = pytest.mark.unit


def envelope(**data: object) -> Envelope:
    return Envelope(
        type="onewindow.case.withdrawn.v1",
        source=source_of("350521", "intake"),
        subject="case-9",
        center="350521",
        sequence=4,
        data=dict(data),
    )


def test_binary_mode_round_trip_keeps_every_attribute() -> None:
    original = envelope(case_id="case-9", center="350521", withdrawn_at="2026-11-23T10:00:00+08:00")
    key, headers, value = to_message(original)
    assert key == b"case-9"
    names = {name for name, _ in headers}
    assert {
        "ce_id",
        "ce_type",
        "ce_source",
        "ce_subject",
        "ce_time",
        "ce_specversion",
        "ce_center",
        "ce_sequence",
        "ce_traceparent",
        "content-type",
    } <= names
    assert from_message(key, headers, value) == original
    assert original.family == "case" and original.name == "case.withdrawn"


@pytest.mark.parametrize("micros", [0, 123456])
def test_the_written_out_binding_equals_the_sdk_byte_for_byte(micros: int) -> None:
    original = envelope(case_id="case-9", note="受理", items=[1, 2])
    original = original.model_copy(update={"time": original.time.replace(microsecond=micros)})
    sdk = kafka.to_binary_event(
        CloudEvent(
            attributes={
                "id": original.id,
                "type": original.type,
                "source": original.source,
                "subject": original.subject,
                "time": original.time,
                "datacontenttype": "application/json",
                "center": original.center,
                "sequence": str(original.sequence),
                "traceparent": original.traceparent,
            },
            data=original.data,
        ),
        key_mapper=lambda _: original.subject,
    )
    key, headers, value = to_message(original)
    assert (key, dict(headers), value) == (sdk.key.encode(), dict(sdk.headers), sdk.value)


@pytest.mark.parametrize("micros", [0, 123456])
def test_the_written_out_parse_reads_what_the_sdk_reads(micros: int) -> None:
    original = envelope(case_id="case-9", note="受理")
    original = original.model_copy(update={"time": original.time.replace(microsecond=micros)})
    key, headers, value = to_message(original)
    sdk = kafka.from_binary_event(kafka.KafkaMessage(headers=dict(headers), key=key, value=value))
    parsed = from_message(key, headers, value)
    assert parsed == original
    assert (parsed.id, parsed.type, parsed.source, parsed.subject, parsed.time) == (
        sdk.get_id(),
        sdk.get_type(),
        sdk.get_source(),
        sdk.get_subject(),
        sdk.get_time(),
    )
    assert parsed.sequence == int(sdk.get_extension("sequence")) and parsed.data == sdk.get_data()


@pytest.mark.parametrize(
    "headers, value",
    [
        ([], b"{}"),
        ([("ce_type", b"x"), ("ce_id", b"1"), ("ce_specversion", b"1.0")], b"{}"),
        (None, b"not json"),
        (None, b"[1, 2]"),
        (
            [("ce_type", b"x"), ("ce_id", b"1"), ("ce_source", b"/s"), ("ce_specversion", b"0.3")],
            b"{}",
        ),
        (
            [("ce_type", b"x"), ("ce_id", b"1"), ("ce_source", b"/s"), ("ce_specversion", b"1.0")]
            + [("ce_time", b"yesterday")],
            b"{}",
        ),
    ],
)
def test_unparseable_records_are_refused_with_a_reason(headers, value) -> None:
    if headers is None:
        _, headers, _ = to_message(envelope())
    with pytest.raises(UnparseableMessage) as refused:
        from_message(b"k", headers, value)
    assert str(refused.value)


def test_registry_tolerates_newer_minor_versions_and_names_unknown_types() -> None:
    event = CaseWithdrawn.model_validate(
        {"case_id": "c", "center": "350500", "withdrawn_at": "2026-11-23T02:00:00Z", "new": 1}
    )
    assert event.model_extra == {"new": 1}
    types = Registry()
    with pytest.raises(UnknownEventType):
        types.load("onewindow.case.withdrawn.v1", {})
    with pytest.raises(ValueError, match="onewindow"):
        types.register("case.withdrawn", topic="case-events")(Event)
