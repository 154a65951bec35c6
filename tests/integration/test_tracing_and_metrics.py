"""One trace from the HTTP request through the outbox and Kafka into every consuming service;
the gauges each service reads at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select

from libs.events.clock import FixedClock
from libs.events.db import events
from libs.events.runtime import TRACER_PROVIDER
from services.intake.config import Settings as IntakeSettings
from services.intake.main import create as create_intake
from services.supervision.config import Settings as SupervisionSettings
from services.supervision.main import create as create_supervision
from tests.integration.approval.harness import MONDAY, admin, approval_settings, running
from tests.support.polling import eventually
from tests.support.services import bearer, serve, settings_for

pytestmark = pytest.mark.integration

ITEM = {
    "name": "建设用地规划许可证核发",
    "department": "land",
    "kind": "promised",
    "legal_limit_days": 20,
    "promised_limit_days": 5,
    "materials": [{"code": "APPLY", "name": "申请书", "required": True, "key": True}],
    "deemed_approval": False,
}
APPLICANT = {
    "name": "李四",
    "id_type": "resident",
    "id_no": "11010519491231002X",
    "phone": "13900000002",
}


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    TRACER_PROVIDER.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()  # keeps nothing more for the rest of the run


def trace_of(traceparent: str) -> int:
    return int(traceparent.split("-")[1], 16)


async def test_one_trace_spans_intake_approval_and_supervision(
    databases, broker, tmp_path, spans
) -> None:
    settings = await approval_settings(databases, broker, tmp_path)
    prefix = settings.kafka_topic_prefix
    intake_settings = await settings_for(IntakeSettings, databases, broker, prefix=prefix)
    sv_settings = await settings_for(
        SupervisionSettings, databases, broker, prefix=prefix, tick_interval_seconds=3600
    )
    clock = FixedClock(MONDAY)
    clerk = bearer("clerk", sub="clerk-1", center="350500", department="land")
    async with (
        serve(lambda s: create_intake(s, clock=clock), intake_settings) as intake,
        running(settings, clock=clock) as approval,
        serve(lambda s: create_supervision(s, clock=clock), sv_settings) as supervision,
    ):
        assert (await intake.put("/v1/catalog/items/L-1", json=ITEM, headers=admin())).is_success
        body = {"item_code": "L-1", "applicant": APPLICANT, "materials": ["APPLY"]}
        case_id = (await intake.post("/v1/cases", json=body, headers=clerk)).json()["case_id"]
        accepts_before = _accepts(await intake.get("/metrics"))  # one registry per process
        accepted = await intake.post(f"/v1/cases/{case_id}/accept", json={}, headers=clerk)
        assert accepted.status_code == 200, accepted.text
        [request] = [s for s in spans.get_finished_spans() if s.name.endswith("/accept")]
        trace_id = request.context.trace_id

        approval_traces = await eventually(lambda: _traces(approval.app, case_id))
        light_traces = await eventually(
            lambda: _traces(supervision._transport.app, f"light-{case_id}")
        )  # type: ignore[attr-defined]
        assert {trace_of(t) for t in approval_traces} == {trace_id}
        assert {trace_of(t) for t in light_traces} == {trace_id}
        applied = [
            s
            for s in spans.get_finished_spans()
            if s.context.trace_id == trace_id and s.name == "apply onewindow.case.accepted.v1"
        ]
        assert len(applied) >= 2  # approval's and supervision's consumers, at least
        assert all(s.parent is not None for s in applied)

        scraped = (await supervision.get("/metrics")).text
        assert 'onewindow_lights{color="green"} 1.0' in scraped
        assert "onewindow_outbox_backlog" in scraped and "onewindow_consumer_lag{" in scraped
        mine = await intake.get("/metrics")
        assert _accepts(mine) == accepts_before + 1
        assert "onewindow_http_request_duration_seconds_bucket{" in mine.text


ACCEPTS = (
    'onewindow_http_requests_total{method="POST",'
    'route="/v1/cases/{case_id}/accept",service="intake",status="200"} '
)


def _accepts(scrape) -> float:  # type: ignore[no-untyped-def]
    """The intake's count of answered accepts in one scrape (0 before the first)."""
    for line in scrape.text.splitlines():
        if line.startswith(ACCEPTS):
            return float(line[len(ACCEPTS) :])
    return 0.0


async def _traces(app, stream_id: str) -> list[str] | None:
    runtime = app.state.runtime
    async with runtime.engine.connect() as conn:
        query = select(events.c.traceparent).where(events.c.stream_id == stream_id)
        found = list((await conn.execute(query)).scalars())
    return found or None
