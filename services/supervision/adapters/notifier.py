"""Where warning notifications go: a port, and the adapter that writes them to the log."""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """Delivers a message to a recipient such as `department:350500/SCJG` (SMS, IM, mail)."""

    async def send(self, recipient: str, message: str) -> None:
        """Deliver one message; raising leaves it queued for the next tick."""
        ...


class LogNotifier:
    """Writes notifications to the service log (the default until a gateway is configured)."""

    async def send(self, recipient: str, message: str) -> None:
        """Log the message."""
        log.info("notify %s: %s", recipient, message)
