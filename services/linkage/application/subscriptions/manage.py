"""Subscribe, change, rotate the secret, pause or resume, and unsubscribe."""

from __future__ import annotations

import base64
import binascii
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AnyHttpUrl, Field, StringConstraints, UrlConstraints
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from libs.events.auth import Principal, Role
from libs.events.contract import subscriptions as i
from libs.events.http import Code, RequestBody, RuleViolation
from libs.events.registry import Event
from libs.events.runtime import Runtime
from services.linkage.adapters.webhook_tables import deliveries, subscriptions
from services.linkage.application.subscriptions.store import (
    add_secret,
    expire_secret,
    load_subscription,
    read_row,
    save_subscription,
)
from services.linkage.config import Settings
from services.linkage.domain.subscriptions import (
    Subscription,
    may_see,
    personal_data_needs_admin,
    scoped_filters,
    stream_of,
)

SECRET_PREFIX = "whsec_"
CallbackUrl = Annotated[AnyHttpUrl, UrlConstraints(max_length=2000)]
Pattern = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class FiltersIn(RequestBody):
    """Filters of a subscription; each list is optional and empty means every value."""

    types: list[Pattern] = Field(default=[], max_length=50, examples=[["onewindow.case.*"]])
    centers: list[Code] = Field(default=[], max_length=200)
    departments: list[Code] = Field(default=[], max_length=200)
    items: list[Code] = Field(default=[], max_length=500)


class CreateSubscription(RequestBody):
    """`secret` is `whsec_` + base64 of 24 to 64 random bytes; omitted, one is generated."""

    callback_url: CallbackUrl
    secret: str | None = Field(
        default=None, max_length=200, examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]
    )
    filters: FiltersIn = FiltersIn()
    scopes: list[Literal["personal_data"]] = []
    owner: str | None = Field(
        default=None, min_length=1, max_length=200, description="admin only: whom it is for"
    )


class ChangeSubscription(RequestBody):
    """Fields to change; a new `secret` starts a rotation, `status` pauses or resumes."""

    callback_url: CallbackUrl | None = None
    secret: str | None = Field(default=None, max_length=200)
    filters: FiltersIn | None = None
    scopes: list[Literal["personal_data"]] | None = None
    status: Literal["active", "paused"] | None = None


def valid_secret(secret: str | None) -> str:
    """SecretIsStandardWebhooksKey: `whsec_` + base64 of 24..64 bytes (or a fresh one)."""
    if secret is None:
        return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
    try:
        raw = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not 24 <= len(raw) <= 64:
        raise RuleViolation(
            "SecretIsStandardWebhooksKey",
            "secret 须为 whsec_ 加 24 至 64 字节随机数的 base64 编码（Standard Webhooks 规范）",
            field="secret",
            detail_zh="secret 须为 Standard Webhooks 规范的 whsec_ 密钥",
        )
    return secret if secret.startswith(SECRET_PREFIX) else SECRET_PREFIX + secret


def _filters(principal: Principal, given: FiltersIn) -> i.SubscriptionFilters:
    return scoped_filters(principal, i.SubscriptionFilters(**given.model_dump()))


async def create_subscription(
    cmd: CreateSubscription, *, runtime: Runtime, principal: Principal
) -> dict[str, Any]:
    """Append `subscription.created`; the answer carries the secret this once."""
    personal_data_needs_admin(principal, cmd.scopes)
    owner = cmd.owner if cmd.owner and principal.role == Role.admin else principal.sub
    secret, now = valid_secret(cmd.secret), runtime.clock.now()
    sub = Subscription(stream_of(f"sub-{uuid.uuid4().hex[:16]}"))
    created = i.SubscriptionCreated(
        subscription_id=sub.id,
        owner=owner,
        center=principal.center or runtime.settings.center_code,
        callback_url=str(cmd.callback_url),
        filters=_filters(principal, cmd.filters),
        scopes=cmd.scopes,
        secret_id=f"key-{uuid.uuid4().hex[:12]}",
        created_at=now,
        created_by=principal.sub,
    )
    async with runtime.transaction() as conn:
        await add_secret(conn, sub.id, created.secret_id, secret, now=now)
        await save_subscription(runtime.store, conn, sub, [created], now=now)
        row = await find_row(conn, sub.id)
    return {**row, "secret": secret}


