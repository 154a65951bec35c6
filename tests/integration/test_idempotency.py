"""Idempotency-Key on every mutating route of the four services (libs/events/idempotency.py).

One sweep proves that each route passes through the shared mechanism (a stored answer is
replayed, another body under the key is 422, a key still running is 409); then one route of
each service is retried for real and leaves exactly one event.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from libs.events import retries
from libs.events.auth import Principal, Role
from libs.events.clock import SHANGHAI
from libs.events.db import events
from libs.events.idempotency import caller_scope, fingerprint, idempotent_requests
from tests.integration.approval.harness import accepted, publish, submitted
from tests.support.apps import MUTATING, SERVICES, App, running, service_settings
from tests.support.polling import eventually
from tests.support.services import bearer

pytestmark = pytest.mark.integration

KEY = "Idempotency-Key"
ADMIN = Principal(sub="admin-1", role=Role.admin, center="350500")
ADMIN_HEADERS = bearer("admin", sub="admin-1", center="350500")
# Fewer mutating routes than this means the sweep lost some (a router left out of the app).
AT_LEAST = {"intake": 11, "approval": 20, "supervision": 10, "linkage": 4}


def concrete(template: str) -> str:
    """A path of the template: `{year}` a year, every other parameter a valid code."""
    return re.sub(r"\{[^}]+\}", lambda m: "2026" if m.group() == "{year}" else "x1", template)


async def remember(svc: App, key: str, method: str, path: str, *, answer: Any) -> None:
    """Store a key as the middleware would: finished with `answer`, or still running (None)."""
    row = {
        "scope": caller_scope(ADMIN),
        "key": key,
        "fingerprint": fingerprint(method, path, "", json.dumps({"probe": True}).encode()),
        "owner": "an-earlier-request",
        "created_at": datetime.now(UTC),
    }
    if answer is not None:
        headers = json.dumps([["content-type", "application/json"]]).encode()
        row |= {"status": 200, "headers": headers, "body": json.dumps(answer).encode()}
    async with svc.runtime.engine.begin() as conn:
        await conn.execute(insert(idempotent_requests).values(**row))


async def stored_events(svc: App) -> int:
    async with svc.runtime.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(events))).scalar_one())


@pytest.mark.parametrize("service", SERVICES)
async def test_every_mutating_route_honours_the_key(
    service, databases, broker, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(retries, "WAIT_FOR_FIRST_S", 0.2)
    settings = await service_settings(service, databases, broker, tmp_path)
    async with running(service, settings) as svc:
        routes = svc.operations(MUTATING)
        assert len(routes) >= AT_LEAST[service], [r[:2] for r in routes]
        before = await stored_events(svc)
        for n, (method, template, operation) in enumerate(routes):
            path, where = concrete(template), f"{method} {template}"
            parameters = operation.get("parameters", [])
            assert [p["in"] for p in parameters if p["name"] == KEY] == ["header"], where
            answer = {"replayed": where}
            await remember(svc, f"done-{n}", method, path, answer=answer)
            await remember(svc, f"busy-{n}", method, path, answer=None)

            async def call(key: str | bytes, body: dict[str, Any]) -> Any:
                headers = {**ADMIN_HEADERS, KEY: key}
                return await svc.http.request(method, path, json=body, headers=headers)  # noqa: B023

            replay = await call(f"done-{n}", {"probe": True})
            assert replay.status_code == 200 and replay.json() == answer, where
            assert replay.headers["Idempotency-Replayed"] == "true", where
            other = await call(f"done-{n}", {"probe": False})
            assert other.status_code == 422, (where, other.text)
            assert other.json()["rule"] == "IdempotencyKeyReused", where
            assert other.headers["content-type"] == "application/problem+json", where
            busy = await call(f"busy-{n}", {"probe": True})
            assert busy.status_code == 409 and busy.headers["Retry-After"] == "1", where
            assert busy.json()["rule"] == "IdempotencyKeyInFlight", where
            malformed = await call("键".encode() if n % 2 else "k" * 201, {"probe": True})
            assert malformed.status_code == 422, where
            assert malformed.json()["rule"] == "IdempotencyKeyFormat", where
        assert await stored_events(svc) == before  # no answer above ran a handler


async def twice(svc: App, method: str, path: str, body: dict[str, Any], headers: Any) -> Any:
    """The same request twice under one key, then once with another body under that key."""
    keyed = {**headers, KEY: f"retry-{svc.name}"}
    first = await svc.http.request(method, path, json=body, headers=keyed)
    assert first.status_code < 300, first.text
    again = await svc.http.request(method, path, json=body, headers=keyed)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["Idempotency-Replayed"] == "true"
    assert "Idempotency-Replayed" not in first.headers
    changed = await svc.http.request(method, path, json={**body, "x": 1}, headers=keyed)
    assert changed.status_code == 422 and changed.json()["rule"] == "IdempotencyKeyReused"
    return first.json()


async def test_intake_acceptance_retried_is_one_event(databases, broker, tmp_path) -> None:
    from tests.integration.intake.harness import APPLICANT, CLERK, ITEM

    settings = await service_settings("intake", databases, broker, tmp_path)
    async with running("intake", settings) as svc:
        put = await svc.http.put("/v1/catalog/items/SCJG-003", json=ITEM, headers=ADMIN_HEADERS)
        assert put.status_code in (200, 201), put.text
        body = {"item_code": "SCJG-003", "applicant": APPLICANT, "materials": ["APP", "LIC"]}
        case = (await svc.http.post("/v1/cases", json=body, headers=CLERK)).json()
        path = f"/v1/cases/{case['case_id']}/accept"
        soon = (datetime.now(SHANGHAI) + timedelta(days=3)).date().isoformat()
        accept = {"tolerated_missing": ["LAY", "HLT"], "supplement_by": soon}
        answer = await twice(svc, "POST", path, accept, CLERK)
        assert answer["status"] == "accepted"
        assert await svc.count("case.accepted") == 1


async def test_approval_review_retried_is_one_event(databases, broker, tmp_path) -> None:
    settings = await service_settings("approval", databases, broker, tmp_path)
    case_id, reviewer = "case-idem-1", bearer("reviewer", sub="rev-a", department="land")
    async with running("approval", settings) as svc:
        await publish(settings, submitted(case_id), accepted(case_id))

        async def work() -> bool:
            got = await svc.http.get(f"/v1/cases/{case_id}", headers=ADMIN_HEADERS)
            return got.status_code == 200

        await eventually(work)
        path = f"/v1/cases/{case_id}/review"
        await twice(svc, "POST", path, {"opinion": "approve", "comment": "齐全"}, reviewer)
        assert await svc.count("case.reviewed") == 1


async def test_supervision_opinion_retried_concurrently_is_one_event(
    databases, broker, tmp_path
) -> None:
    settings = await service_settings("supervision", databases, broker, tmp_path)
    supervisor = bearer("supervisor", sub="sup-1", center="350500")
    async with running("supervision", settings) as svc:
        body = {"department": "SCJG", "text": "请说明情况"}
        keyed = {**supervisor, KEY: "burst"}
        answers = await asyncio.gather(
            *[svc.http.post("/v1/opinions", json=body, headers=keyed) for _ in range(4)]
        )
        assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
        assert len({a.json()["opinion_id"] for a in answers}) == 1
        assert sum(a.headers.get("Idempotency-Replayed") == "true" for a in answers) == 3
        await twice(svc, "POST", "/v1/opinions", body, supervisor)
        assert await svc.count("opinion.issued") == 2  # the burst's one and the retried one


async def test_linkage_subscription_retried_is_one_event(databases, broker, tmp_path) -> None:
    settings = await service_settings("linkage", databases, broker, tmp_path)
    owner = bearer("integrator", sub="provincial-platform", center="350500")
    async with running("linkage", settings) as svc:
        body = {"callback_url": "http://127.0.0.1:9/hook"}
        created = await twice(svc, "POST", "/v1/subscriptions", body, owner)
        assert created["secret"]
        assert await svc.count("subscription.created") == 1
        other = bearer("integrator", sub="city-hotline", center="350500")
        theirs = await svc.http.post(
            "/v1/subscriptions", json=body, headers={**other, KEY: "retry-linkage"}
        )
        assert theirs.status_code == 201 and theirs.json()["id"] != created["id"]  # own scope
