"""What a center signs when an event crosses a link: the whole CloudEvent and the sender.

The signature covers every `ce_*` header (id, type, source, subject, center, sequence …), the
key and a digest of the data, so a changed byte anywhere, or a claim of another sender,
fails verification. Link headers travel beside the CloudEvent headers and are not part of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

FROM_HEADER = "link_from"
SIGNATURE_HEADER = "link_signature"
LINK_HEADERS = frozenset({FROM_HEADER, SIGNATURE_HEADER})
Headers = Sequence[tuple[str, bytes]]


def signed_bytes(sender: str, key: bytes, headers: Headers, value: bytes) -> bytes:
    """The canonical bytes a sender signs and a receiver checks."""
    event_headers = sorted(
        (name, raw.decode(errors="replace")) for name, raw in headers if name not in LINK_HEADERS
    )
    body = {
        "from": sender,
        "key": key.decode(errors="replace"),
        "headers": event_headers,
        "value_sha256": hashlib.sha256(value).hexdigest(),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def header(headers: Headers, name: str) -> str:
    """A header's value as text ('' when absent)."""
    return next((raw.decode(errors="replace") for n, raw in headers if n == name), "")


def without_link_headers(headers: Headers) -> list[tuple[str, bytes]]:
    """The CloudEvent's own headers, as the receiving node republishes them."""
    return [(name, raw) for name, raw in headers if name not in LINK_HEADERS]
