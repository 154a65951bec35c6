"""The AsyncAPI 3.0 document of the event contract, generated from the registry."""

from __future__ import annotations

from typing import Any

from libs.events.kafka import CASE_EVENTS, SUPERVISION_EVENTS, KafkaSettings
from libs.events.registry import Registry, registry

HEADERS = {
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


def document(types: Registry = registry) -> dict[str, Any]:
    """AsyncAPI for every registered event type, by the topic it travels on."""
    topics = KafkaSettings()
    messages: dict[str, dict[str, Any]] = {CASE_EVENTS: {}, SUPERVISION_EVENTS: {}}
    for type_name, model in sorted(types.models().items()):
        channel = topics.topic_for(type_name)
        messages[channel][type_name.replace(".", "_")] = {
            "name": type_name,
            "title": type_name,
            "summary": (model.__doc__ or type_name).strip().splitlines()[0],
            "contentType": "application/json",
            "headers": HEADERS,
            "payload": model.model_json_schema(mode="serialization"),
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "onewindow events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0, Kafka protocol binding, binary mode. Topic names "
            "take the deployment's KAFKA_TOPIC_PREFIX; unparseable records go to <topic>.dlq.",
        },
        "channels": {name: {"address": name, "messages": msgs} for name, msgs in messages.items()},
    }
