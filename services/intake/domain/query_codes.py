"""The query code (查询码) printed on the receipt, kept as a peppered hash in intake's own store.

The code is the key to the public status lookup, so it never travels: its HMAC (with the node's
`QUERY_CODE_PEPPER`) is recorded as `intake.query_code_issued` in a stream of its own that is
never published, and a rebuilt read model finds it there.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import ClassVar

from libs.events.registry import Event


class QueryCodeIssued(Event):
    """A case's query code, as its hash (intake's store only; not on any topic)."""

    TYPE: ClassVar[str] = "onewindow.intake.query_code_issued.v1"

    case_id: str
    query_hash: str


def query_code_stream(case_id: str) -> str:
    """The unpublished stream holding a case's query code hash."""
    return f"query-code-{case_id}"


def query_hash(code: str, *, pepper: str) -> str:
    """HMAC-SHA256 of the code as the applicant types it (case and spaces do not matter)."""
    normal = code.strip().upper().encode()
    return hmac.new(pepper.encode(), normal, hashlib.sha256).hexdigest()
