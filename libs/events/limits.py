"""Request body size limit: refuse an oversized body with 413 before reading all of it."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from libs.events.http import PROBLEM


class BodyLimit:
    """ASGI middleware: a declared or streamed body above `max_bytes` is answered 413."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        stream = _CountingStream(receive, send, self.max_bytes)
        await self.app(scope, stream.receive, stream.send)
        if stream.exceeded:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        limit = self.max_bytes
        body = {
            "type": "about:blank",
            "title": "Content Too Large",
            "status": 413,
            "detail": f"the request body exceeds the limit of {limit} bytes",
            "detail_zh": f"请求体超过 {limit} 字节的上限",
            "rule": "RequestBodyTooLarge",
            "limit": limit,
        }
        payload = json.dumps(body, ensure_ascii=False).encode()
        headers = [(b"content-type", PROBLEM.encode()), (b"content-length", b"%d" % len(payload))]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


class _CountingStream:
    """Counts body bytes as they arrive; past the limit the app sees a disconnect and its
    answer is dropped, so the middleware answers 413 instead."""

    def __init__(self, receive: Receive, send: Send, max_bytes: int) -> None:
        self._receive, self._send, self._max = receive, send, max_bytes
        self.seen = 0
        self.exceeded = False

    async def receive(self) -> Message:
        if self.exceeded:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self._max:
                self.exceeded = True
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: Message) -> None:
        if not self.exceeded:
            await self._send(message)
