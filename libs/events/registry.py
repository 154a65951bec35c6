"""Integration event types: one registry from type name to payload model, with upcasters."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

TYPE_PATTERN = re.compile(r"^onewindow\.(?P<name>[a-z_]+(?:\.[a-z_]+)+)\.v(?P<major>\d+)$")
# The topics every center has (before the deployment's prefix): each type declares its own.
CASE_EVENTS = "case-events"
SUPERVISION_EVENTS = "supervision-events"


class Event(BaseModel):
    """Base of every event payload; unknown fields (a newer minor version) are kept, not refused."""

    model_config = ConfigDict(extra="allow", frozen=True)
    TYPE: ClassVar[str] = ""


E = TypeVar("E", bound=type[Event])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEventType(LookupError):
    """A type this registry neither knows nor can upcast."""


class Registry:
    """Maps `onewindow.<family>.<event>.v<N>` to its model; older majors upcast to the newest."""

    def __init__(self) -> None:
        self._models: dict[str, type[Event]] = {}
        self._topics: dict[str, str] = {}
        self._upcasters: dict[str, tuple[str, Upcaster]] = {}

    def register(self, type_name: str, *, topic: str) -> Callable[[E], E]:
        """Class decorator: `@registry.register("onewindow.case.accepted.v1", topic=CASE_EVENTS)`,
        the topic (without prefix) the type travels on."""
        if not TYPE_PATTERN.match(type_name):
            raise ValueError(f"event type {type_name!r} is not onewindow.<family>.<event>.v<N>")

        def decorate(model: E) -> E:
            model.TYPE = type_name
            self._models[type_name] = model
            self._topics[type_name] = topic
            return model

        return decorate

    def upcaster(self, old: str, new: str) -> Callable[[Upcaster], Upcaster]:
        """Function decorator turning an `old` payload into a `new` one."""

        def decorate(fn: Upcaster) -> Upcaster:
            self._upcasters[old] = (new, fn)
            return fn

        return decorate

    def models(self) -> dict[str, type[Event]]:
        """Every registered type and its model."""
        return dict(self._models)

    def topic_of(self, type_name: str) -> str | None:
        """The topic the type (or the newest major it upcasts to) declared; None when unknown."""
        name = self._resolve_name(type_name)
        return None if name is None else self._topics[name]

    def knows(self, type_name: str) -> bool:
        """True when the type or an upcast of it is registered."""
        return self._resolve_name(type_name) is not None

    def load(self, type_name: str, data: dict[str, Any]) -> Event:
        """The newest model for this payload; raises UnknownEventType or a ValidationError."""
        while type_name in self._upcasters:
            type_name, fn = self._upcasters[type_name]
            data = fn(dict(data))
        model = self._models.get(type_name)
        if model is None:
            raise UnknownEventType(type_name)
        return model.model_validate(data)

    def load_json(self, type_name: str, text: str | bytes) -> Event:
        """`load` from the payload's JSON text: parsed and validated at once by pydantic's core
        (no Python dicts in between) when no upcaster applies."""
        model = None if type_name in self._upcasters else self._models.get(type_name)
        if model is None:
            return self.load(type_name, json.loads(text))
        return model.model_validate_json(text)

    def _resolve_name(self, type_name: str) -> str | None:
        while type_name in self._upcasters:
            type_name = self._upcasters[type_name][0]
        return type_name if type_name in self._models else None


class Passthrough(Registry):
    """The models of `known`; a type it does not know passes as a bare `Event` (its payload
    kept whole), for a subscription that forwards every record whatever its type."""

    def __init__(self, known: Registry) -> None:
        super().__init__()
        self.known = known

    def load(self, type_name: str, data: dict[str, Any]) -> Event:
        """The known model (upcast when older), else the payload as it came."""
        try:
            return self.known.load(type_name, data)
        except UnknownEventType:
            return Event.model_validate(data)


registry = Registry()
