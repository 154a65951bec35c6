"""Cursor pagination every list shares: an opaque cursor, a capped page size, and the next
page's cursor in the `Link` and `Next-Cursor` headers (the body stays a plain list)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response
from sqlalchemy import ColumnElement, Select, and_, or_

from libs.events.rules import Rule

T = TypeVar("T")
Key = list[Any]  # the sort values of the last item of a page, then its id
MAX_PAGE = 200

Cursor = Annotated[
    str | None,
    Query(max_length=500, pattern=r"^[A-Za-z0-9_-]+$", description="opaque: a page's Next-Cursor"),
]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"page size, at most {MAX_PAGE}")]


class InvalidCursor(Rule):
    """A cursor is handed back exactly as a page's Next-Cursor gave it."""

    zh = "翻页游标无效：请使用上一页返回的 Next-Cursor"

    def __init__(self) -> None:
        super().__init__("the cursor is not one this list handed out", field="cursor")


def encode_cursor(key: Key) -> str:
    """An opaque cursor for the position after the item with this key."""
    values = [["t", v.isoformat()] if isinstance(v, datetime) else ["v", v] for v in key]
    raw = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, size: int) -> Key:
    """The key a cursor stands for; InvalidCursor (422) for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        key = [datetime.fromisoformat(v) if tag == "t" else v for tag, v in values]
    except (binascii.Error, ValueError, TypeError) as exc:
        raise InvalidCursor() from exc
    if len(key) != size:
        raise InvalidCursor()
    return key


def after(columns: Sequence[Any], key: Key, *, descending: bool) -> ColumnElement[bool]:
    """SQL keyset condition: rows strictly after `key` in the (columns…) order."""
    first, *rest = columns
    beyond: ColumnElement[bool] = first < key[0] if descending else first > key[0]
    if not rest:
        return beyond
    return or_(beyond, and_(first == key[0], after(rest, key[1:], descending=descending)))


def keyset(
    query: Select[Any], columns: Sequence[Any], cursor: str | None, *, limit: int, descending: bool
) -> Select[Any]:
    """The query ordered by `columns`, resumed after the cursor, one row more than a page."""
    if cursor is not None:
        key = decode_cursor(cursor, size=len(columns))
        query = query.where(after(columns, key, descending=descending))
    order = [c.desc() if descending else c.asc() for c in columns]
    return query.order_by(*order).limit(limit + 1)


def page_in_memory(
    items: Sequence[T], key: Callable[[T], Key], cursor: str | None, *, limit: int
) -> list[T]:
    """One page (plus one item, to tell a next page exists) of an already sorted list."""
    if cursor is not None and items:
        start = decode_cursor(cursor, size=len(key(items[0])))
        items = [i for i in items if key(i) > start]
    return list(items[: limit + 1])


def finish(
    rows: Sequence[T], key: Callable[[T], Key], *, limit: int, request: Request, response: Response
) -> list[T]:
    """Cut the extra row off and announce the next page's cursor in the headers."""
    if len(rows) <= limit:
        return list(rows)
    page = list(rows[:limit])
    cursor = encode_cursor(key(page[-1]))
    response.headers["Next-Cursor"] = cursor
    response.headers["Link"] = f'<{request.url.include_query_params(cursor=cursor)}>; rel="next"'
    return page


class DateRangeReversed(Rule):
    """A date range starts no later than it ends."""

    zh = "日期范围的开始日期不能晚于结束日期"

    def __init__(self, first: date, last: date, *, field: str) -> None:
        super().__init__(f"{field} {first} is after {last}", field=field)


def date_range(first: date | None, last: date | None, *, field: str) -> None:
    """DateRangeReversed (422) when a searched range ends before it starts."""
    if first is not None and last is not None and first > last:
        raise DateRangeReversed(first, last, field=field)
