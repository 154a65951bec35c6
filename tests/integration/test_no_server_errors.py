"""Fuzzing each service's own OpenAPI document (schemathesis), randomised on every run: valid
(positive) and invalid (negative) requests to every operation, the SSE stream included, with
tokens of several roles. No answer is a 5xx, each matches its documented status, media type
and schema, and bad input (malformed JSON, huge bodies, wrong types, odd unicode) is a 4xx
problem+json. A time budget per service keeps the whole under about 90 s.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Iterator
from importlib import import_module
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from libs.events.auth import issue_dev_token
from libs.events.broker import free_port
from tests.support.services import new_prefix, settings_for

pytestmark = [
    pytest.mark.integration,
    # schemathesis draws from `random` inside its strategies; Hypothesis deprecates that
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]

ROLES = {
    "intake": ("admin", "clerk", "applicant", "reviewer"),
    "approval": ("admin", "approver", "reviewer", "clerk"),
    "supervision": ("supervisor", "clerk", "applicant", "admin"),
    "linkage": ("admin", "integrator", "supervisor"),
}
BUDGET_S = 15.0  # per service, for the generated requests (the probes below are extra)
EXAMPLES = 5  # per operation and mode; the role is drawn at random for each operation
STREAM = "/v1/stream"  # Server-Sent Events: read until the headers, then hung up
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
PROBLEM = "application/problem+json"
# Bodies no operation takes: each must be a 4xx problem, never a 5xx or a success.
BAD_BODIES: list[tuple[str, bytes]] = [
    ("malformed JSON", b'{"item_code": "A", '),
    ("wrong type: a list", b"[1, 2, 3]"),
    ("wrong type: a string", b'"text"'),
    ("wrong type: a number", b"12"),
    ("invalid UTF-8", b'{"name": "\xff\xfe"}'),
    ("lone surrogate", b'{"name": "\\ud800"}'),
    ("NUL and controls", b'{"name": "a\\u0000b\\u001b"}'),
    ("deep nesting", b"[" * 5000 + b"]" * 5000),
    ("huge body", b'{"name": "' + b"x" * 1_100_000 + b'"}'),
]


@contextlib.contextmanager
def http_server(app: Any) -> Iterator[str]:
    """The app on a real port (its lifespan runs), in a thread of this process."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)  # uvicorn reports readiness by a flag only
    base = f"http://127.0.0.1:{port}"
    # Fuzz a ready service: a 503 from /readyz while the broker still connects is no bug.
    while time.monotonic() < deadline + 30 and not _ready(base):
        time.sleep(0.1)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)


def _ready(base: str) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    return False


def token_of(role: str) -> str:
    return issue_dev_token(sub=f"fuzz-{role}", role=role, center="350500", department="SCJG")


class Fuzz:
    """Generated requests to one service; failures are collected, not raised at once."""

    def __init__(self, service: str, base: str) -> None:
        self.service, self.base = service, base
        self.failures: dict[str, str] = {}
        self.sent = 0
        self.rng = random.Random()  # seeded by the OS: every run draws other roles

    def operation(self, operation: Any, mode: GenerationMode) -> None:
        role = self.rng.choice(ROLES[self.service])
        headers = {"Authorization": f"Bearer {token_of(role)}"}
        endless = operation.path == STREAM

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case: Any) -> None:
            self.sent += 1
            where = f"{mode.value} {role} {case.method} {case.formatted_path}"
            try:
                if endless:
                    self.stream(case, headers, where)
                    return
                response = case.call(headers=headers, timeout=10)
                case.validate_response(response, checks=CHECKS)
                self.problem_when_refused(response, where)
            except AssertionError as exc:
                self.failures.setdefault(where, str(exc)[:800])
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis: its own failures
                self.failures.setdefault(where, f"{type(exc).__name__}: {str(exc)[:800]}")

        # Blocking is fine: the server runs its own event loop in its thread. An operation
        # with nothing to get wrong (no parameters, no body) has no negative requests.
        with contextlib.suppress(Unsatisfiable):
            call()

    def stream(self, case: Any, headers: dict[str, str], where: str) -> None:
        """The SSE stream: its status and media type, then hang up (it never ends)."""
        kwargs = case.as_transport_kwargs(base_url=self.base, headers=headers)
        kwargs.pop("cookies", None)
        with httpx.stream(timeout=10, **kwargs) as response:
            assert response.status_code < 500, f"{where}: {response.status_code}"
            kind = response.headers.get("content-type", "")
            if response.is_success:
                assert kind.startswith("text/event-stream"), f"{where}: {kind}"
            else:
                assert kind == PROBLEM, f"{where}: {response.status_code} {kind}"

    def problem_when_refused(self, response: Any, where: str) -> None:
        if 400 <= response.status_code < 500:
            kind = response.headers.get("content-type", [""])
            kind = kind[0] if isinstance(kind, list) else kind  # schemathesis keeps lists
            assert kind == PROBLEM, f"{where}: {response.status_code} answered as {kind}"


def probe_bad_bodies(base: str, schema: Any, service: str) -> dict[str, str]:
    """Every operation that takes a body, sent each bad body: a 4xx problem+json each time."""
    failures: dict[str, str] = {}
    role = random.choice(ROLES[service])
    headers = {"Authorization": f"Bearer {token_of(role)}", "Content-Type": "application/json"}
    with httpx.Client(base_url=base, timeout=20) as client:
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.method.upper() not in {"POST", "PUT", "PATCH"}:
                continue
            path = operation.path.replace("{", "").replace("}", "")  # valid codes: `code`
            for name, body in BAD_BODIES:
                answer = client.request(operation.method, path, content=body, headers=headers)
                kind = answer.headers.get("content-type", "")
                if not (400 <= answer.status_code < 500 and kind == PROBLEM):
                    where = f"{name}: {role} {operation.method} {operation.path}"
                    failures[where] = f"{answer.status_code} {kind} {answer.text[:300]}"
    return failures


@pytest.mark.timeout(180)
@pytest.mark.parametrize("service", list(ROLES))
async def test_generated_requests_get_no_server_error_and_match_the_schema(
    service, broker, databases
) -> None:
    config = import_module(f"services.{service}.config")
    app = import_module(f"services.{service}.main").create(
        await settings_for(config.Settings, databases, broker, prefix=new_prefix())
    )
    with http_server(app) as base:
        schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        fuzz, started = Fuzz(service, base), time.monotonic()
        plan = [(op, mode) for op in operations for mode in GenerationMode]
        random.shuffle(plan)  # a budget cut short leaves other operations out each run
        done = 0
        for operation, mode in plan:
            if time.monotonic() - started > BUDGET_S:
                break
            fuzz.operation(operation, mode)
            done += 1
        probed = probe_bad_bodies(base, schema, service)
    took = time.monotonic() - started
    print(
        f"\n{service}: {fuzz.sent} generated requests to {done} of {len(plan)} operation×mode"
        f" pairs in {took:.1f} s; {len(BAD_BODIES)} bad bodies to every operation with a body"
    )
    assert done >= min(len(plan), 20), "the budget let too few operations be fuzzed"
    assert not fuzz.failures, fuzz.failures
    assert not probed, probed
