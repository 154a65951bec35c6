"""Every request body of the four services refuses unknown fields (a typo is never dropped)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

pytestmark = pytest.mark.unit
SERVICES = ("intake", "approval", "supervision", "linkage")


def _openapi(service: str, tmp_path: Any) -> dict[str, Any]:
    main = importlib.import_module(f"services.{service}.main")
    config = importlib.import_module(f"services.{service}.config")
    settings = config.Settings(database_url=f"sqlite:///{tmp_path}/{service}.db")
    spec: dict[str, Any] = main.create(settings).openapi()
    return spec


def _objects(schema: dict[str, Any], components: dict[str, Any], seen: set[str]) -> list[str]:
    """Names of the object schemas reachable from `schema` that allow unknown properties."""
    open_ones: list[str] = []
    if ref := schema.get("$ref"):
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        target = components[name]
        if target.get("type") == "object" and target.get("additionalProperties") is not False:
            open_ones.append(name)
        return open_ones + _objects(target, components, seen)
    for value in schema.values():
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, dict):
                open_ones += _objects(child, components, seen)
    return open_ones


@pytest.mark.parametrize("service", SERVICES)
def test_every_request_body_forbids_unknown_fields(service: str, tmp_path: Any) -> None:
    spec = _openapi(service, tmp_path)
    components = spec.get("components", {}).get("schemas", {})
    bodies = [
        (path, content["schema"])
        for path, operations in spec["paths"].items()
        for operation in operations.values()
        for content in operation.get("requestBody", {}).get("content", {}).values()
    ]
    open_ones = {
        (path, name) for path, schema in bodies for name in _objects(schema, components, set())
    }
    assert open_ones == set()
