"""Structured logs: one JSON object a line, with the trace and span ids, personal data masked.

`configure_logging(service)` puts one handler on the root logger and on uvicorn's loggers (set
`LOG_FORMAT=text` for plain lines while developing). The masking filter sits on that handler,
so every record that leaves the process passes through it, whoever logged it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace

# Resident ID numbers (18 characters, the last a digit or X) and mainland mobile numbers.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access")


def mask(text: str) -> str:
    """`110105********002X` for an ID number, `138****8000` for a phone number."""
    text = ID_NUMBER.sub(lambda m: f"{m[1]}********{m[2]}", text)
    return PHONE.sub(lambda m: f"{m[1]}****{m[2]}", text)


class MaskPersonalData(logging.Filter):
    """Masks ID and phone numbers in the rendered message (arguments included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Render once, mask, and keep the record."""
        record.msg = mask(record.getMessage())
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, service, message, trace_id, span_id (and the exception, if any)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        """One JSON line."""
        body: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "service": self.service,
            "message": record.getMessage(),
        }
        ctx = trace.get_current_span().get_span_context()
        if ctx.is_valid:
            body["trace_id"] = f"{ctx.trace_id:032x}"
            body["span_id"] = f"{ctx.span_id:016x}"
        if record.exc_info:
            body["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(body, ensure_ascii=False)


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time (test runners swap it)."""

    @property
    def stream(self) -> Any:
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


def log_handler(service: str, *, fmt: str | None = None) -> logging.Handler:
    """A stderr handler with the masking filter and the JSON (or plain) formatter."""
    handler = _Stderr()
    handler.addFilter(MaskPersonalData())
    if (fmt or os.environ.get("LOG_FORMAT", "json")) == "json":
        handler.setFormatter(JsonFormatter(service))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    return handler


def configure_logging(service: str) -> None:
    """Route the root and uvicorn loggers through one masked handler (once per process)."""
    root = logging.getLogger()
    if any(getattr(h, "onewindow", False) for h in root.handlers):
        return
    handler = log_handler(service)
    handler.onewindow = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    for name in UVICORN:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
