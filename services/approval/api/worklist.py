"""What a worklist is searched by: number prefix, applicant, item, status, acceptance days."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Query

from libs.events.http import CODE_PATTERN
from services.approval.application.ports import WorkSearch
from services.approval.domain.rules import DateRangeReversed


def work_search(
    case_no: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    applicant: Annotated[
        str | None, Query(min_length=1, max_length=100, description="part of a name, or an ID")
    ] = None,
    item_code: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    status: Literal["accepted", "suspended"] | None = None,
    accepted_from: date | None = None,
    accepted_to: date | None = None,
) -> WorkSearch:
    """The search of a worklist, from the query string."""
    if accepted_from and accepted_to and accepted_from > accepted_to:
        raise DateRangeReversed(f"accepted_from {accepted_from} is after accepted_to {accepted_to}")
    return WorkSearch(case_no, applicant, item_code, status, accepted_from, accepted_to)
