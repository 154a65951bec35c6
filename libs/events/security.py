"""Response security headers for every service, and CORS limited to configured origins."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages of our own (the dashboard) load scripts, styles and fonts from this service only;
# ECharts sets element styles from script, hence 'unsafe-inline' for styles alone.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Everything else (JSON, PDF, XLSX, event streams) is data, never a page to run.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
# FastAPI's interactive docs pull Swagger UI from its CDN: they keep their own rules.
DOCS_PATHS = ("/docs", "/redoc")
COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response (streams included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = str(scope["path"]).startswith(DOCS_PATHS)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in COMMON if k not in present]
                if not docs and b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", _policy(headers).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _policy(headers: list[tuple[bytes, bytes]]) -> str:
    content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
    return PAGE_POLICY if content_type.startswith(b"text/html") else DATA_POLICY


def origins(value: str) -> list[str]:
    """`CORS_ORIGINS` as a list: comma-separated origins, empty for none."""
    return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]


def install_security(app: FastAPI, *, cors_origins: str) -> None:
    """CORS for the configured origins only (none by default), and the security headers on
    every response, preflight answers included (added last: the outermost middleware)."""
    allowed = origins(cors_origins)
    if allowed:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=allowed,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"],
            # a list's next page (libs/events/paging), a replayed answer (libs/events/idempotency)
            expose_headers=["Next-Cursor", "Link", "Idempotency-Replayed"],
        )
    app.add_middleware(SecurityHeaders)
