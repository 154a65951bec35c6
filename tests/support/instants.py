"""Every instant in an answer in one form: ISO 8601 with `+08:00`."""

from __future__ import annotations

import re
from typing import Any

INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def instants(body: Any, path: str = "$") -> list[tuple[str, str]]:
    """Every (path, text) in a JSON body that starts like an ISO 8601 instant."""
    if isinstance(body, dict):
        return [hit for k, v in body.items() for hit in instants(v, f"{path}.{k}")]
    if isinstance(body, list):
        return [hit for n, v in enumerate(body) for hit in instants(v, f"{path}[{n}]")]
    if isinstance(body, str) and INSTANT.match(body):
        return [(path, body)]
    return []


def not_in_beijing(body: Any) -> list[tuple[str, str]]:
    """The instants of a body that do not end in +08:00 (none, when the answer is right)."""
    return [(path, text) for path, text in instants(body) if not text.endswith("+08:00")]
