"""The link topics as the AsyncAPI document describes them: what crosses between centers."""

from __future__ import annotations

from libs.events.asyncapi import HEADERS, Channel
from libs.events.contract import contract_types
from libs.events.registry import Event
from services.linkage.domain.events import LINK_DOWN, LINK_UP, link_types
from services.linkage.domain.routing import CASE_FAMILIES, DOWN_NAMES
from services.linkage.domain.signing import FROM_HEADER, SIGNATURE_HEADER

SIGNED = {
    **HEADERS,
    "required": [*HEADERS["required"], FROM_HEADER, SIGNATURE_HEADER],
    "properties": {
        **HEADERS["properties"],
        FROM_HEADER: {"type": "string", "description": "the sending center's code"},
        SIGNATURE_HEADER: {
            "type": "string",
            "description": "Ed25519 signature (base64) of the sending center over every ce_* "
            "header, the key and the SHA-256 of the data; verified against LINK_PUBLIC_KEYS",
        },
    },
}
UP = (
    "On the parent's broker (the parent's topic prefix). A child pushes up every event of a "
    "case stream produced at it or below (personal data masked), its heartbeats and its "
    "acknowledgements of what came down; the parent applies each once and republishes it on "
    "its own case-events (an older major version upcast). A record of an unknown sender, a bad "
    "signature or another center's authority goes to link-up.dlq and changes nothing. A link "
    "down longer than LINK_ALERT_AFTER_SECONDS raises anomaly.detected (rule LinkDown) on "
    "supervision-events."
)
DOWN = (
    "On the parent's broker. The results decided there for centers below, each in the "
    "deciding linkage's own crossing stream of the case (source /centers/<center>/linkage, "
    "sequence 1, 2 …); every child reads it whole with its own consumer group and keeps what "
    "is addressed to it or to a center below it."
)


def link_channels() -> list[Channel]:
    """`link-up` and `link-down`, with every type that may cross them."""
    contract = contract_types()
    up: dict[str, type[Event]] = {
        name: model for name, model in contract.items() if name.split(".")[1] in CASE_FAMILIES
    }
    up.update(link_types.models())
    down = {name: model for name, model in contract.items() if _short(name) in DOWN_NAMES}
    return [Channel(LINK_UP, UP, up, SIGNED), Channel(LINK_DOWN, DOWN, down, SIGNED)]


def _short(type_name: str) -> str:
    return ".".join(type_name.split(".")[1:-1])
