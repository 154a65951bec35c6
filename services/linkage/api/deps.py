"""What routes depend on: the wired App, and the roles each router lets in."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from libs.events.auth import Principal, Role, require
from services.linkage.bootstrap import App


async def _app(request: Request) -> App:
    app: App = request.app.state.linkage
    return app


AppDep = Annotated[App, Depends(_app)]
Operator = Annotated[Principal, Depends(require(Role.admin, Role.supervisor, Role.integrator))]
Integrator = Annotated[Principal, Depends(require(Role.integrator, Role.admin))]
