"""Authorization matrix (OWASP API1 object level, API5 function level), generated: every
documented endpoint of each service × every role × own/other center × own/other department ×
own/other applicant. Each service holds data of center 350500, one department and the applicant
alice; a caller outside that scope must never read it nor change it, and a token of another
center is useless here: no write of it is accepted at all.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from sqlalchemy import select

from libs.events.auth import AuthSettings, Role, issue_dev_token
from libs.events.db import events
from tests.integration.approval.harness import accepted, publish, submitted
from tests.support.apps import SERVICES, App, running, service_settings
from tests.support.polling import eventually
from tests.support.services import bearer

pytestmark = pytest.mark.integration

HERE, ELSEWHERE = "350500", "350600"  # this node's center, and one outside its tree
DEPARTMENTS = {  # the seeded data's department, and another one
    "intake": ("SCJG", "GTJ"),
    "approval": ("land", "tax"),
    "supervision": ("SCJG", "GTJ"),
    "linkage": ("SCJG", "GTJ"),
}
# Roles bound to their department: another department's cases are not theirs.
DEPARTMENT_BOUND = {Role.clerk, Role.reviewer, Role.approver}
ENDLESS = {"/v1/stream"}  # Server-Sent Events: the stream test covers its scope
ALICE = "applicant-alice"


@dataclass(frozen=True)
class Caller:
    """One token of the matrix, and why it is outside the seeded data's scope ('' if not)."""

    role: Role
    center: str | None
    department: str | None
    sub: str
    outside: str

    def headers(self) -> dict[str, str]:
        return bearer(self.role, sub=self.sub, center=self.center, department=self.department)


def callers(service: str) -> list[Caller]:
    """Every role at both centers and in both departments; applicants alice and bob."""
    own, other = DEPARTMENTS[service]
    found = [
        Caller(Role.applicant, None, None, ALICE, ""),
        Caller(Role.applicant, None, None, "applicant-bob", "other applicant"),
    ]
    for role in Role:
        if role == Role.applicant:
            continue
        for center in (HERE, ELSEWHERE):
            for department in (own, other):
                outside = "other center" if center == ELSEWHERE else ""
                if not outside and department == other and role in DEPARTMENT_BOUND:
                    outside = "other department"
                sub = f"{role}-{center}-{department}"
                found.append(Caller(role, center, department, sub, outside))
    return found


@dataclass
class Seeded:
    """What a service holds of the scope under test: path values and the strings that mark it."""

    paths: dict[str, str]
    markers: set[str]
    streams: set[str]


async def seed_intake(svc: App) -> Seeded:
    from tests.integration.intake.harness import APPLICANT, ITEM

    admin = bearer("admin", sub="admin-1", center=HERE)
    put = await svc.http.put("/v1/catalog/items/SCJG-003", json=ITEM, headers=admin)
    assert put.status_code in (200, 201), put.text
    body = {"item_code": "SCJG-003", "applicant": APPLICANT, "materials": ["APP"]}
    alice = bearer("applicant", sub=ALICE, center=None)
    created = await svc.http.post("/v1/cases", json=body, headers=alice)
    assert created.status_code == 201, created.text
    case = created.json()
    return Seeded(
        {"case_id": case["case_id"], "case_no": case["case_no"], "code": "SCJG-003"},
        {case["case_id"], case["case_no"], APPLICANT["id_no"], APPLICANT["phone"]},
        {case["case_id"]},
    )


async def seed_approval(svc: App, settings: Any) -> Seeded:
    case_id = "case-matrix-1"
    await publish(settings, submitted(case_id), accepted(case_id))
    admin = bearer("admin", sub="admin-1", center=HERE)

    async def work() -> bool:
        found = await svc.http.get(f"/v1/cases/{case_id}", headers=admin)
        return found.status_code == 200

    await eventually(work)
    return Seeded(
        {"case_id": case_id, "code": "land", "person": "rev-a"},
        {case_id, f"{HERE}-{case_id}"},
        {case_id},
    )


