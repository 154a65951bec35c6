"""Idempotency-Key on every mutating request: one answer per caller and key.

The key's claim is written in the transaction of the request's first change (the event store
append, through `Runtime.transaction`), so a crash never keeps the events without the claim
or the claim without the events. The answer is stored once the request finishes; a retry with
the same body gets it again (`Idempotency-Replayed: true`), one with another body 422.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    delete,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from libs.events.auth import InvalidToken, Principal, auth_settings_of, decode_token
from libs.events.db import is_postgres, is_unavailable, metadata

HEADER = "Idempotency-Key"
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII, as header values travel
WAIT_FOR_FIRST_S = 10.0  # a retry of a request still running waits this long for its answer
STALE_HEADERS = frozenset({b"content-length", b"date", b"server"})

idempotent_requests = Table(
    "idempotent_requests",
    metadata,
    Column("scope", String(400), primary_key=True),  # the caller: one caller's keys are its own
    Column("key", String(200), primary_key=True),
    Column("fingerprint", String(64), nullable=False),  # method, path, query and body
    Column("owner", String(32), nullable=False),  # the request that claimed it
    Column("status", Integer),  # NULL while the first request runs
    Column("headers", LargeBinary),
    Column("body", LargeBinary),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_idempotent_requests_created_at", "created_at"),  # retention deletes by age
)


@dataclass
class Claim:
    """This request's key; `owner` tells its claim row from another request's."""

    scope: str
    key: str
    fingerprint: str
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)
    open: bool = True


_current: ContextVar[Claim | None] = ContextVar("idempotency_claim", default=None)


class KeyInUse(Exception):
    """Another request with the same caller and key committed its claim first."""


async def claim(conn: AsyncConnection) -> None:
    """Write the current request's claim in this transaction (the event store calls it with
    every append: the first one writes the row, later ones find it theirs)."""
    found = _current.get()
    if found is None or not found.open:
        return
    t = idempotent_requests
    row = {"scope": found.scope, "key": found.key, "fingerprint": found.fingerprint}
    insert_ = pg_insert if is_postgres(conn) else sqlite_insert
    written = await conn.execute(
        insert_(t)
        .values(**row, owner=found.owner, created_at=_now())
        .on_conflict_do_nothing(index_elements=["scope", "key"])
    )
    if written.rowcount:
        return
    owner = select(t.c.owner).where(t.c.scope == found.scope, t.c.key == found.key)
    if (await conn.execute(owner)).scalar_one_or_none() != found.owner:
        raise KeyInUse(found.key)


async def answer(conn: AsyncConnection, status: int, body: Any) -> None:
    """Store the answer in the claim's own transaction, for a handler whose answer is known
    before it commits: a crash right after the commit still leaves the retry its answer."""
    found = _current.get()
    if found is not None and found.open:
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = [(b"content-type", b"application/json")]
        await _store(conn, found, status, headers, payload)


def caller_scope(principal: Principal) -> str:
    """Whose keys these are: the center, department, role and subject of a verified token."""
    return (
        f"{principal.center or '-'}/{principal.department or '-'}/{principal.role}/{principal.sub}"
    )


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """A stable hash of a request: JSON bodies compare by content, not by spacing or order."""
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256(f"{method} {path}?{query}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


async def forget(engine: AsyncEngine, *, older_than: timedelta) -> int:
    """Delete keys older than the retention: a retry after that is a new request."""
    cutoff = _now() - older_than
    async with engine.begin() as conn:
        result = await conn.execute(
            delete(idempotent_requests).where(idempotent_requests.c.created_at < cutoff)
        )
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class Stored:
    """A remembered request: its fingerprint and, once finished, its answer."""

    fingerprint: str
    status: int | None
    headers: list[tuple[bytes, bytes]]
    body: bytes


async def recall(engine: AsyncEngine, scope: str, key: str) -> Stored | None:
    """What is stored for a caller's key, if anything."""
    t = idempotent_requests
    query = select(t.c.fingerprint, t.c.status, t.c.headers, t.c.body).where(
        t.c.scope == scope, t.c.key == key
    )
    async with engine.connect() as conn:
        row = (await conn.execute(query)).first()
    if row is None:
        return None
    headers = [
        (k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(row.headers or b"[]")
    ]
    return Stored(row.fingerprint, row.status, headers, row.body or b"")


async def remember(
    engine: AsyncEngine, found: Claim, status: int, headers: Any, body: bytes
) -> None:
    """Store the answer of a request, when its claim committed (else no row is its own)."""
    async with engine.begin() as conn:
        await _store(conn, found, status, headers, body)


async def _store(
    conn: AsyncConnection, found: Claim, status: int, headers: Any, body: bytes
) -> None:
    kept = [
        [k.decode("latin-1"), v.decode("latin-1")] for k, v in headers if k not in STALE_HEADERS
    ]
    t = idempotent_requests
    await conn.execute(
        update(t)
        .where(t.c.scope == found.scope, t.c.key == found.key, t.c.owner == found.owner)
        .values(status=status, headers=json.dumps(kept).encode(), body=body)
    )


def _now() -> datetime:
    return datetime.now(UTC)


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

        token = _current.set(found)
        try:
            await self.app(scope, _replay_body(body, receive), capture)
        except KeyInUse:
            if start:
                raise
            await self._answered(found, send, wait=True)
            return
        finally:
            _current.reset(token)
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
