"""Case numbers unique across centers without coordination, and random query codes."""

from __future__ import annotations

import secrets
from datetime import date

# No 0/O or 1/I: a code is read off paper and typed in by hand.
QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 6


def case_number(center: str, day: date, sequence: int) -> str:
    """`<center><yyyymmdd><sequence:06d>`: the center code makes it unique across centers."""
    return f"{center}{day:%Y%m%d}{sequence:06d}"


def new_query_code() -> str:
    """Six random characters printed on the receipt; the key to the public status lookup."""
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_CODE_LENGTH))
