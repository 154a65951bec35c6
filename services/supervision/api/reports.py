"""日巡查、周公示、月通报 as JSON, XLSX or PDF."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from libs.events.http import CenterCode
from libs.events.instants import BeijingRoute
from services.supervision.adapters.report_files import PDF, XLSX, to_pdf, to_xlsx
from services.supervision.api.deps import AppDep, ScopeDep, Viewer
from services.supervision.api.schemas import ReportRead
from services.supervision.application.reports import (
    Kind,
    build_report,
    period_label,
    span_of,
    today,
)

router = APIRouter(route_class=BeijingRoute, prefix="/v1/reports", tags=["reports"])


@router.get(
    "/{kind}",
    response_model=None,
    responses={
        200: {
            "description": "the report: JSON, or its workbook or PDF (`format`)",
            "model": ReportRead,
            "content": {"application/json": {}, XLSX: {}, PDF: {}},
        }
    },
)
async def get_report(
    kind: Kind,
    principal: Viewer,
    scope: ScopeDep,
    app: AppDep,
    day: Annotated[date | None, Query(alias="date", description="a day in the period")] = None,
    as_of: Annotated[datetime | None, Query(description="reproduce the report as then")] = None,
    center: CenterCode | None = None,
    format: Literal["json", "xlsx", "pdf"] = "json",
) -> ReportRead | Response:
    """The daily inspection list, weekly publication or monthly circular (with window ranking)."""
    now = app.clock.now()
    span = span_of(kind, day or today(now), now, as_of)
    report = await build_report(
        kind, app=app, principal=principal, scope=scope.narrowed(center, None, app.tree), span=span
    )
    if format == "json":
        return ReportRead.model_validate(report.as_dict())
    name = f"{kind}-{period_label(kind, span)}.{format}"
    body, media = (to_xlsx(report), XLSX) if format == "xlsx" else (to_pdf(report), PDF)
    disposition = f"attachment; filename={name}; filename*=UTF-8''{quote(report.title)}-{name}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})
