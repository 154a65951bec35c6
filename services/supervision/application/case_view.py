"""One case as supervision shows it: its facts, its light, and the ledger explaining the light."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from libs.events import contract as s
from libs.events.auth import Principal, Role
from libs.events.calendar import WorkCalendar
from libs.events.clock import Clock
from libs.events.uow import Transaction, UnitOfWork
from services.supervision.application.naming import naming_of
from services.supervision.application.ports import CaseSearch, Row, SupervisionViews
from services.supervision.application.scope import scope_of
from services.supervision.config import Settings
from services.supervision.domain.clock import DELIVERY, WHOLE, is_part
from services.supervision.domain.facts import Happened, business_instant
from services.supervision.domain.light_view import LightView, shared_status, stage_colour
from services.supervision.domain.lights import light_stream, yellow_threshold
from services.supervision.domain.rules import CaseHasNoLight, CaseNotVisible
from services.supervision.domain.scope import Scope
from services.supervision.domain.timeline import (
    COLOR_NAMES,
    Words,
    by_day,
    describe,
    outcome_text,
    when,
)
from services.supervision.events import WarningIssued


async def visible_case(
    views: SupervisionViews, settings: Settings, case_id: str, principal: Principal
) -> Row:
    """The case if this principal may see it (its applicant may), else CaseNotVisible."""
    case = await views.case(case_id)
    if case is not None:
        if scope_of(principal, settings.center_tree()).allows(case["center"], case["department"]):
            return case
        if principal.role == Role.applicant and principal.sub in (
            case["applicant_id"],
            case["submitted_by"],
        ):
            return case
    raise CaseNotVisible(
        f"case {case_id} is not known to supervision",
        detail_zh=f"电子监察中没有案件 {case_id}，或无权查看",
    )


def light_body(case: dict[str, Any], views: list[LightView]) -> dict[str, Any]:
    """`GET /v1/cases/{id}/light`: the whole case, its joint parts and the stage's worst, and
    the delivery clock of a granted licence (art. 44) with its own light."""
    whole = next((v for v in views if v.part == WHOLE), None)
    parts = [v.as_dict() for v in views if is_part(v.part)]
    delivery = next((v.as_dict() for v in views if v.part == DELIVERY), None)
    stage = stage_colour(views)
    if whole is None and stage is None:
        raise CaseHasNoLight(
            f"case {case['case_id']} has no light: it has not been accepted",
            detail_zh=f"案件 {case['case_id']} 尚未受理，没有亮灯",
        )
    return {
        "case_id": case["case_id"],
        "color": whole.color if whole else stage,
        "deadline": whole.clock.deadline.at if whole else None,
        "remaining": whole.remaining if whole else None,
        "outcome": whole.clock.outcome if whole else None,
        **shared_status(case),
        "stage": {"name": case["stage"], "color": stage} if parts else None,
        "parts": parts,
        "delivery": delivery,
    }


async def timeline(
    tx: Transaction[SupervisionViews],
    settings: Settings,
    case: Row,
    now: datetime,
    cal: WorkCalendar,
) -> dict[str, Any]:
    """The clock ledger in plain Chinese, with how the deadline and the colour were derived."""
    history = (await tx.views.histories([case["case_id"]]))[case["case_id"]]
    submitted = next((h.event for h in history if isinstance(h.event, s.CaseSubmitted)), None)
    naming, center = naming_of(await tx.views.names(), settings), str(case["center"])
    words = Words(
        materials=submitted.material_names if submitted else {},
        department=lambda code: naming.department(code, center),
        center=naming.center,
    )
    ordered = _ledger_entries(history, words) + await _light_entries(tx, case["case_id"])
    ordered.sort(key=lambda pair: pair[0])  # stable: the ledger's own order within ties
    entries = [entry for _, entry in ordered]
    views = await tx.views.light_views(case, now, cal)
    whole = next((v for v in views if v.part == WHOLE), None)
    return {
        "case_id": case["case_id"],
        "case_no": case["case_no"],
        "item_name": case["item_name"],
        "color": whole.color if whole else None,
        "explanation": explain(history, whole) if whole else "尚未受理，未开始计时。",
        "entries": [e for e in entries if e["text"]],
    }


async def _light_entries(
    tx: Transaction[SupervisionViews], case_id: str
) -> list[tuple[datetime, dict[str, Any]]]:
    """The case's light transitions and rungs, keyed by when they happened."""
    entries: list[tuple[datetime, dict[str, Any]]] = []
    for stored in await tx.events.read(light_stream(case_id)):
        event = stored.load()
        if isinstance(event, s.LightChanged):
            entries.append((event.at, _entry(event, event.at)))
        elif isinstance(event, WarningIssued):
            entries.append((event.fired_at, _entry(event, event.fired_at)))
    return entries


