"""Annotated dependencies of intake's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from libs.events.auth import Principal, Role, require
from services.intake.bootstrap import App


async def get_app(request: Request) -> App:
    """The service as bootstrap wired it (settings, clock, unit of work, adapters)."""
    app: App = request.app.state.intake
    return app


AppDep = Annotated[App, Depends(get_app)]

Admin = Annotated[Principal, Depends(require(Role.admin))]
Clerk = Annotated[Principal, Depends(require(Role.clerk))]
ClerkOrApplicant = Annotated[Principal, Depends(require(Role.clerk, Role.applicant))]
DepartmentStaff = Annotated[
    Principal, Depends(require(Role.clerk, Role.reviewer, Role.approver, Role.admin))
]
Reader = Annotated[Principal, Depends(require(*Role))]
