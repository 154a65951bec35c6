"""FastAPI dependencies: the approval service as bootstrapped, and who may call what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from libs.events.auth import Principal, Role, require
from services.approval.bootstrap import App
from services.approval.domain.access import CenterOnly


async def get_approval(request: Request) -> App:
    """The service `main.serve()` put on the app."""
    approval: App = request.app.state.approval
    return approval


AppDep = Annotated[App, Depends(get_approval)]


def here(approval: App, principal: Principal) -> None:
    """A caller of another center is refused: this node serves its own center only."""
    center = approval.settings.center_code
    if principal.center != center:
        raise CenterOnly(
            f"this approval node serves center {center}",
            detail_zh=f"本审批节点只服务中心 {center}",
        )


Staff = Annotated[Principal, Depends(require(Role.clerk, Role.reviewer, Role.approver))]
Reviewer = Annotated[Principal, Depends(require(Role.reviewer))]
Decider = Annotated[Principal, Depends(require(Role.approver, Role.clerk))]
Approver = Annotated[Principal, Depends(require(Role.approver))]
Admin = Annotated[Principal, Depends(require(Role.admin))]
Manager = Annotated[Principal, Depends(require(Role.admin, Role.approver))]
Viewer = Annotated[
    Principal,
    Depends(
        require(
            Role.clerk, Role.reviewer, Role.approver, Role.admin, Role.supervisor, Role.integrator
        )
    ),
]
# The decision document: whoever may view the case, and the applicant of their own case.
DocumentReader = Annotated[
    Principal,
    Depends(
        require(
            Role.clerk,
            Role.reviewer,
            Role.approver,
            Role.admin,
            Role.supervisor,
            Role.integrator,
            Role.applicant,
        )
    ),
]