def _ledger_entries(history: list[Happened], words: Words) -> list[tuple[datetime, dict[str, Any]]]:
    """Ledger entries keyed by when they happened: an event whose payload carries no instant
    (a notice, a deadline change) keeps its place right after the event before it."""
    entries: list[tuple[datetime, dict[str, Any]]] = []
    order: datetime | None = None
    for h in history:
        order = business_instant(h.event) or order or h.at
        entries.append((order, _entry(h.event, h.at, words)))
    return entries


def _entry(event: Any, at: datetime, words: Words | None = None) -> dict[str, Any]:
    return {
        "at": at,
        "type": event.TYPE,
        "text": describe(event, words),
        "data": event.model_dump(),  # its instants answered in Beijing time, as every one
    }


def explain(history: list[Happened], light: LightView) -> str:
    """Why the case shows its colour, from acceptance through pauses and extensions."""
    accepted = next((h.event for h in history if isinstance(h.event, s.CaseAccepted)), None)
    paused = sum(h.event.paused_working_days for h in history if isinstance(h.event, s.CaseResumed))
    extended = sum(isinstance(h.event, s.CaseExtended) for h in history)
    clock = light.clock
    parts = []
    if accepted is not None:
        parts.append(
            f"{when(accepted.accepted_at)} 受理，承诺 {accepted.limit_days} 个工作日"
            f"（受理当日不计），原定期限 {by_day(accepted.deadline)} 日终"
        )
    parts.append(f"暂停共 {paused} 个工作日不计时" + (f"，延期 {extended} 次" if extended else ""))
    parts.append(f"现办结期限 {by_day(clock.deadline.at)} 日终")
    return "；".join(parts) + "。" + _why(light)


def _why(light: LightView) -> str:
    clock = light.clock
    name = COLOR_NAMES[light.color]
    if clock.completed_at is not None:
        done = f"已于 {when(clock.completed_at)} {outcome_text(clock.outcome)}"
        return f"{done}，灯色停留在办结时的{name}。"
    if clock.suspended_since is not None:
        return f"自 {when(clock.suspended_since)} 起暂停计时，灯色停留在暂停时的{name}。"
    if light.color == "red":
        return f"已超过办结期限 {-light.remaining} 个工作日，故为{name}。"
    threshold = yellow_threshold(clock.limit_days)
    rule = f"预警阈值为 20%×{clock.limit_days} 与 1 个工作日中的较大者，即 {threshold:g} 个工作日"
    return f"剩余 {light.remaining} 个工作日；{rule}，故为{name}。"


async def find_case(
    case_id: str, *, uow: UnitOfWork[SupervisionViews], settings: Settings, principal: Principal
) -> Row:
    """The visible case's row."""
    async with uow.begin() as tx:
        return await visible_case(tx.views, settings, case_id, principal)


async def case_light(
    case_id: str,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    settings: Settings,
    principal: Principal,
) -> dict[str, Any]:
    """The visible case's light now."""
    async with uow.begin() as tx:
        case = await visible_case(tx.views, settings, case_id, principal)
        views = await tx.views.light_views(case, clock.now(), await tx.calendar())
    return light_body(case, views)


async def case_timeline(
    case_id: str,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    settings: Settings,
    principal: Principal,
) -> dict[str, Any]:
    """The visible case's clock ledger in plain Chinese."""
    async with uow.begin() as tx:
        case = await visible_case(tx.views, settings, case_id, principal)
        return await timeline(tx, settings, case, clock.now(), await tx.calendar())


async def list_cases(
    search: CaseSearch,
    scope: Scope,
    *,
    uow: UnitOfWork[SupervisionViews],
    clock: Clock,
    principal: Principal,
    cursor: str | None,
    limit: int,
) -> list[Row]:
    """One page (and one more) of the visible searched cases, each with its light now."""
    async with uow.begin() as tx:
        cal = await tx.calendar()
        return await tx.views.list_cases(
            principal, scope, search, cursor=cursor, limit=limit, now=clock.now(), cal=cal
        )


def list_key(summary: Row) -> list[Any]:
    """The cursor key of a listed case."""
    return [summary["received_at"], summary["case_id"]]
