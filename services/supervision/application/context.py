"""What every supervision use case needs, wired once by bootstrap()."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from libs.events import org
from libs.events.clock import Clock
from libs.events.runtime import Runtime
from libs.events.schedules import CalendarCache
from libs.events.store import EventStore
from services.supervision.adapters.notifier import Notifier
from services.supervision.config import Settings
from services.supervision.domain.naming import Naming
from services.supervision.domain.scope import CenterTree


@dataclass
class Supervision:
    """The service's storage, clock, calendar, configuration and notification gateway."""

    settings: Settings
    clock: Clock
    notifier: Notifier
    calendars: CalendarCache = field(default_factory=CalendarCache)
    _runtime: Runtime | None = None

    @property
    def runtime(self) -> Runtime:
        """The process runtime (attached by bootstrap once its handlers exist)."""
        if self._runtime is None:
            raise RuntimeError("the supervision context has no runtime attached yet")
        return self._runtime

    def attach(self, runtime: Runtime) -> None:
        """Attach the runtime whose consumers and jobs use this context."""
        self._runtime = runtime

    @property
    def tree(self) -> CenterTree:
        """The configured center hierarchy."""
        return self.settings.center_tree()

    async def naming(self, conn: AsyncConnection) -> Naming:
        """Center and department names as the organisation named them."""
        known = await org.names(conn)
        settings = self.settings
        return Naming(known, self.tree, settings.department_names, settings.center_code)

    @property
    def engine(self) -> AsyncEngine:
        """The service's database."""
        return self.runtime.engine

    @property
    def store(self) -> EventStore:
        """The service's own event store (light, opinion, complaint … streams)."""
        return self.runtime.store
