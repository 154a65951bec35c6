"""FastAPI dependencies of the supervision API: the App, who calls, what they may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from libs.events.auth import (
    AuthSettingsDep,
    BearerCredentials,
    InvalidToken,
    Principal,
    Role,
    decode_token,
    require,
)
from libs.events.http import Problem
from services.supervision.application.scope import scope_of
from services.supervision.bootstrap import App
from services.supervision.domain.scope import Scope

VIEWING_ROLES = (
    Role.supervisor,
    Role.admin,
    Role.integrator,
    Role.clerk,
    Role.reviewer,
    Role.approver,
)


async def the_app(request: Request) -> App:
    """The supervision App the ASGI app was created with."""
    app: App = request.app.state.supervision
    return app


AppDep = Annotated[App, Depends(the_app)]
Viewer = Annotated[Principal, Depends(require(*VIEWING_ROLES))]
Supervisor = Annotated[Principal, Depends(require(Role.supervisor, Role.admin))]
Staff = Annotated[Principal, Depends(require(Role.clerk, Role.reviewer, Role.approver))]
Applicant = Annotated[Principal, Depends(require(Role.applicant))]
Anyone = Annotated[Principal, Depends(require(*VIEWING_ROLES, Role.applicant))]


async def viewer_scope(principal: Viewer, app: AppDep) -> Scope:
    """What the caller may see: their center and those below, or their department."""
    return scope_of(principal, app.tree)


ScopeDep = Annotated[Scope, Depends(viewer_scope)]


async def stream_principal(
    credentials: BearerCredentials,
    settings: AuthSettingsDep,
    token: Annotated[
        str | None, Query(description="the bearer token (EventSource sends no headers)")
    ] = None,
) -> Principal:
    """The caller of the SSE stream: a bearer header, or `?token=` since EventSource has none."""
    raw = credentials.credentials if credentials else token
    if not raw:
        raise Problem(
            401,
            "a bearer token is required (Authorization header or ?token=)",
            detail_zh="需要访问令牌（Authorization 请求头或 ?token= 参数）",
        )
    try:
        principal = decode_token(raw, settings)
    except InvalidToken as exc:
        raise Problem(401, str(exc), detail_zh="访问令牌无效或已过期") from exc
    if principal.role not in VIEWING_ROLES:
        raise Problem(
            403,
            f"the light stream is for supervisors and staff, not '{principal.role}'",
            detail_zh="亮灯实时推送只向监察人员和工作人员开放",
        )
    return principal


StreamPrincipal = Annotated[Principal, Depends(stream_principal)]
