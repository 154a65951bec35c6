"""Named business rules: the one base every service's rules share; no HTTP, no database."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class Kind(StrEnum):
    """What kind of refusal a rule is; the HTTP layer maps each kind to its status."""

    invalid = "invalid"  # the command breaks a rule of the domain (422)
    forbidden = "forbidden"  # the caller may not do this (403)
    conflict = "conflict"  # the command does not fit the current state (409)
    not_found = "not_found"  # no such thing, or not visible to the caller (404)


class Rule(Exception):
    """A named rule refused the command: the class name is the rule (unless `rule` names it),
    `detail` says why in English, `zh` (or `detail_zh`) in Chinese; extras go into the answer."""

    kind: ClassVar[Kind] = Kind.invalid
    zh: ClassVar[str] = ""

    def __init__(
        self, detail: str, *, rule: str | None = None, detail_zh: str | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.rule = rule or type(self).__name__
        self.detail_zh = detail_zh or self.zh or None
        self.extra = extra


class Invalid(Rule):
    """A rule of the domain refused the command."""

    zh = "操作不符合业务规则"


class Forbidden(Rule):
    """The caller's role, center or department may not do this."""

    kind = Kind.forbidden
    zh = "无权执行该操作"


class Conflict(Rule):
    """The command does not fit the current state."""

    kind = Kind.conflict
    zh = "与当前状态不符"


class NotFound(Rule):
    """The thing asked for does not exist, or the caller may not see it."""

    kind = Kind.not_found
    zh = "未找到所请求的对象，或无权查看"
