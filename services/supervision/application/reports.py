"""日巡查、周公示、月通报: the daily inspection list, the weekly publication, the monthly circular.

Every report is computed as of an instant (by default the end of its period, or now if that
is still ahead), from what supervision knew by then, so it can be produced again identically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Literal, Protocol

from libs.events.auth import Principal
from libs.events.clock import SHANGHAI, Clock
from libs.events.uow import UnitOfWork
from services.supervision.application.loops import list_loops
from services.supervision.application.naming import naming_of
from services.supervision.application.ports import SupervisionViews
from services.supervision.application.statistics import Span, ranking, start_of
from services.supervision.config import Settings
from services.supervision.domain.anomalies import TITLES
from services.supervision.domain.report import Cell, Report, Table, day_text, percent, stamp
from services.supervision.domain.scope import Scope
from services.supervision.domain.stats import DEFINITIONS, GROUP_KEYS, Figures, grouped
from services.supervision.domain.timeline import COLOR_NAMES

Kind = Literal["daily", "weekly", "monthly"]
FIGURE_COLUMNS = [
    "收件",
    "受理",
    "办结",
    "提前办结",
    "按期办结",
    "超期办结",
    "按期办结率",
    "提前办结率",
    "平均用时(工作日)",
    "平均承诺时限",
]
FIGURE_NOTE = "口径：" + "；".join(DEFINITIONS.values()) + "。"


class Reporting(Protocol):
    """What a report is computed with (the App)."""

    @property
    def uow(self) -> UnitOfWork[SupervisionViews]: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def settings(self) -> Settings: ...


def span_of(kind: Kind, day: date, now: datetime, as_of: datetime | None) -> Span:
    """The period of a report containing `day`, as of the given or the default instant."""
    if kind == "daily":
        first, last = day, day
    elif kind == "weekly":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
    else:
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    end = start_of(last + timedelta(days=1)) - timedelta(microseconds=1)
    return Span(first, last, as_of or min(now, end))


def figure_cells(f: Figures) -> list[Any]:
    """A figures row as the reports print it."""
    return [
        f.received,
        f.accepted,
        f.completed,
        f.early,
        f.on_time,
        f.overdue,
        percent(f.on_time_rate),
        percent(f.early_rate),
        f.average_working_days,
        f.average_promised_days,
    ]


async def _figures_table(app: Reporting, scope: Scope, span: Span, by: str, title: str) -> Table:
    async with app.uow.begin() as tx:
        found = await tx.views.records(scope)
        naming = naming_of(await tx.views.names(), app.settings)
    names: Callable[[str], str] = naming.center if by == "center" else naming.department
    rows = [
        [names(k), *figure_cells(f)] for k, f in grouped(found, span.period, GROUP_KEYS[by]).items()
    ]
    label = {"center": "中心", "department": "部门", "item": "事项"}[by]
    return Table(title, [label, *FIGURE_COLUMNS], rows, note=FIGURE_NOTE)


async def _warnings_table(app: Reporting, scope: Scope, span: Span) -> Table:
    """Yellow and red cases as they stood at the as-of instant, as known then."""
    async with app.uow.begin() as tx:
        cal = await tx.calendar()
        views = await tx.views.lights_at(scope, span.as_of, cal, known_by=span.as_of)
        naming = naming_of(await tx.views.names(), app.settings)
    shown = sorted(
        (v for v in views if v.color != "green" and v.clock.running), key=lambda v: v.remaining
    )
    rows: list[list[Cell]] = [
        [
            v.case.get("case_no"),
            v.case.get("item_name"),
            naming.department(v.clock.department, str(v.case.get("center"))),
            v.part or "整体",
            COLOR_NAMES[v.color],
            stamp(v.clock.deadline.at),
            v.remaining,
        ]
        for v in shown
    ]
    columns = ["办件编号", "事项", "部门", "环节", "灯色", "办结期限", "剩余工作日"]
    return Table("预警与超时办件", columns, rows)


async def _overdue_table(app: Reporting, scope: Scope, span: Span) -> Table:
    async with app.uow.begin() as tx:
        found = await tx.views.records(scope)
        cases = await tx.views.case_rows(scope)
        naming = naming_of(await tx.views.names(), app.settings)
    rows = [
        [
            cases[r.case_id]["case_no"],
            cases[r.case_id]["item_name"],
            naming.department(r.department, r.center),
            stamp(r.completed_at),
            r.used_days,
            r.limit_days,
        ]
        for r in found
        if r.outcome == "overdue" and span.period.holds(r.completed_at, r.completed_known)
    ]
    return Table(
        "超期办结办件", ["办件编号", "事项", "部门", "办结时间", "用时(工作日)", "承诺时限"], rows
    )


async def _anomalies_table(app: Reporting, principal: Principal, span: Span) -> Table:
    found = await list_loops("anomalies", uow=app.uow, clock=app.clock, principal=principal)
    rows = [
        [
            stamp(a["detected_at"]),
            TITLES.get(a["rule"], a["rule"]),
            a["case_id"],
            a["department"],
            a["evidence"].get("summary", ""),
        ]
        for a in found
        if span.period.holds(a["detected_at"], None)
    ]
    return Table("体外循环等异常", ["发现时间", "规则", "办件", "部门", "说明"], rows)


async def _overdue_loops_table(app: Reporting, principal: Principal, span: Span) -> Table:
    names = {
        "opinions": "督察意见",
        "complaints": "投诉",
        "notices": "整改通知",
        "ratings": "差评整改",
    }
    due = {
        "opinions": "answer_by",
        "complaints": "answer_by",
        "notices": "rectify_by",
        "ratings": "answer_by",
    }
    rows = []
    for kind, name in names.items():
        for item in await list_loops(kind, uow=app.uow, clock=app.clock, principal=principal):
            deadline = item.get(due[kind])
            if item["status"] in ("open", "awaiting_answer") and deadline and deadline < span.as_of:
                rows.append(
                    [
                        name,
                        item["department"],
                        item.get("text") or item.get("comment"),
                        stamp(deadline),
                    ]
                )
    return Table("逾期未答复事项", ["类别", "部门", "内容", "答复期限"], rows)


async def _loops_summary(app: Reporting, principal: Principal, span: Span) -> Table:
    rows: list[list[Cell]] = []
    for kind, name, opened in (
        ("complaints", "投诉", "filed_at"),
        ("opinions", "督察意见", "issued_at"),
        ("notices", "整改通知", "issued_at"),
        ("ratings", "好差评", "rated_at"),
    ):
        items = [
            i
            for i in await list_loops(kind, uow=app.uow, clock=app.clock, principal=principal)
            if span.period.holds(i[opened], None)
        ]
        statuses = Counter(i["status"] for i in items)
        rows.append(
            [
                name,
                len(items),
                statuses.get("open", 0) + statuses.get("awaiting_answer", 0),
                ", ".join(f"{k}:{v}" for k, v in sorted(statuses.items())),
            ]
        )
    return Table("投诉、督察与评价", ["类别", "本期数量", "未办结", "状态分布"], rows)


async def _ranking_table(app: Reporting, scope: Scope, span: Span) -> Table:
    rows = [
        [
            r["rank"] or "—",
            r["center_name"],
            r["department_name"],
            r["score"],
            percent(r["on_time_rate"]),
            percent(r["good_rate"]),
            r["ratings"],
            r["open_complaints"],
            r["anomalies"],
        ]
        for r in await ranking(scope, span, uow=app.uow, settings=app.settings)
    ]
    columns = [
        "名次",
        "中心",
        "窗口(部门)",
        "得分",
        "按期办结率",
        "好评率",
        "评价数",
        "未办结投诉",
        "异常",
    ]
    return Table("窗口评优排名", columns, rows)


async def build_report(
    kind: Kind, *, app: Reporting, principal: Principal, scope: Scope, span: Span
) -> Report:
    """The report of this kind for the span, for what the principal may see."""
    if kind == "daily":
        title, period = "电子监察日巡查清单", day_text(span.first)
        tables = [
            await _warnings_table(app, scope, span),
            await _overdue_table(app, scope, span),
            await _anomalies_table(app, principal, span),
            await _overdue_loops_table(app, principal, span),
        ]
    elif kind == "weekly":
        title, period = "办件情况周公示", f"{day_text(span.first)}至{day_text(span.last)}"
        tables = [
            await _figures_table(app, scope, span, "department", "各部门办件情况"),
            await _overdue_table(app, scope, span),
            await _loops_summary(app, principal, span),
        ]
    else:
        title, period = "政务服务工作月通报", f"{span.first.year}年{span.first.month}月"
        tables = [
            await _figures_table(app, scope, span, "center", "各中心办件情况"),
            await _figures_table(app, scope, span, "department", "各部门办件情况"),
            await _ranking_table(app, scope, span),
            await _anomalies_table(app, principal, span),
            await _loops_summary(app, principal, span),
        ]
    return Report(kind, title, period, span.as_of, tables)


def period_label(kind: Kind, span: Span) -> str:
    """`2025-03-03`, `2025-W10`, `2025-03` for file names."""
    if kind == "daily":
        return span.first.isoformat()
    if kind == "weekly":
        year, week, _ = span.first.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{span.first:%Y-%m}"


def today(now: datetime) -> date:
    """Today in Beijing."""
    return now.astimezone(SHANGHAI).date()
