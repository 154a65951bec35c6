"""The AsyncAPI 3.0 document of the event contract, generated from the registry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from libs.events.contract import contract_types
from libs.events.registry import CASE_EVENTS, SUPERVISION_EVENTS, Event, Registry, registry

HEADERS: dict[str, Any] = {
    "type": "object",
    "required": ["ce_id", "ce_type", "ce_source", "ce_specversion", "ce_subject", "ce_center"],
    "properties": {
        "ce_id": {"type": "string", "description": "unique event id (consumers dedupe on it)"},
        "ce_type": {"type": "string", "description": "onewindow.<family>.<event>.v<N>"},
        "ce_source": {"type": "string", "description": "/centers/<center>/<service>"},
        "ce_specversion": {"const": "1.0"},
        "ce_subject": {"type": "string", "description": "the aggregate id (case id); the key"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_center": {"type": "string", "description": "center code that holds the aggregate"},
        "ce_sequence": {"type": "string", "description": "aggregate version, as a decimal"},
        "ce_traceparent": {"type": "string", "description": "W3C trace context"},
        "content-type": {"const": "application/json"},
    },
}


@dataclass(frozen=True)
class Channel:
    """A topic beyond the contract's two (linkage's links), with the types it carries."""

    address: str
    description: str
    types: dict[str, type[Event]]
    headers: dict[str, Any] = field(default_factory=lambda: HEADERS)


def message(type_name: str, model: type[Event], headers: dict[str, Any]) -> dict[str, Any]:
    """One message of a channel: its type, summary, headers and payload schema."""
    return {
        "name": type_name,
        "title": type_name,
        "summary": (model.__doc__ or type_name).strip().splitlines()[0],
        "contentType": "application/json",
        "headers": headers,
        "payload": model.model_json_schema(mode="serialization"),
    }


def document(
    types: Mapping[str, type[Event]] | None = None,
    *,
    topics: Registry = registry,
    extra: Sequence[Channel] = (),
) -> dict[str, Any]:
    """AsyncAPI for the contract's types (or `types`), each on the topic its registration
    declares (and `extra`). A service's own events are not the contract: left out."""
    messages: dict[str, dict[str, Any]] = {CASE_EVENTS: {}, SUPERVISION_EVENTS: {}}
    for type_name, model in sorted((contract_types() if types is None else types).items()):
        channel = messages.setdefault(topics.topic_of(type_name) or CASE_EVENTS, {})
        channel[type_name.replace(".", "_")] = message(type_name, model, HEADERS)
    channels = {name: {"address": name, "messages": msgs} for name, msgs in messages.items()}
    for more in extra:
        channels[more.address] = {
            "address": more.address,
            "description": more.description,
            "messages": {
                type_name.replace(".", "_"): message(type_name, model, more.headers)
                for type_name, model in sorted(more.types.items())
            },
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "onewindow events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0, Kafka protocol binding, binary mode. Topic names "
            "take the deployment's KAFKA_TOPIC_PREFIX; unparseable records go to <topic>.dlq.",
        },
        "channels": channels,
    }
