"""The base of request bodies and their validators' errors: pydantic only, so that domain
value objects a request carries (an item's spec, a material) need no web framework."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError


class RequestBody(BaseModel):
    """The base of every request body: an unknown field (a typo) is refused, never dropped,
    and no text carries a control character (NUL, ESC …) that no database column takes."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        if _has_control(value):
            raise invalid(
                "ControlCharacter",
                "text may not contain control characters (NUL, ESC …); tab and newlines may",
                "文本不得包含控制字符（如 NUL、ESC），制表符和换行除外",
            )
        return value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _has_control(value: Any) -> bool:
    if isinstance(value, str):
        return _CONTROL.search(value) is not None
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_control(v) for v in value)
    if isinstance(value, dict):
        return any(_has_control(k) or _has_control(v) for k, v in value.items())
    return False


def invalid(rule: str, message: str, zh: str) -> PydanticCustomError:
    """What a request body's validator raises: its rule named, said in English and Chinese."""
    return PydanticCustomError(rule, message, {"zh": zh})
