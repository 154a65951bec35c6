"""A receiver for onewindow webhook subscriptions.

It verifies the Standard Webhooks signature (rejecting a tampered body, a wrong secret or an
old timestamp with 401), parses the CloudEvent, and handles each event id once: deliveries are
at least once, so the same event may come again (a retry, a replay).

    WEBHOOK_SECRET=whsec_... python examples/webhook_receiver.py --port 8900
    # then subscribe http://127.0.0.1:8900/webhooks (see docs/integrators.md)
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

import uvicorn
from cloudevents.core.bindings import http
from fastapi import FastAPI, Request, Response
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    """Verifies, dedupes by event id and hands each new event to `handle`."""

    def __init__(self, secrets: list[str], handle: Callable[[dict[str, Any]], None]) -> None:
        self.secrets = secrets  # during a rotation, hold the old and the new one
        self.handle = handle
        self.seen: set[str] = set()  # in production: a unique key in your own database
        self.received: list[str] = []  # every verified delivery, repeats included
        self.rejected = 0

    def verify(self, body: bytes, headers: dict[str, str]) -> bool:
        """True when one of our secrets signed this body (and the timestamp is fresh)."""
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers, json_parse=False)
                return True
            except WebhookVerificationError:
                continue
        return False

    def app(self) -> FastAPI:
        """The ASGI app: POST /webhooks."""
        app = FastAPI(title="onewindow webhook receiver")

        @app.post("/webhooks")
        async def receive(request: Request) -> Response:
            body, headers = await request.body(), dict(request.headers)
            if not self.verify(body, headers):
                self.rejected += 1
                return Response("invalid signature", status_code=401)
            event = http.from_structured_event(http.HTTPMessage(headers=headers, body=body))
            self.received.append(event.get_id())
            if event.get_id() not in self.seen:  # a repeat is acknowledged, not handled again
                self.seen.add(event.get_id())
                self.handle({**event.get_attributes(), "data": event.get_data()})
            return Response(status_code=204)

        return app


def show(event: dict[str, Any]) -> None:
    """Print one event: its case, sequence and type."""
    print(event["subject"], event.get("sequence"), event["type"], flush=True)


def main() -> None:
    """Run the receiver with WEBHOOK_SECRET (several: space-separated)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    args = parser.parse_args()
    receiver = Receiver(os.environ["WEBHOOK_SECRET"].split(), show)
    uvicorn.run(receiver.app(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
