"""Statistics a center can print: no negative averages, rates over completed cases, stated
definitions, and rates in the XLSX as numbers with a percent format (PDF text checked too)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.integration.supervision.harness import SUPERVISOR, Service
from tests.unit.supervision.given import accepted, bj, decided, submitted

pytestmark = pytest.mark.integration
SEPTEMBER = {"from": "2026-09-01", "to": "2026-09-30"}


async def same_day_and_fresh(service: Service) -> None:
    morning = bj(2026, 9, 16, 9)
    await service.publish(
        submitted("quick", morning),
        accepted("quick", morning, 0),  # 即办件, done the same afternoon
        decided("quick", bj(2026, 9, 16, 15)),
        submitted("fresh", morning),
        accepted("fresh", morning, 10),  # not yet due: must not lower the rates
    )
    service.clock.set(bj(2026, 9, 17, 10))


async def test_same_day_completions_and_rates_over_completed_cases(service: Service) -> None:
    await same_day_and_fresh(service)
    stats = await service.get("/v1/stats", **SEPTEMBER)
    assert (stats["accepted"], stats["completed"]) == (2, 1)
    assert stats["average_working_days"] == 0.0
    assert (stats["on_time_rate"], stats["early_rate"]) == (1.0, 0.0)
    assert set(stats["definitions"]) >= {"on_time_rate", "early_rate", "average_working_days"}
    assert "办结件数" in stats["definitions"]["early_rate"]


async def test_reports_carry_numeric_percentages_and_the_definitions(service: Service) -> None:
    await same_day_and_fresh(service)
    xlsx = await service.http.get(
        "/v1/reports/weekly", params={"date": "2026-09-16", "format": "xlsx"}, headers=SUPERVISOR
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    header = [c.value for c in sheet[4]]
    row = list(sheet[5])
    rate = row[header.index("按期办结率")]
    assert rate.value == 1.0 and rate.number_format == "0.0%"
    assert row[header.index("平均用时(工作日)")].value == 0.0
    assert any("口径" in str(c.value) for c in sheet["A"])
    pdf = await service.http.get(
        "/v1/reports/weekly", params={"date": "2026-09-16", "format": "pdf"}, headers=SUPERVISOR
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "100.0%" in text and "按期办结率 = " in text and "-0." not in text
