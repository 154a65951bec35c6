"""Generated requests from each service's own OpenAPI never get a 500 (schemathesis)."""

from __future__ import annotations

import contextlib
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

from libs.events.auth import issue_dev_token
from libs.events.broker import free_port
from tests.support.services import new_prefix, settings_for

pytestmark = [
    pytest.mark.integration,
    # schemathesis draws from `random` inside its strategies; Hypothesis deprecates that
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]

ROLES = {
    "intake": ("admin", "clerk", "applicant"),
    "approval": ("admin", "approver", "reviewer"),
    "supervision": ("supervisor", "clerk", "applicant"),
    "linkage": ("admin",),
}
ENDLESS = {"/v1/stream"}  # Server-Sent Events never end; the browser test covers the stream


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


def fuzz(operation: Any, role: str, failures: dict[str, str]) -> None:
    """A few generated requests to one operation as one role; 5xx answers are collected."""
    token = issue_dev_token(sub="fuzz", role=role, center="350500", department="SCJG")

    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def call(case: Any) -> None:
        response = case.call(headers={"Authorization": f"Bearer {token}"}, timeout=10)
        if response.status_code >= 500:
            failures.setdefault(f"{role} {case.method} {case.path}", response.text)

    call()  # blocking is fine: the server runs its own event loop in its thread


# Every operation of a service for each of its roles: approval alone has about thirty operations
# (projects included), minutes on a loaded 2-core machine; the session limit still bounds it.
@pytest.mark.timeout(600)
@pytest.mark.parametrize("service", list(ROLES))
async def test_no_generated_request_gets_a_server_error(service, broker, databases) -> None:
    config = import_module(f"services.{service}.config")
    app = import_module(f"services.{service}.main").create(
        await settings_for(config.Settings, databases, broker, prefix=new_prefix())
    )
    failures: dict[str, str] = {}
    with http_server(app) as base:
        schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
        for role in ROLES[service]:
            for result in schema.get_all_operations():
                operation = result.ok()
                if operation.path not in ENDLESS:
                    fuzz(operation, role, failures)
    assert not failures, failures
