"""What every service's OpenAPI document states besides its routes: errors are problem+json
(RFC 9457) and every write takes an Idempotency-Key."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from libs.events.idempotency import HEADER, KEY_FORMAT, MUTATING

PROBLEM = "application/problem+json"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "detail_zh": {"type": "string"},
        "detail_en": {"type": "string"},
        "rule": {"type": "string"},
        "field": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}
PROBLEM_RESPONSE = {
    "description": "a problem document (RFC 9457): `detail`, `detail_zh`, often `rule`, `field`",
    "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
KEY_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "retry-safe key: the first answer to this caller's key is every retry's "
    "answer (Idempotency-Replayed: true); another request under the same key is 422",
    "schema": {"type": "string", "pattern": KEY_FORMAT.pattern, "maxLength": 200},
}


def document(app: FastAPI) -> None:
    """Add problem responses (every 4xx) and the Idempotency-Key header (every write)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for item in schema.get("paths", {}).values():
            for method, operation in item.items():
                _problems(operation.setdefault("responses", {}))
                if method.upper() in MUTATING:
                    operation.setdefault("parameters", []).append(KEY_PARAMETER)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _problems(responses: dict[str, Any]) -> None:
    for code in [c for c in responses if c.startswith("4")]:
        responses[code] = {**PROBLEM_RESPONSE, "description": responses[code]["description"]}
    responses.setdefault("4XX", PROBLEM_RESPONSE)
