"""The process's tracer provider; spans go to an OTLP collector when one is configured.

Set `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), e.g.
`http://otel-collector:4318`, to export over OTLP/HTTP; `OTEL_SERVICE_NAME` names the process.
Without them spans still give every event the traceparent of its cause, and are dropped.
"""

from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def tracer_provider() -> TracerProvider:
    """A provider named by `OTEL_SERVICE_NAME`, exporting over OTLP when an endpoint is set."""
    name = os.environ.get("OTEL_SERVICE_NAME", "onewindow")
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    if any(os.environ.get(var) for var in ENDPOINTS):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return provider
