"""The notifier adapters (SMS and voice to applicants): the HTTP gateway and the local sink."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import httpx

from services.approval.application.ports import Message, NotificationFailed, Notifier

__all__ = ["HttpGateway", "LocalSink", "Message", "NotificationFailed", "Notifier"]


class LocalSink:
    """Dev and tests: records each message (in memory, and as JSON lines when given a file)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.sent: list[Message] = []

    async def send(self, message: Message) -> None:
        """Record the message."""
        self.sent.append(message)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as sink:  # noqa: ASYNC230 - one short line
                line = {**asdict(message), "sent_at": datetime.now(UTC).isoformat()}
                sink.write(json.dumps(line, ensure_ascii=False) + "\n")


class HttpGateway:
    """An SMS/voice gateway that takes `POST {url}` with JSON and answers 2xx when it accepted."""

    def __init__(
        self,
        url: str,
        *,
        token: str = "",
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.timeout = timeout
        self.transport = transport

    async def send(self, message: Message) -> None:
        """POST the message; any error or non-2xx answer is a NotificationFailed."""
        headers = {**self.headers, "Idempotency-Key": message.message_id}
        try:
            async with httpx.AsyncClient(timeout=self.timeout, transport=self.transport) as client:
                response = await client.post(self.url, json=asdict(message), headers=headers)
        except httpx.HTTPError as exc:
            raise NotificationFailed(f"gateway unreachable: {exc!r}") from exc
        if not response.is_success:
            raise NotificationFailed(f"gateway answered {response.status_code}: {response.text}")
