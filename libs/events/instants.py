"""The one form of an instant in every API answer: ISO 8601 in Beijing time (`+08:00`).

Storage and events stay UTC. Every route of every service is a `BeijingRoute`, so whatever a
route returns (a dict, a list, a pydantic model) has its instants moved to Beijing time before
FastAPI serializes it; event data echoed in an answer (histories, the live feed) holds instants
as text, and `in_beijing(..., strings=True)` rewrites those as well.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi.routing import APIRoute
from pydantic import BaseModel

from libs.events.clock import SHANGHAI

# An instant as text with its offset (`Z` or ±hh:mm): a date alone, or a naive time, is no instant.
ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")


def beijing(moment: datetime) -> datetime:
    """The same instant in Beijing time (a naive one is taken as UTC, as SQLite returns it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI)


def in_beijing(value: Any, *, strings: bool = False) -> Any:
    """`value` with every instant in it in Beijing time; with `strings`, ISO text too."""
    if isinstance(value, datetime):
        return beijing(value)
    if isinstance(value, str):
        if strings and ISO_INSTANT.fullmatch(value):
            return beijing(datetime.fromisoformat(value)).isoformat()
        return value
    if isinstance(value, BaseModel):
        fields = {name: getattr(value, name) for name in type(value).model_fields}
        return value.model_copy(
            update={k: in_beijing(v, strings=strings) for k, v in fields.items()}
        )
    if isinstance(value, Mapping):  # a dict, or a database row's mapping
        return {k: in_beijing(v, strings=strings) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(in_beijing(v, strings=strings) for v in value)
    return value


def answering_in_beijing(endpoint: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    """The route function, its answer's instants in Beijing time (a Response is left alone)."""

    @functools.wraps(endpoint)
    async def answered(*args: Any, **kwargs: Any) -> Any:
        return in_beijing(await endpoint(*args, **kwargs))

    return answered


class BeijingRoute(APIRoute):
    """A route whose answer gives every instant in Beijing time (`+08:00`)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, answering_in_beijing(endpoint), **kwargs)
