"""The FastAPI app of a service process: its runtime's lifespan, the shared middlewares
(metrics, problem+json, Idempotency-Key, body limit, security headers), probes and metrics."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from libs.events import openapi
from libs.events.http import install_problem_handlers
from libs.events.instants import BeijingRoute
from libs.events.limits import BodyLimit
from libs.events.logs import configure_logging
from libs.events.metrics import RequestMetrics, metrics_router
from libs.events.retries import Idempotency
from libs.events.runtime import TRACER_PROVIDER, Runtime
from libs.events.security import install_security


def _answers_in_beijing(router: APIRouter) -> None:
    """Every route answers its instants in one form: a router must be made with BeijingRoute."""
    plain = [
        r.path for r in router.routes if isinstance(r, APIRoute) and not isinstance(r, BeijingRoute)
    ]
    if plain:
        raise TypeError(f"routes {plain} are not BeijingRoute: APIRouter(route_class=BeijingRoute)")


def create_app(runtime: Runtime, *, title: str, routers: Sequence[APIRouter] = ()) -> FastAPI:
    """The FastAPI app: lifespan runs the runtime; problem+json errors; health probes."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    configure_logging(runtime.service)
    app = FastAPI(title=title, lifespan=lifespan, version="1.0.0")
    FastAPIInstrumentor.instrument_app(app, tracer_provider=TRACER_PROVIDER)
    app.add_middleware(RequestMetrics, service=runtime.service)
    install_problem_handlers(app)
    app.add_middleware(Idempotency, engine=runtime.engine)
    app.add_middleware(BodyLimit, max_bytes=runtime.settings.max_body_bytes)
    install_security(app, cors_origins=runtime.settings.cors_origins)
    app.include_router(runtime.health_router())
    app.include_router(metrics_router(runtime.scrape))
    for router in routers:
        _answers_in_beijing(router)
        app.include_router(router)
    openapi.document(app)
    app.state.runtime = runtime
    return app
