"""Annotated dependencies of intake's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from libs.events.auth import Principal, Role, require
from libs.events.runtime import Runtime
from services.intake.adapters.ratelimit import LookupGuard
from services.intake.config import Settings


def get_runtime(request: Request) -> Runtime:
    """The service's runtime (engine, store, clock)."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_settings(request: Request) -> Settings:
    """The intake settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_limiter(request: Request) -> LookupGuard:
    """The guard against guessing query codes."""
    limiter: LookupGuard = request.app.state.lookups
    return limiter


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LimiterDep = Annotated[LookupGuard, Depends(get_limiter)]

Admin = Annotated[Principal, Depends(require(Role.admin))]
Clerk = Annotated[Principal, Depends(require(Role.clerk))]
ClerkOrApplicant = Annotated[Principal, Depends(require(Role.clerk, Role.applicant))]
DepartmentStaff = Annotated[
    Principal, Depends(require(Role.clerk, Role.reviewer, Role.approver, Role.admin))
]
Reader = Annotated[Principal, Depends(require(*Role))]
