"""What a worklist is searched and paged by: number prefix, item, acceptance days (Beijing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Query

from libs.events.clock import beijing_midnight
from libs.events.http import CODE_PATTERN
from services.approval.domain.rules import DateRangeReversed


@dataclass(frozen=True)
class WorkSearch:
    """A worklist line is kept when it matches every given field."""

    case_no: str | None = None
    item_code: str | None = None
    accepted_from: date | None = None
    accepted_to: date | None = None

    def matches(self, row: dict[str, Any]) -> bool:
        """Whether a worklist row (a case's work or a joint part) matches."""
        accepted = row["accepted_at"]
        return (
            (not self.case_no or row["case_no"].startswith(self.case_no))
            and self.item_code in (None, row["item_code"])
            and (not self.accepted_from or accepted >= beijing_midnight(self.accepted_from))
            and (not self.accepted_to or accepted < beijing_midnight(self.accepted_to, after=True))
        )


def work_search(
    case_no: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    item_code: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    accepted_from: date | None = None,
    accepted_to: date | None = None,
) -> WorkSearch:
    """The search of a worklist, from the query string."""
    if accepted_from and accepted_to and accepted_from > accepted_to:
        raise DateRangeReversed(f"accepted_from {accepted_from} is after accepted_to {accepted_to}")
    return WorkSearch(case_no, item_code, accepted_from, accepted_to)


def work_key(row: dict[str, Any]) -> list[Any]:
    """The order of a worklist and its cursor: deadline, case, department (a joint part)."""
    return [row["deadline"], row["case_id"], row["department"]]
