"""FastAPI dependencies: the approval context and who may call what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from libs.events.auth import Principal, Role, require
from services.approval.application.context import Context


def get_context(request: Request) -> Context:
    """The context `create()` put on the app."""
    context: Context = request.app.state.approval
    return context


Ctx = Annotated[Context, Depends(get_context)]
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
