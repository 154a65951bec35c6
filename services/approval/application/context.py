"""What the use cases run with: the runtime (database, store, clock), seals and the notifier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from libs.events.runtime import Runtime
from libs.events.store import EventStore
from services.approval.adapters.notifier import Notifier
from services.approval.adapters.seals import SealKeys
from services.approval.config import Settings


@dataclass(frozen=True)
class Context:
    """The approval service's ports, wired once by `bootstrap()`."""

    runtime: Runtime
    settings: Settings
    seals: SealKeys
    notifier: Notifier

    @property
    def store(self) -> EventStore:
        """The service's event store."""
        return self.runtime.store

    @property
    def center(self) -> str:
        """This node's center code."""
        return self.settings.center_code

    def now(self) -> datetime:
        """The business clock (a fixed one in tests)."""
        return self.runtime.clock.now()
