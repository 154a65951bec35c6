"""Mass assignment and resource abuse (OWASP API3, API4) over every operation of the four
services: server-owned fields sent in a body are refused (422 naming the field), lists are
paged with a capped page size."""

from __future__ import annotations

import importlib
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from libs.events.auth import Role
from libs.events.paging import MAX_PAGE
from tests.support.services import bearer

pytestmark = pytest.mark.unit
SERVICES = ("intake", "approval", "supervision", "linkage")
# What only the server sets: the stream's version, states, ids, who and when.
SERVER_OWNED = {
    "version": 7,
    "sequence": 7,
    "status": "approved",
    "center": "350600",
    "id": "x-1",
    "event_id": "e-1",
    "case_no": "35050020260101000001",
    "submitted_by": "someone-else",
    "decided_by": "someone-else",
    "created_at": "2026-01-01T00:00:00+08:00",
}
# Fields a body does declare, because the caller chooses them, and what guards each.
DECLARED = {
    ("POST", "/v1/opinions", "center"): "the supervised center: SupervisionWithinScope",
    ("POST", "/v1/complaints", "center"): "the center complained about, checked by scope",
    ("POST", "/v1/notices", "center"): "the center notified: SupervisionWithinScope",
    ("PATCH", "/v1/subscriptions/{subscription_id}", "status"): "pause or resume, the owner's",
}
# Lists that are not paged, each bounded by configuration rather than by traffic.
UNPAGED = {
    ("intake", "/v1/catalog/items"): "the catalogue's items",
    ("intake", "/v1/catalog/items/{code}/versions"): "one item's versions",
    ("approval", "/v1/seals/keys"): "one key per department",
    ("supervision", "/v1/stats/trend"): "one row per day of a bounded period",
    ("supervision", "/v1/ranking"): "one row per department",
    ("supervision", "/v1/projects/stats"): "one row per project series",
    ("linkage", "/v1/links"): "one row per linked center and direction",
}


def app_of(service: str, tmp_path: Any) -> FastAPI:
    main = importlib.import_module(f"services.{service}.main")
    config = importlib.import_module(f"services.{service}.config")
    app: FastAPI = main.create(config.Settings(database_url=f"sqlite:///{tmp_path}/{service}.db"))
    return app


def writes(spec: dict[str, Any]) -> list[tuple[str, str, set[str]]]:
    """(method, path, declared body properties) of every operation that takes a JSON body."""
    components = spec["components"]["schemas"]
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
            if ref:
                props = set(components[ref.rsplit("/", 1)[-1]].get("properties", {}))
                found.append((method.upper(), path, props))
    return found


@pytest.mark.parametrize("service", SERVICES)
async def test_server_owned_fields_in_a_body_are_refused(service: str, tmp_path: Any) -> None:
    app = app_of(service, tmp_path)
    operations = writes(app.openapi())
    assert operations
    refused = 0
    transport = httpx.ASGITransport(app=app)  # validation answers before any handler runs
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        for method, template, declared in operations:
            path = template.replace("{", "").replace("}", "")
            for name in SERVER_OWNED.keys() & declared:
                assert (method, template, name) in DECLARED, f"{method} {template} takes {name}"
            for role in Role:  # the first role the route lets through to its body
                headers = bearer(role, sub=f"{role}-1", department="SCJG")
                body = {k: v for k, v in SERVER_OWNED.items() if k not in declared}
                answer = await http.request(method, path, json=body, headers=headers)
                if answer.status_code not in (401, 403):
                    break
            assert answer.status_code == 422, (method, template, answer.text)
            unknown = {
                e["field"] for e in answer.json()["errors"] if e["rule"] == "extra_forbidden"
            }
            assert unknown == body.keys(), (method, template, unknown)
            refused += 1
    print(f"\n{service}: {refused} bodies refused each of {len(SERVER_OWNED)} server-owned fields")


@pytest.mark.parametrize("service", SERVICES)
async def test_every_list_is_paged_with_a_capped_size(service: str, tmp_path: Any) -> None:
    app = app_of(service, tmp_path)
    lists = []
    for path, item in app.openapi()["paths"].items():
        get = item.get("get", {})
        schema = get.get("responses", {}).get("200", {}).get("content", {})
        if schema.get("application/json", {}).get("schema", {}).get("type") == "array":
            limits = [p for p in get.get("parameters", []) if p["name"] == "limit"]
            if not limits:
                assert (service, path) in UNPAGED, f"{path} lists without a page size"
                continue
            assert limits[0]["schema"]["maximum"] == MAX_PAGE, path
            lists.append(path)
    transport = httpx.ASGITransport(app=app)
    headers = bearer("admin", sub="admin-1")
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        for path in lists:
            concrete = path.replace("{", "").replace("}", "")
            answer = await http.get(concrete, params={"limit": MAX_PAGE + 1}, headers=headers)
            assert answer.status_code == 422, (path, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
            assert [e["field"] for e in answer.json()["errors"]] == ["query.limit"], path