async def change_subscription(
    subscription_id: str,
    cmd: ChangeSubscription,
    *,
    runtime: Runtime,
    settings: Settings,
    principal: Principal,
) -> dict[str, Any]:
    """Append what changed: the URL, filters or scopes, a secret rotation, a pause or resume."""
    now = runtime.clock.now()
    async with runtime.transaction() as conn:
        sub = await load_subscription(runtime.store, conn, subscription_id)
        sub.must_be_visible_to(principal)
        new: list[Event] = _changes(sub, cmd, principal=principal, now=now)
        if cmd.secret is not None:
            new.append(await _rotate(conn, sub, cmd.secret, settings, by=principal.sub, now=now))
        if cmd.status is not None:
            new.extend(sub.status_change(cmd.status, by=principal.sub, now=now))
        if any(isinstance(e, i.SubscriptionResumed) for e in new):
            await retry_now(conn, sub.id, now=now)
        await save_subscription(runtime.store, conn, sub, new, now=now)
        return await find_row(conn, sub.id)


def _changes(
    sub: Subscription, cmd: ChangeSubscription, *, principal: Principal, now: datetime
) -> list[Event]:
    if cmd.callback_url is None and cmd.filters is None and cmd.scopes is None:
        return []
    if cmd.scopes is not None:
        personal_data_needs_admin(principal, cmd.scopes)
    return [
        i.SubscriptionChanged(
            **sub.base(),
            callback_url=str(cmd.callback_url) if cmd.callback_url else None,
            filters=_filters(principal, cmd.filters) if cmd.filters else None,
            scopes=cmd.scopes,
            changed_at=now,
            changed_by=principal.sub,
        )
    ]


async def _rotate(
    conn: AsyncConnection,
    sub: Subscription,
    secret: str,
    settings: Settings,
    *,
    by: str,
    now: datetime,
) -> Event:
    until = now + timedelta(seconds=settings.webhook_rotation_window_s)
    secret_id = f"key-{uuid.uuid4().hex[:12]}"
    await add_secret(conn, sub.id, secret_id, valid_secret(secret), now=now)
    await expire_secret(conn, sub.secret_id, at=until)
    return i.SubscriptionSecretRotated(
        **sub.base(),
        secret_id=secret_id,
        previous_secret_id=sub.secret_id,
        previous_valid_until=until,
        rotated_at=now,
        rotated_by=by,
    )


async def retry_now(conn: AsyncConnection, subscription_id: str, *, now: datetime) -> None:
    """On resume, what waits for a back-off goes at once, oldest first."""
    await conn.execute(
        update(deliveries)
        .where(deliveries.c.subscription_id == subscription_id, deliveries.c.status == "pending")
        .values(next_attempt_at=now)
    )


async def delete_subscription(
    subscription_id: str, *, runtime: Runtime, principal: Principal
) -> None:
    """Append `subscription.deleted`; its queued deliveries are never sent."""
    now = runtime.clock.now()
    async with runtime.transaction() as conn:
        sub = await load_subscription(runtime.store, conn, subscription_id)
        sub.must_be_visible_to(principal)
        deleted = i.SubscriptionDeleted(**sub.base(), deleted_at=now, deleted_by=principal.sub)
        await save_subscription(runtime.store, conn, sub, [deleted], now=now)


async def get_subscription(
    subscription_id: str, *, runtime: Runtime, principal: Principal
) -> dict[str, Any]:
    """One subscription the caller may see."""
    async with runtime.engine.connect() as conn:
        sub = await load_subscription(runtime.store, conn, subscription_id)
        sub.must_be_visible_to(principal)
        return await find_row(conn, subscription_id)


async def list_subscriptions(*, runtime: Runtime, principal: Principal) -> list[dict[str, Any]]:
    """The caller's subscriptions (an administrator: every one of its center and below)."""
    query = select(subscriptions).where(subscriptions.c.status != "deleted")
    if principal.role != Role.admin:
        query = query.where(subscriptions.c.owner == principal.sub)
    async with runtime.engine.connect() as conn:
        rows = (await conn.execute(query.order_by(subscriptions.c.created_at))).mappings().all()
    return [
        read_row(r)
        for r in rows
        if may_see(principal, owner=r["owner"], center=r["center"], status=r["status"])
    ]


async def find_row(conn: AsyncConnection, subscription_id: str) -> dict[str, Any]:
    """The projection row of a subscription, as the API shows it."""
    row = (
        (await conn.execute(select(subscriptions).where(subscriptions.c.id == subscription_id)))
        .mappings()
        .one()
    )
    return read_row(row)
