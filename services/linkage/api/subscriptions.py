"""Integrators' webhook subscriptions: subscribe, change, replay, read the delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, Path, Query, Request, Response

from libs.events.instants import BeijingRoute
from libs.events.paging import Cursor, PageSize, finish
from services.linkage.api.deps import AppDep, Integrator
from services.linkage.api.schemas import (
    CaseEventDelivery,
    DeliveryLog,
    DeliveryRead,
    ReplayQueued,
    SubscriptionCreated,
    SubscriptionRead,
)
from services.linkage.application.ports import SubscriptionRow
from services.linkage.application.subscriptions import manage, read
from services.linkage.application.subscriptions.manage import (
    ChangeSubscription,
    CreateSubscription,
)
from services.linkage.application.subscriptions.read import Status
from services.linkage.application.subscriptions.replay import Replay
from services.linkage.application.subscriptions.replay import replay as replay_from

router = APIRouter(route_class=BeijingRoute, prefix="/v1/subscriptions", tags=["subscriptions"])
Id = Annotated[str, Path(max_length=64, description="the subscription id")]


def _key(row: SubscriptionRow) -> list[object]:
    return [row.created_at, row.id]


@router.post("", status_code=201)
async def subscribe(
    body: CreateSubscription, app: AppDep, principal: Integrator
) -> SubscriptionCreated:
    """Subscribe a callback URL to case events (the secret is answered this once)."""
    row, secret = await manage.create_subscription(
        body, uow=app.uow, clock=app.clock, settings=app.settings, principal=principal
    )
    return SubscriptionCreated(**SubscriptionRead.fields_of(row), secret=secret)


@router.get("")
async def list_subscriptions(
    app: AppDep,
    principal: Integrator,
    request: Request,
    response: Response,
    cursor: Cursor = None,
    limit: PageSize = 50,
) -> list[SubscriptionRead]:
    """The caller's subscriptions (an administrator sees those of its center and below), oldest
    first, one page (the next page's cursor in `Next-Cursor` and `Link`)."""
    rows = await read.list_subscriptions(
        uow=app.uow, principal=principal, cursor=cursor, limit=limit
    )
    page = finish(rows, _key, limit=limit, request=request, response=response)
    return [SubscriptionRead.of(row) for row in page]


@router.get("/{subscription_id}")
async def get_subscription(
    subscription_id: Id, app: AppDep, principal: Integrator
) -> SubscriptionRead:
    """One subscription."""
    row = await read.get_subscription(subscription_id, uow=app.uow, principal=principal)
    return SubscriptionRead.of(row)


@router.patch("/{subscription_id}")
async def change_subscription(
    subscription_id: Id, body: ChangeSubscription, app: AppDep, principal: Integrator
) -> SubscriptionRead:
    """Change the URL, filters or scopes; rotate the secret; pause or resume (`status`)."""
    row = await manage.change_subscription(
        subscription_id,
        body,
        uow=app.uow,
        clock=app.clock,
        settings=app.settings,
        principal=principal,
    )
    return SubscriptionRead.of(row)


@router.delete("/{subscription_id}", status_code=204)
async def unsubscribe(subscription_id: Id, app: AppDep, principal: Integrator) -> Response:
    """End the subscription; nothing more is delivered to it."""
    await manage.delete_subscription(
        subscription_id, uow=app.uow, clock=app.clock, principal=principal
    )
    return Response(status_code=204)


@router.post("/{subscription_id}/replay", status_code=202)
async def replay_events(
    subscription_id: Id, body: Replay, app: AppDep, principal: Integrator
) -> ReplayQueued:
    """Deliver kept events again from a time or after an event id, or the dead letters."""
    count = await replay_from(
        subscription_id, body, uow=app.uow, clock=app.clock, principal=principal
    )
    return ReplayQueued(subscription_id=subscription_id, deliveries=count)


@router.get("/{subscription_id}/deliveries")
async def deliveries(
    subscription_id: Id,
    app: AppDep,
    principal: Integrator,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeliveryLog:
    """The delivery log: status, attempts, last error and latency of each delivery."""
    log = await read.delivery_log(
        subscription_id, uow=app.uow, principal=principal, status=status, limit=limit
    )
    return DeliveryLog(counts=log.counts, deliveries=[DeliveryRead.of(d) for d in log.deliveries])


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