async def seed_supervision(svc: App, settings: Any) -> Seeded:
    case_id = "case-matrix-2"
    await publish(settings, submitted(case_id), accepted(case_id, department="SCJG"))
    supervisor = bearer("supervisor", sub="sup-1", center=HERE)

    async def light() -> bool:
        found = await svc.http.get(f"/v1/cases/{case_id}/light", headers=supervisor)
        return found.status_code == 200

    await eventually(light)
    opinion = await svc.http.post(
        "/v1/opinions", json={"department": "SCJG", "text": "请说明情况"}, headers=supervisor
    )
    assert opinion.status_code == 201, opinion.text
    opinion_id = opinion.json()["opinion_id"]
    return Seeded(
        {"case_id": case_id, "opinion_id": opinion_id, "kind": "monthly"},
        {case_id, f"{HERE}-{case_id}", opinion_id},
        {case_id, opinion_id},
    )


async def seed_linkage(svc: App) -> Seeded:
    owner = bearer("integrator", sub="integrator-350500-SCJG", center=HERE, department="SCJG")
    created = await svc.http.post(
        "/v1/subscriptions", json={"callback_url": "http://127.0.0.1:9/hook"}, headers=owner
    )
    assert created.status_code == 201, created.text
    sub_id = created.json()["id"]
    return Seeded({"subscription_id": sub_id}, {sub_id}, {sub_id})


def bodies(seeded: Seeded) -> dict[tuple[str, str], Any]:
    """A body each write would take from a caller in scope (the rest get `{}`)."""
    case = seeded.paths.get("case_id", "")
    return {
        ("POST", "/v1/cases/{case_id}/supplements"): {"materials": ["LIC"]},
        ("POST", "/v1/cases/{case_id}/refuse"): {"reason": "材料不符合法定形式"},
        ("POST", "/v1/cases/{case_id}/promise/extend"): {"days": 3, "reason": "补正需时"},
        ("POST", "/v1/cases/{case_id}/review"): {"opinion": "approve", "comment": "齐全"},
        ("POST", "/v1/cases/{case_id}/decide"): {"decision": "approved"},
        ("POST", "/v1/cases/{case_id}/suspend"): {"procedure": "hearing", "reason": "听证"},
        ("POST", "/v1/cases/{case_id}/extend"): {"days": 2, "reason": "情况复杂"},
        ("POST", "/v1/cases/{case_id}/delegate"): {"to": "rev-b", "reason": "熟悉"},
        ("POST", "/v1/cases/{case_id}/transfer"): {"to": "rev-b", "reason": "熟悉"},
        ("POST", "/v1/cases/{case_id}/countersign"): {"approvers": ["app-b"], "reason": "会签"},
        ("PUT", "/v1/departments/{code}/posts"): {"posts": {"review": {"a": "x", "b": "y"}}},
        ("PUT", "/v1/departments/{code}/absences/{person}"): {"absent": True, "reason": "出差"},
        ("POST", "/v1/opinions"): {"department": "SCJG", "text": "越权意见"},
        ("POST", "/v1/opinions/{opinion_id}/answer"): {"answer": "已整改"},
        ("POST", "/v1/complaints"): {"case_id": case, "text": "投诉"},
        ("POST", "/v1/ratings"): {"case_id": case, "score": 1, "comment": "差"},
        ("PATCH", "/v1/subscriptions/{subscription_id}"): {"status": "paused"},
        ("POST", "/v1/subscriptions/{subscription_id}/replay"): {"from_time": "2026-01-01T00:00Z"},
    }


def concrete(template: str, seeded: Seeded) -> str:
    """The template's path to the seeded data (any other parameter gets a valid code)."""
    return re.sub(r"\{([^}]+)\}", lambda m: seeded.paths.get(m.group(1), "x1"), template)


async def last_position(svc: App) -> int:
    async with svc.runtime.engine.connect() as conn:
        found = await conn.execute(select(events.c.position).order_by(events.c.position.desc()))
        return int(found.scalars().first() or 0)


