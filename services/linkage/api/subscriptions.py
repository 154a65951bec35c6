"""Integrators' webhook subscriptions: subscribe, change, replay, read the delivery log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request, Response

from libs.events.auth import Principal, Role, require
from libs.events.instants import BeijingRoute
from libs.events.runtime import Runtime
from services.linkage.api.subscription_schemas import (
    CaseEventDelivery,
    DeliveryLog,
    ReplayQueued,
    SubscriptionCreated,
    SubscriptionRead,
)
from services.linkage.application.subscriptions import manage
from services.linkage.application.subscriptions.manage import (
    ChangeSubscription,
    CreateSubscription,
)
from services.linkage.application.subscriptions.replay import Replay, Status, delivery_log, replay
from services.linkage.config import Settings

router = APIRouter(route_class=BeijingRoute, prefix="/v1/subscriptions", tags=["subscriptions"])
Integrator = Annotated[Principal, Depends(require(Role.integrator, Role.admin))]
Id = Annotated[str, Path(max_length=64, description="the subscription id")]


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


def _settings(runtime: RuntimeDep) -> Settings:
    assert isinstance(runtime.settings, Settings)
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(_settings)]


@router.post("", status_code=201, response_model=SubscriptionCreated)
async def subscribe(
    body: CreateSubscription, runtime: RuntimeDep, principal: Integrator
) -> dict[str, Any]:
    """Subscribe a callback URL to case events (the secret is answered this once)."""
    return await manage.create_subscription(body, runtime=runtime, principal=principal)


@router.get("", response_model=list[SubscriptionRead])
async def list_subscriptions(runtime: RuntimeDep, principal: Integrator) -> list[dict[str, Any]]:
    """The caller's subscriptions (an administrator sees those of its center and below)."""
    return await manage.list_subscriptions(runtime=runtime, principal=principal)


@router.get("/{subscription_id}", response_model=SubscriptionRead)
async def get_subscription(
    subscription_id: Id, runtime: RuntimeDep, principal: Integrator
) -> dict[str, Any]:
    """One subscription."""
    return await manage.get_subscription(subscription_id, runtime=runtime, principal=principal)


@router.patch("/{subscription_id}", response_model=SubscriptionRead)
async def change_subscription(
    subscription_id: Id,
    body: ChangeSubscription,
    runtime: RuntimeDep,
    settings: SettingsDep,
    principal: Integrator,
) -> dict[str, Any]:
    """Change the URL, filters or scopes; rotate the secret; pause or resume (`status`)."""
    return await manage.change_subscription(
        subscription_id, body, runtime=runtime, settings=settings, principal=principal
    )


@router.delete("/{subscription_id}", status_code=204)
async def unsubscribe(subscription_id: Id, runtime: RuntimeDep, principal: Integrator) -> Response:
    """End the subscription; nothing more is delivered to it."""
    await manage.delete_subscription(subscription_id, runtime=runtime, principal=principal)
    return Response(status_code=204)


@router.post("/{subscription_id}/replay", status_code=202, response_model=ReplayQueued)
async def replay_events(
    subscription_id: Id, body: Replay, runtime: RuntimeDep, principal: Integrator
) -> dict[str, Any]:
    """Deliver kept events again from a time or after an event id, or the dead letters."""
    return await replay(subscription_id, body, runtime=runtime, principal=principal)


@router.get("/{subscription_id}/deliveries", response_model=DeliveryLog)
async def deliveries(
    subscription_id: Id,
    runtime: RuntimeDep,
    principal: Integrator,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """The delivery log: status, attempts, last error and latency of each delivery."""
    return await delivery_log(
        subscription_id, runtime=runtime, principal=principal, status=status, limit=limit
    )


def describe_webhooks(app: FastAPI) -> None:
    """Put the outgoing delivery in the OpenAPI document (`webhooks`)."""

    @app.webhooks.post("case-event")
    async def case_event(
        body: CaseEventDelivery,
        webhook_id: Annotated[str, Header(description="the event id (dedupe on it)")],
        webhook_timestamp: Annotated[str, Header(description="Unix seconds of signing")],
        webhook_signature: Annotated[
            str,
            Header(
                description="`v1,<base64 HMAC-SHA256 of id.timestamp.body>`; two, space-"
                "separated, while a secret rotation lets the previous secret live on"
            ),
        ],
    ) -> None:
        """A case event delivered to a subscription's callback URL; answer 2xx within the
        timeout, or it is retried with back-off."""
