"""The ASGI middleware of `Idempotency-Key`: a keyed mutating request of a verified caller is
run once under its claim (libs/events/idempotency.py); a retry gets the stored answer."""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from libs.events.auth import InvalidToken, Principal, auth_settings_of, decode_token
from libs.events.db import is_unavailable
from libs.events.idempotency import (
    HEADER,
    KEY_FORMAT,
    MUTATING,
    Claim,
    KeyInUse,
    Stored,
    caller_scope,
    current,
    fingerprint,
    recall,
    remember,
)

WAIT_FOR_FIRST_S = 10.0  # a retry of a request still running waits this long for its answer


class Idempotency:
    """ASGI middleware: keyed mutating requests of a verified caller are answered once."""

    def __init__(self, app: ASGIApp, *, engine: AsyncEngine) -> None:
        self.app = app
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        raw = headers.get(HEADER.lower().encode())
        if raw is None or scope["method"] not in MUTATING:
            await self.app(scope, receive, send)
            return
        key = raw.decode("latin-1")
        if not KEY_FORMAT.match(key):
            await send_problem(send, 422, _KEY_FORMAT_PROBLEM)
            return
        principal = _caller(scope, headers.get(b"authorization", b""))
        if principal is None:  # no verified caller, no scope: the route answers (401 or public)
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        query = scope.get("query_string", b"").decode("latin-1")
        found = Claim(
            caller_scope(principal), key, fingerprint(scope["method"], scope["path"], query, body)
        )
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            if await self._answered(found, tracked, wait=False):
                return
            await self._first(found, scope, body, receive, tracked)
        except Exception as exc:
            # The claim's own reads and writes meet a database outage outside the app's
            # handlers: answer it as they do (503, Retry-After), never a bare 500.
            if started or not is_unavailable(exc):
                raise
            await send_problem(send, 503, _UNAVAILABLE_PROBLEM, retry_after=2)

    async def _first(
        self, found: Claim, scope: Scope, body: bytes, receive: Receive, send: Send
    ) -> None:
        """Run the request under its claim; store its answer when the claim committed."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        token = current.set(found)
        try:
            await self.app(scope, _replay_body(body, receive), capture)
        except KeyInUse:
            if start:
                raise
            await self._answered(found, send, wait=True)
            return
        finally:
            current.reset(token)
            found.open = False  # a task the request started claims nothing after it
        if start:
            await remember(
                self.engine, found, start["status"], start.get("headers", []), b"".join(chunks)
            )

    async def _answered(self, found: Claim, send: Send, *, wait: bool) -> bool:
        """Answer from the store when the key is known: the stored answer, 422 for another
        request under the same key, 409 while the first one is still running."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_FOR_FIRST_S  # a first request still running: wait a while
        while True:
            stored = await recall(self.engine, found.scope, found.key)
            if stored is None and not wait:
                return False
            if stored is not None and stored.fingerprint != found.fingerprint:
                await send_problem(send, 422, _reused_problem(found.key))
                return True
            if stored is not None and stored.status is not None:
                await _send_stored(send, stored)
                return True
            if loop.time() >= deadline:
                await send_problem(send, 409, _in_flight_problem(found.key), retry_after=1)
                return True
            await asyncio.sleep(0.05)


def _caller(scope: Scope, authorization: bytes) -> Principal | None:
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return decode_token(token.strip(), auth_settings_of(scope.get("app")))
    except InvalidToken:
        return None


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay_body(body: bytes, receive: Receive) -> Receive:
    """The buffered body once, then the client's own messages (its disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _send_stored(send: Send, stored: Stored) -> None:
    headers = [
        *stored.headers,
        (b"content-length", b"%d" % len(stored.body)),
        (b"idempotency-replayed", b"true"),
    ]
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body})


_KEY_FORMAT_PROBLEM = {
    "detail": f"{HEADER} must be 1 to 200 visible ASCII characters",
    "detail_zh": f"{HEADER} 须为 1 至 200 个可见 ASCII 字符",
    "rule": "IdempotencyKeyFormat",
    "field": HEADER,
}


def _reused_problem(key: str) -> dict[str, str]:
    return {
        "detail": f"{HEADER} {key!r} was used with another request; use a new key for a new "
        "request",
        "detail_zh": f"同一个 {HEADER} 只能用于同一个请求内容",
        "rule": "IdempotencyKeyReused",
        "field": HEADER,
    }


_UNAVAILABLE_PROBLEM = {
    "detail": "the database is unreachable; retry",
    "detail_zh": "后台服务暂时不可用，请稍后重试",
}


def _in_flight_problem(key: str) -> dict[str, str]:
    return {
        "detail": f"the first request with {HEADER} {key!r} has not finished; retry shortly",
        "detail_zh": f"使用该 {HEADER} 的首个请求尚未完成，请稍后重试",
        "rule": "IdempotencyKeyInFlight",
        "field": HEADER,
    }


async def send_problem(
    send: Send, status: int, fields: dict[str, str], *, retry_after: int | None = None
) -> None:
    """A problem+json answer sent straight from a middleware."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, **fields}
    payload = json.dumps(body, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", b"%d" % len(payload)),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", b"%d" % retry_after))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
