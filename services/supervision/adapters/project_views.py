"""Green-channel tracking (跟踪督办) and statistics per project series (并联审批)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.supervision.adapters.project_tables import project_stages, projects
from services.supervision.adapters.tables import lights
from services.supervision.domain.lights import worst
from services.supervision.domain.scope import Scope

ON_TIME = ("early", "on_time")


async def green_channel(conn: AsyncConnection, scope: Scope) -> list[dict[str, Any]]:
    """Every green-channel project in scope, its current stage and that stage's part lights."""
    query = select(projects).where(projects.c.green.is_(True), projects.c.center.in_(scope.centers))
    found = []
    for row in (await conn.execute(query.order_by(projects.c.green_since))).mappings():
        stages = await _stages(conn, [row["project_id"]])
        current = _current(stages)
        parts = await _part_lights(conn, current["case_id"]) if current else []
        found.append(
            {
                **{k: row[k] for k in _PROJECT},
                "stage": current,
                "parts": parts,
                "stage_color": worst(p["color"] for p in parts),
            }
        )
    return found


_PROJECT = (
    "project_id",
    "center",
    "name",
    "series",
    "series_name",
    "applicant_name",
    "agent",
    "green_factor",
    "green_reason",
    "green_since",
    "status",
    "elapsed_days",
)


def _current(stages: list[dict[str, Any]]) -> dict[str, Any] | None:
    started = [s for s in stages if s["started_at"] is not None]
    running = [s for s in started if s["completed_at"] is None]
    chosen = running or started[-1:]
    return chosen[0] if chosen else None


async def _stages(conn: AsyncConnection, ids: list[str]) -> list[dict[str, Any]]:
    t = project_stages
    query = select(t).where(t.c.project_id.in_(ids)).order_by(t.c.project_id, t.c.position)
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def _part_lights(conn: AsyncConnection, case_id: str | None) -> list[dict[str, Any]]:
    if not case_id:
        return []
    query = select(lights).where(lights.c.case_id == case_id, lights.c.part != "")
    return [
        {
            "department": r["department"],
            "color": r["color"],
            "deadline": r["deadline"],
            "suspended": r["suspended_since"] is not None,
            "completed_at": r["completed_at"],
            "outcome": r["outcome"],
        }
        for r in (await conn.execute(query.order_by(lights.c.part))).mappings()
    ]


async def series_statistics(
    conn: AsyncConnection, scope: Scope, series: str | None = None
) -> list[dict[str, Any]]:
    """Per series: projects, elapsed working days per project and stage, on-time parts."""
    query = select(projects).where(projects.c.center.in_(scope.centers))
    if series is not None:
        query = query.where(projects.c.series == series)
    by_series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in (await conn.execute(query)).mappings():
        by_series[row["series"]].append(dict(row))
    result = []
    for code, rows in sorted(by_series.items()):
        stages = await _stages(conn, [r["project_id"] for r in rows])
        result.append(
            {
                "series": code,
                "series_name": rows[0]["series_name"],
                **_project_figures(rows),
                "stages": _stage_figures(stages),
                "departments": await _department_figures(conn, stages, scope),
            }
        )
    return result


def _project_figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r for r in rows if r["status"] == "approved"]
    return {
        "projects": len(rows),
        "running": sum(r["status"] == "running" for r in rows),
        "approved": len(done),
        "denied": sum(r["status"] == "denied" for r in rows),
        "green_channel": sum(bool(r["green"]) for r in rows),
        "average_elapsed_days": _mean([r["elapsed_days"] for r in done]),
    }


def _stage_figures(stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    grouped: dict[tuple[int, str, str], list[dict[str, Any]]] = defaultdict(list)
    for stage in stages:
        grouped[(stage["position"], stage["stage"], stage["name"])].append(stage)
    figures = []
    for (_, code, name), rows in sorted(grouped.items()):
        done = [r for r in rows if r["completed_at"] is not None]
        figures.append(
            {
                "stage": code,
                "name": name,
                "started": sum(r["started_at"] is not None for r in rows),
                "completed": len(done),
                "average_elapsed_days": _mean([r["elapsed_days"] for r in done]),
                "on_time_rate": _rate(sum(bool(r["on_time"]) for r in done), len(done)),
            }
        )
    return figures


async def _department_figures(
    conn: AsyncConnection, stages: list[dict[str, Any]], scope: Scope
) -> list[dict[str, Any]]:
    cases = [s["case_id"] for s in stages if s["case_id"]]
    if not cases:
        return []
    query = select(lights.c.department, lights.c.outcome).where(
        lights.c.case_id.in_(cases), lights.c.part != "", lights.c.outcome.is_not(None)
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for department, outcome in await conn.execute(query):
        if scope.department in (None, department):
            counts[department][0] += 1
            counts[department][1] += outcome in ON_TIME
    return [
        {"department": d, "parts": n, "on_time": ok, "on_time_rate": _rate(ok, n)}
        for d, (n, ok) in sorted(counts.items())
    ]


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
