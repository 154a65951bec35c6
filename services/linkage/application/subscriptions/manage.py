"""Subscribe, change, rotate the secret, pause or resume, and unsubscribe."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, StringConstraints, UrlConstraints

from libs.events.auth import Principal, Role
from libs.events.clock import Clock
from libs.events.contract import subscriptions as i
from libs.events.http import Code, RequestBody
from libs.events.registry import Event
from libs.events.uow import Transaction, UnitOfWork
from services.linkage.application.ports import LinkageViews, SubscriptionRow
from services.linkage.application.subscriptions.common import found_row, load, save
from services.linkage.config import Settings
from services.linkage.domain.subscriptions import (
    Subscription,
    personal_data_needs_admin,
    scoped_filters,
    stream_of,
    valid_secret,
)

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


def _filters(principal: Principal, given: FiltersIn) -> i.SubscriptionFilters:
    return scoped_filters(principal, i.SubscriptionFilters(**given.model_dump()))


async def create_subscription(
    cmd: CreateSubscription,
    *,
    uow: UnitOfWork[LinkageViews],
    clock: Clock,
    settings: Settings,
    principal: Principal,
) -> tuple[SubscriptionRow, str]:
    """Append `subscription.created`; the row and the secret (answered this once)."""
    personal_data_needs_admin(principal, cmd.scopes)
    owner = cmd.owner if cmd.owner and principal.role == Role.admin else principal.sub
    secret, now = valid_secret(cmd.secret), clock.now()
    sub = Subscription(stream_of(f"sub-{uuid.uuid4().hex[:16]}"))
    created = i.SubscriptionCreated(
        subscription_id=sub.id,
        owner=owner,
        center=principal.center or settings.center_code,
        callback_url=str(cmd.callback_url),
        filters=_filters(principal, cmd.filters),
        scopes=cmd.scopes,
        secret_id=f"key-{uuid.uuid4().hex[:12]}",
        created_at=now,
        created_by=principal.sub,
    )
    async with uow.begin() as tx:
        await tx.views.subscriptions.add_secret(sub.id, created.secret_id, secret, now=now)
        await save(tx, sub, [created], now=now)
        return await found_row(tx.views, sub.id), secret


async def change_subscription(
    subscription_id: str,
    cmd: ChangeSubscription,
    *,
    uow: UnitOfWork[LinkageViews],
    clock: Clock,
    settings: Settings,
    principal: Principal,
) -> SubscriptionRow:
    """Append what changed: the URL, filters or scopes, a secret rotation, a pause or resume."""
    now = clock.now()
    async with uow.begin() as tx:
        sub = await load(tx, subscription_id)
        sub.must_be_visible_to(principal)
        new: list[Event] = _changes(sub, cmd, principal=principal, now=now)
        if cmd.secret is not None:
            new.append(await _rotate(tx, sub, cmd.secret, settings, by=principal.sub, now=now))
        if cmd.status is not None:
            new.extend(sub.status_change(cmd.status, by=principal.sub, now=now))
        if any(isinstance(e, i.SubscriptionResumed) for e in new):
            await tx.views.deliveries.retry_now(sub.id, now=now)  # what waits goes at once
        await save(tx, sub, new, now=now)
        return await found_row(tx.views, sub.id)


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
    tx: Transaction[LinkageViews],
    sub: Subscription,
    secret: str,
    settings: Settings,
    *,
    by: str,
    now: datetime,
) -> Event:
    until = now + timedelta(seconds=settings.webhook_rotation_window_s)
    secret_id = f"key-{uuid.uuid4().hex[:12]}"
    await tx.views.subscriptions.add_secret(sub.id, secret_id, valid_secret(secret), now=now)
    await tx.views.subscriptions.expire_secret(sub.secret_id, at=until)
    return i.SubscriptionSecretRotated(
        **sub.base(),
        secret_id=secret_id,
        previous_secret_id=sub.secret_id,
        previous_valid_until=until,
        rotated_at=now,
        rotated_by=by,
    )


async def delete_subscription(
    subscription_id: str, *, uow: UnitOfWork[LinkageViews], clock: Clock, principal: Principal
) -> None:
    """Append `subscription.deleted`; its queued deliveries are never sent."""
    now = clock.now()
    async with uow.begin() as tx:
        sub = await load(tx, subscription_id)
        sub.must_be_visible_to(principal)
        deleted = i.SubscriptionDeleted(**sub.base(), deleted_at=now, deleted_by=principal.sub)
        await save(tx, sub, [deleted], now=now)