async def changed_since(svc: App, position: int, seeded: Seeded) -> list[str]:
    """Events appended after `position` to the seeded streams or by this center's data."""
    query = select(events.c.type, events.c.stream_id, events.c.center).where(
        events.c.position > position
    )
    async with svc.runtime.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [f"{r.type} on {r.stream_id}" for r in rows if r.stream_id in seeded.streams]


async def seed(service: str, svc: App, settings: Any) -> Seeded:
    if service == "intake":
        return await seed_intake(svc)
    if service == "approval":
        return await seed_approval(svc, settings)
    if service == "supervision":
        return await seed_supervision(svc, settings)
    return await seed_linkage(svc)


@pytest.mark.timeout(240)
@pytest.mark.parametrize("service", SERVICES)
async def test_no_endpoint_serves_or_changes_data_outside_the_callers_scope(
    service, databases, broker, tmp_path
) -> None:
    settings = await service_settings(service, databases, broker, tmp_path)
    async with running(service, settings) as svc:
        seeded = await seed(service, svc, settings)
        known = bodies(seeded)
        operations = [op for op in svc.operations() if op[1] not in ENDLESS]
        leaks: list[str] = []
        tried = seen_in_scope = 0
        for caller in callers(service):
            for method, template, _ in operations:
                if not caller.outside and method != "GET":
                    continue  # the seeded data stays as seeded: no background job acts on it
                path, body = concrete(template, seeded), known.get((method, template), {})
                where = f"{caller.role}@{caller.center}/{caller.department} {method} {template}"
                before = await last_position(svc)
                answer = await svc.http.request(method, path, json=body, headers=caller.headers())
                tried += 1
                assert answer.status_code < 500, (where, answer.text)
                shown = answer.is_success and any(m in answer.text for m in seeded.markers)
                if not caller.outside:
                    seen_in_scope += shown
                    continue
                if shown:
                    leaks.append(f"{where} ({caller.outside}) answered {answer.status_code}")
                if method != "GET" and caller.outside == "other center" and answer.is_success:
                    leaks.append(f"{where} accepted a write of another center's token")
                if method != "GET":
                    leaks += [f"{where}: {c}" for c in await changed_since(svc, before, seeded)]
        print(f"{service}: {tried} requests, {len(operations)} operations, {seen_in_scope} reads")
        assert seen_in_scope, "no caller in scope saw the seeded data: the seeding failed"
        assert not leaks, "\n".join(leaks)


def expired_token(**claims: Any) -> str:
    settings = AuthSettings()
    now = datetime.now(UTC)
    payload = {
        "sub": "clerk-1",
        "role": "clerk",
        "center": HERE,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now - timedelta(hours=2),
        "exp": now - timedelta(seconds=1),
        **claims,
    }
    return jwt.encode(payload, settings.onewindow_dev_secret, algorithm="HS256")


@pytest.mark.parametrize("service", SERVICES)
async def test_tokens_expire_and_carry_exp(service, databases, broker, tmp_path) -> None:
    fresh = issue_dev_token(sub="clerk-1", role="clerk", center=HERE)
    assert "exp" in jwt.decode(fresh, options={"verify_signature": False})
    without_exp = expired_token()
    claims = jwt.decode(without_exp, options={"verify_signature": False})
    del claims["exp"]
    no_exp = jwt.encode(claims, AuthSettings().onewindow_dev_secret, algorithm="HS256")
    settings = await service_settings(service, databases, broker, tmp_path)
    async with running(service, settings) as svc:
        guarded = [
            (method, template)
            for method, template, operation in svc.operations()
            if operation.get("security") and template not in ENDLESS
        ]
        assert guarded
        for method, template in guarded:
            for token, why in ((expired_token(), "expired"), (no_exp, "missing the 'exp'")):
                answer = await svc.http.request(
                    method,
                    concrete(template, Seeded({}, set(), set())),
                    json={},
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert answer.status_code == 401, (method, template, answer.text)
                assert why in json.loads(answer.text)["detail"], answer.text
