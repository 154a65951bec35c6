"""Which events cross a link, and which a receiving center accepts (authority rules).

Up: every event of a case stream produced at this center or below (remote monitoring, and the
escalations among them). Down: a decision returned to the center below that accepted the case.
"""

from __future__ import annotations

from typing import Any, Protocol

from libs.events.rules import Kind, Rule
from services.linkage.domain.centers import below, center_of_source, next_hop_down, within

CASE_FAMILIES = frozenset({"case", "work", "joint"})
DOWN_NAMES = frozenset({"case.escalation_returned"})


class Envelope(Protocol):
    """What the rules read of a CloudEvent (`libs.events.envelope.Envelope` is one)."""

    @property
    def type(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def center(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def family(self) -> str: ...
    @property
    def name(self) -> str: ...


class LinkRefused(Rule):
    """An event that may not cross this link; it is dead-lettered and changes nothing."""

    kind = Kind.forbidden
    zh = "该事件不得经由此链路传递"


class UnknownSender(LinkRefused):
    """A record signed by a center this link does not know."""

    zh = "发送方不是本链路已知的中心"


class BadSignature(LinkRefused):
    """A record whose signature does not verify."""

    zh = "链路签名校验失败"


class ClaimsAnotherOrigin(LinkRefused):
    """A center speaking for a center that is not itself or below it."""

    zh = "发送方不得代表其他中心发送事件"


class OnlyResultsComeDown(LinkRefused):
    """Only results come down a link."""

    zh = "只有办理结果可以下发"


def origin(env: Envelope) -> str:
    """The center whose service produced the event."""
    return center_of_source(env.source)


def goes_up(env: Envelope, *, own: str, parent: str) -> bool:
    """A case stream's event produced here or below goes to the parent (whole streams only)."""
    if not parent or env.family not in CASE_FAMILIES:
        return False
    return env.data.get("case_id") == env.subject and within(origin(env), own)


def down_hop(env: Envelope, *, own: str) -> str | None:
    """The child link a result addressed below this center takes, or None."""
    destination = str(env.data.get("center", ""))
    if env.name not in DOWN_NAMES or not below(destination, own):
        return None
    if within(origin(env), destination):
        return None  # it came up from there
    return next_hop_down(own, destination)


def check_from_child(env: Envelope, *, sender: str, own: str) -> None:
    """A child speaks only for itself and the centers below it."""
    if not below(sender, own) or next_hop_down(own, sender) != sender:
        raise UnknownSender(f"{sender or '(none)'} is not a child of {own}")
    claimed = [origin(env), env.center, str(env.data.get("center") or env.center)]
    if not all(within(c, sender) for c in claimed):
        raise ClaimsAnotherOrigin(
            f"{sender} may not send an event of center {', '.join(sorted(set(claimed)))}"
        )


def addressed_below(env: Envelope, *, own: str) -> bool:
    """Whether an event on the parent's down topic is for this center or one below it."""
    return within(str(env.data.get("center", "")), own)


def check_from_parent(env: Envelope, *, sender: str, parent: str, own: str) -> None:
    """The parent sends down only results decided above this center."""
    if not parent or sender != parent:
        raise UnknownSender(f"{sender or '(none)'} is not the parent {parent or '(none)'}")
    if env.name not in DOWN_NAMES:
        raise OnlyResultsComeDown(f"{env.type} may not come down a link")
    decided_by = str(env.data.get("from_center", ""))
    if within(origin(env), own) or decided_by != origin(env):
        raise ClaimsAnotherOrigin(f"a result from {origin(env)} cannot be decided by {decided_by}")
