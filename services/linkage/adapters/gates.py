"""The checks a record passes before it may cross into this node (signature, then authority)."""

from __future__ import annotations

from collections.abc import Callable

from aiokafka import ConsumerRecord

from libs.events.envelope import Envelope
from services.linkage.application.node import Node
from services.linkage.domain.routing import addressed_below, check_from_child, check_from_parent
from services.linkage.domain.signing import FROM_HEADER, SIGNATURE_HEADER, header, signed_bytes

# Whether a record is for this node; raises LinkRefused for one it must refuse.
Gate = Callable[[ConsumerRecord[bytes, bytes], Envelope], bool]


def verified_sender(node: Node, record: ConsumerRecord[bytes, bytes]) -> str:
    """The center that signed the record (UnknownSender or BadSignature otherwise)."""
    headers = list(record.headers)
    sender = header(headers, FROM_HEADER)
    payload = signed_bytes(sender, record.key or b"", headers, record.value or b"")
    node.keys.verify(sender, payload, header(headers, SIGNATURE_HEADER))
    return sender


def from_children(node: Node) -> Gate:
    """A child's record: signed by that child, about it or the centers below it."""

    def gate(record: ConsumerRecord[bytes, bytes], env: Envelope) -> bool:
        check_from_child(env, sender=verified_sender(node, record), own=node.center)
        return True

    return gate


def from_parent(node: Node) -> Gate:
    """A record on the parent's down topic: skipped unless for this center or below; then
    signed by the parent and a result decided above."""

    def gate(record: ConsumerRecord[bytes, bytes], env: Envelope) -> bool:
        if not addressed_below(env, own=node.center):
            return False
        sender = verified_sender(node, record)
        check_from_parent(env, sender=sender, parent=node.parent, own=node.center)
        return True

    return gate
