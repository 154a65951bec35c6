"""A load generator: clients run cases through submit, accept, review and decide, retrying
whatever was not answered (a killed service, an outage) until its effect is there.

A retry is safe: every step carries its own `Idempotency-Key` and a retry sends the same one
(a replayed answer is counted). Only when a process died after its commit but before its answer
was stored does the key stay unanswered (409 in flight): then the client reads the case's state
and stops when the step already took effect. Every 2xx is noted, so the checks at the end
can prove none of them was lost.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.chaos.node import Node
from tests.support.services import bearer

ITEM_CODE = "CHAOS-001"
ITEM = {
    "name": "食品经营许可",
    "department": "SCJG",
    "kind": "promised",
    "legal_limit_days": 20,
    "promised_limit_days": 10,
    "materials": [{"code": "APP", "name": "申请书", "required": True, "key": True}],
    "deemed_approval": False,
    "online": True,
}
APPLICANT = {
    "name": "张三",
    "id_type": "resident",
    "id_no": "11010519491231002X",
    "phone": "13800138000",
}
CLERK = bearer("clerk", sub="clerk-1")
REVIEWER = bearer("reviewer", sub="rev-1", department="SCJG")
APPROVER = bearer("approver", sub="app-1", department="SCJG")
UNAVAILABLE = (502, 503, 504)


@dataclass
class Figures:
    """What the clients saw."""

    answered: Counter[str] = field(default_factory=Counter)  # 2xx per step
    statuses: Counter[int] = field(default_factory=Counter)  # every non-2xx status
    unanswered: int = 0  # connection refused or reset
    timeouts: int = 0
    retries: int = 0
    replayed: int = 0  # answers that an Idempotency-Key replayed
    without_retry_after: int = 0  # 503s missing the header
    server_errors: list[str] = field(default_factory=list)  # 500s: always a defect
    slowest: float = 0.0  # the longest single request, seconds
    cases: dict[str, str] = field(default_factory=dict)  # case_id -> case_no, when answered


class Client:
    """One client: an HTTP connection pool and the shared figures."""

    def __init__(self, node: Node, figures: Figures, *, timeout: float) -> None:
        self.node = node
        self.figures = figures
        self.http = httpx.AsyncClient(timeout=timeout)

    async def request(
        self, method: str, service: str, path: str, **kwargs: Any
    ) -> httpx.Response | None:
        """One attempt; None when there was no answer (the service is away)."""
        started = time.monotonic()
        try:
            response = await self.http.request(method, self.node.url(service, path), **kwargs)
        except httpx.TimeoutException:
            self.figures.timeouts += 1  # a hang: no answer within the client's timeout
            return None
        except httpx.TransportError:
            self.figures.unanswered += 1
            return None
        finally:
            self.figures.slowest = max(self.figures.slowest, time.monotonic() - started)
        if response.headers.get("idempotency-replayed") == "true":
            self.figures.replayed += 1
        if response.status_code >= 300:
            self.figures.statuses[response.status_code] += 1
        if response.status_code == 503 and "retry-after" not in response.headers:
            self.figures.without_retry_after += 1
        if response.status_code >= 500 and response.status_code not in UNAVAILABLE:
            self.figures.server_errors.append(f"{method} {service}{path}: {response.text[:300]}")
        return response

    async def until_done(
        self,
        step: str,
        attempt: Callable[[], Awaitable[httpx.Response | None]],
        took_effect: Callable[[], Awaitable[bool]],
        *,
        deadline: float,
    ) -> httpx.Response | None:
        """Attempt until answered 2xx, or until the state shows an earlier attempt took effect."""
        delay = 0.1
        while True:
            response = await attempt()
            if response is not None and response.is_success:
                self.figures.answered[step] += 1
                return response
            if await took_effect():
                return None
            if time.monotonic() > deadline:
                last = (
                    "no answer" if response is None else f"{response.status_code} {response.text}"
                )
                raise AssertionError(f"{step} never took effect: {last[:500]}")
            self.figures.retries += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    async def state(self, service: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
        """The resource's JSON, or {} when it is not there or not answered."""
        response = await self.request("GET", service, path, headers=headers)
        if response is None or response.status_code != 200:
            return {}
        body: dict[str, Any] = response.json()
        return body

    async def run_case(self, index: int, *, deadline: float) -> None:
        """Submit, accept, review and decide one case."""
        key = {"Idempotency-Key": f"{self.node.prefix}case-{index}"}

        def keyed(headers: dict[str, str], step: str) -> dict[str, str]:
            return {**headers, "Idempotency-Key": f"{self.node.prefix}case-{index}-{step}"}

        body = {
            "item_code": ITEM_CODE,
            "applicant": APPLICANT,
            "materials": ["APP"],
            "channel": "window",
        }

        async def never() -> bool:
            return False  # a submission is retried under its key until answered

        submitted = await self.until_done(
            "submit",
            lambda: self.request(
                "POST", "intake", "/v1/cases", json=body, headers={**CLERK, **key}
            ),
            never,
            deadline=deadline,
        )
        assert submitted is not None
        case_id = submitted.json()["case_id"]
        self.figures.cases[case_id] = submitted.json()["case_no"]
        path = f"/v1/cases/{case_id}"

        async def accepted() -> bool:
            return (await self.state("intake", path, CLERK)).get("status") == "accepted"

        await self.until_done(
            "accept",
            lambda: self.request(
                "POST", "intake", path + "/accept", json={}, headers=keyed(CLERK, "accept")
            ),
            accepted,
            deadline=deadline,
        )

        async def at_step(step: str) -> bool:
            return (await self.state("approval", path, REVIEWER)).get("step") == step

        async def reviewed() -> bool:
            return bool((await self.state("approval", path, REVIEWER)).get("reviews"))

        while not await at_step("review") and not await reviewed():  # the work is opened
            if time.monotonic() > deadline:
                raise AssertionError(f"approval never opened work for {case_id}")
            await asyncio.sleep(0.5)  # each look loads the case from its events
        review = {"opinion": "approve", "comment": "材料齐全"}
        await self.until_done(
            "review",
            lambda: self.request(
                "POST", "approval", path + "/review", json=review, headers=keyed(REVIEWER, "review")
            ),
            reviewed,
            deadline=deadline,
        )

        async def decided() -> bool:
            return bool((await self.state("approval", path, APPROVER)).get("decision"))

        decision = {"decision": "approved", "reasons": "符合法定条件"}
        await self.until_done(
            "decide",
            lambda: self.request(
                "POST",
                "approval",
                path + "/decide",
                json=decision,
                headers=keyed(APPROVER, "decide"),
            ),
            decided,
            deadline=deadline,
        )

    async def close(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()


async def publish_item(node: Node) -> None:
    """The catalogue item every case is for, and the wait until approval knows it."""
    async with httpx.AsyncClient(timeout=10) as http:
        put = await http.put(
            node.url("intake", f"/v1/catalog/items/{ITEM_CODE}"),
            json=ITEM,
            headers=bearer("admin"),
        )
        assert put.status_code in (200, 201), put.text


async def run_load(
    node: Node, *, cases: int, clients: int, per_case: float, figures: Figures
) -> float:
    """Run `cases` cases through `clients` concurrent clients; returns the seconds it took."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(cases):
        queue.put_nowait(index)
    started = time.monotonic()
    # Cases queue behind each other: the deadline is for the whole run, scaled with the work.
    budget = 180 + per_case * cases

    async def work() -> None:
        client = Client(node, figures, timeout=30)
        try:
            while not queue.empty():
                index = queue.get_nowait()
                await client.run_case(index, deadline=started + budget)
        finally:
            await client.close()

    await asyncio.gather(*(work() for _ in range(clients)))
    return time.monotonic() - started
