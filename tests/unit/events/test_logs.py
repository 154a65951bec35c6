"""Structured logs: JSON lines with trace ids, personal data masked."""

from __future__ import annotations

import json
import logging

import pytest

from libs.events.logs import JsonFormatter, MaskPersonalData, mask
from libs.events.runtime import TRACER_PROVIDER

pytestmark = pytest.mark.unit


def test_id_and_phone_numbers_are_masked_and_other_numbers_kept() -> None:
    text = "applicant 11010519491231002X phone 13800138000 case 2026000123 at 350500"
    assert mask(text) == "applicant 110105********002X phone 138****8000 case 2026000123 at 350500"


def test_a_record_is_one_json_line_with_the_trace_and_masked_arguments() -> None:
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "id %s", ("11010519491231002X",), None
    )
    assert MaskPersonalData().filter(record)
    tracer = TRACER_PROVIDER.get_tracer(__name__)
    with tracer.start_as_current_span("work") as span:
        line = json.loads(JsonFormatter("intake").format(record))
    ctx = span.get_span_context()
    assert line["message"] == "id 110105********002X"
    assert line["trace_id"] == f"{ctx.trace_id:032x}" and line["span_id"] == f"{ctx.span_id:016x}"
    assert (line["level"], line["service"], line["logger"]) == ("WARNING", "intake", "x")
