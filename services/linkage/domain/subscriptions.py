"""An integrator's webhook subscription: folded from its events, with its rules.

Statuses: `active` -> `failing` (deliveries keep failing; alert raised) -> `paused` (by request
or after failing too long) -> `active` again on resume; `deleted` is final.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from libs.events.aggregate import Aggregate
from libs.events.contract import subscriptions as i
from libs.events.registry import Event
from services.linkage.domain.centers import within
from services.linkage.domain.rules import (
    PersonalDataScopeGrantedByAdmin,
    SecretIsStandardWebhooksKey,
    StatusIsActiveOrPaused,
    SubscriptionExists,
    SubscriptionWithinCallerScope,
)

Status = str  # active | failing | paused | deleted
ADMIN = "admin"


class Principal(Protocol):
    """The caller as the rules see it (`libs.events.auth.Principal` is one)."""

    @property
    def sub(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def center(self) -> str | None: ...
    @property
    def department(self) -> str | None: ...


CHANGEABLE_STATUSES = ("active", "paused")
SECRET_PREFIX = "whsec_"


def stream_of(subscription_id: str) -> str:
    """The event stream of one subscription."""
    return f"subscription-{subscription_id}"


@dataclass(frozen=True)
class EventFacts:
    """What filters look at: the event's type and the case's center, department and item."""

    type: str
    center: str
    department: str
    item: str


def matches(filters: i.SubscriptionFilters, facts: EventFacts) -> bool:
    """Whether an event passes every axis the filters name."""
    if filters.types and not any(fnmatch.fnmatchcase(facts.type, t) for t in filters.types):
        return False
    if filters.centers and not any(within(facts.center, c) for c in filters.centers):
        return False
    if filters.departments and facts.department not in filters.departments:
        return False
    return not filters.items or facts.item in filters.items


def scoped_filters(principal: Principal, filters: i.SubscriptionFilters) -> i.SubscriptionFilters:
    """SubscriptionWithinCallerScope: an integrator's filters stay within its center (and its
    department when its token names one); missing axes default to them."""
    centers, departments = list(filters.centers), list(filters.departments)
    if principal.center:
        outside = [c for c in centers if not within(c, principal.center)]
        if outside:
            raise SubscriptionWithinCallerScope(
                f"中心 {', '.join(outside)} 不在调用方中心 {principal.center} 的范围内"
            )
        centers = centers or [principal.center]
    if principal.department:
        if any(d != principal.department for d in departments):
            raise SubscriptionWithinCallerScope(f"只能订阅本部门 {principal.department} 的事件")
        departments = [principal.department]
    return filters.model_copy(update={"centers": centers, "departments": departments})


def personal_data_needs_admin(principal: Principal, scopes: Sequence[str]) -> None:
    """PersonalDataScopeGrantedByAdmin: only an administrator grants unmasked personal data."""
    if "personal_data" in scopes and principal.role != ADMIN:
        raise PersonalDataScopeGrantedByAdmin()


def valid_secret(secret: str | None) -> str:
    """SecretIsStandardWebhooksKey: `whsec_` + base64 of 24..64 bytes (or a fresh one)."""
    if secret is None:
        return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
    try:
        raw = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not 24 <= len(raw) <= 64:
        raise SecretIsStandardWebhooksKey()
    return secret if secret.startswith(SECRET_PREFIX) else SECRET_PREFIX + secret


def may_see(principal: Principal, *, owner: str, center: str, status: str) -> bool:
    """An integrator sees its own subscriptions; an administrator those of its center and below."""
    if not status or status == "deleted":
        return False
    if principal.role == ADMIN:
        return principal.center is None or within(center, principal.center)
    return owner == principal.sub


class Subscription(Aggregate):
    """One subscription's state as its events leave it."""

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.id = stream_id.removeprefix("subscription-")
        self.owner = self.center = self.callback_url = ""
        self.filters = i.SubscriptionFilters()
        self.scopes: list[str] = []
        self.status: Status = ""
        self.secret_id = ""
        self.failing_since: datetime | None = None

    def when(self, event: Event) -> None:
        """Fold one subscription event."""
        match event:
            case i.SubscriptionCreated():
                self.owner, self.center = event.owner, event.center
                self.callback_url, self.filters = event.callback_url, event.filters
                self.scopes, self.secret_id, self.status = (
                    list(event.scopes),
                    event.secret_id,
                    "active",
                )
            case i.SubscriptionChanged():
                self.callback_url = event.callback_url or self.callback_url
                self.filters = event.filters or self.filters
                self.scopes = list(event.scopes) if event.scopes is not None else self.scopes
            case i.SubscriptionSecretRotated():
                self.secret_id = event.secret_id
            case i.SubscriptionFailing():
                self.status, self.failing_since = "failing", event.since
            case i.SubscriptionRecovered() | i.SubscriptionResumed():
                self.status, self.failing_since = "active", None
            case i.SubscriptionPaused():
                self.status = "paused"
            case i.SubscriptionDeleted():
                self.status = "deleted"

    def visible_to(self, principal: Principal) -> bool:
        """Whether the caller may see this subscription."""
        return may_see(principal, owner=self.owner, center=self.center, status=self.status)

    def must_be_visible_to(self, principal: Principal) -> None:
        """404 for a subscription the caller may not see (its existence is not disclosed)."""
        if not self.visible_to(principal):
            raise SubscriptionExists(self.id)

    def base(self) -> dict[str, str]:
        """The fields every event of this subscription carries."""
        return {"subscription_id": self.id, "owner": self.owner, "center": self.center}

    def status_change(self, wanted: str, *, by: str, now: datetime) -> list[Event]:
        """PATCH status: `paused` stops deliveries, `active` resumes them (also after failing)."""
        if wanted not in CHANGEABLE_STATUSES:
            raise StatusIsActiveOrPaused(wanted)
        if wanted == "paused" and self.status != "paused":
            return [
                i.SubscriptionPaused(**self.base(), reason="requested", paused_at=now, paused_by=by)
            ]
        if wanted == "active" and self.status in ("paused", "failing"):
            return [i.SubscriptionResumed(**self.base(), resumed_at=now, resumed_by=by)]
        return []

    def after_failure(
        self,
        *,
        first_failure: datetime,
        failures: int,
        error: str,
        now: datetime,
        failing_after: timedelta,
        pause_after: timedelta,
    ) -> list[Event]:
        """KeepsFailing: failing after `failing_after` without a success; paused after
        `pause_after` more (its deliveries wait for a resume)."""
        if self.status == "active" and now - first_failure >= failing_after:
            return [
                i.SubscriptionFailing(
                    **self.base(),
                    callback_url=self.callback_url,
                    since=first_failure,
                    failures=failures,
                    last_error=error[:500],
                    pause_at=now + pause_after,
                )
            ]
        if (
            self.status == "failing"
            and self.failing_since
            and now - self.failing_since >= (failing_after + pause_after)
        ):
            return [
                i.SubscriptionPaused(
                    **self.base(), reason="kept_failing", paused_at=now, paused_by="linkage"
                )
            ]
        return []

    def after_success(self, *, now: datetime) -> list[Event]:
        """A delivery got through: a failing subscription has recovered."""
        if self.status == "failing":
            return [i.SubscriptionRecovered(**self.base(), recovered_at=now)]
        return []
