"""The cross-service contract (CONTRACT.md "Events"): the events another service, another
center or an integrator consumes, by family; what docs/asyncapi.json documents.

Importing this package registers every contract type (projects and subscriptions included).
An event only its own service reads is declared in `services/<service>/events.py`.
"""

from __future__ import annotations

from libs.events.contract import projects, subscriptions
from libs.events.contract.cases import (
    Applicant,
    CaseAcceptanceDue,
    CaseAccepted,
    CaseDeadlineChanged,
    CaseEvent,
    CasePromiseExtended,
    CaseRefused,
    CaseReturned,
    CaseSubmitted,
    CaseSupplemented,
    CaseSupplementRequested,
    CaseWithdrawalRefusalNoted,
    CaseWithdrawalRefused,
    CaseWithdrawalRequested,
    CaseWithdrawn,
    Channel,
    Kind,
    Procedure,
)
from libs.events.contract.decisions import (
    CaseCountersigned,
    CaseDecided,
    CaseDecisionIssued,
    CaseDeemedApproved,
    CaseDelivered,
    CaseEscalated,
    CaseEscalationReceived,
    CaseEscalationReturned,
    CaseExtended,
    CaseResumed,
    CaseReviewed,
    CaseSuspended,
    MaskedApplicant,
    escalated_v1_to_v2,
)
from libs.events.contract.facts import (
    CalendarYearLoaded,
    CatalogMaterial,
    CenterNamed,
    DepartmentNamed,
    ItemPublished,
    JointDepartment,
)
from libs.events.contract.joint import (
    JointCompleted,
    JointPartDecided,
    JointPartResumed,
    JointPartSuspended,
    JointStarted,
)
from libs.events.contract.supervision import (
    AnomalyDetected,
    Color,
    ComplaintFiled,
    ComplaintResolved,
    LightChanged,
    OpinionAnswered,
    OpinionIssued,
)
from libs.events.contract.work import (
    Step,
    WorkAssigned,
    WorkClosed,
    WorkCountersignRequired,
    WorkOpened,
    WorkRescheduled,
    WorkTransferred,
)
from libs.events.registry import Event, registry


def contract_types() -> dict[str, type[Event]]:
    """The registered types declared in this package: the contract, without any service's
    own events (a process that imported some registered them too)."""
    return {
        name: model
        for name, model in registry.models().items()
        if model.__module__.startswith(f"{__name__}.")
    }


__all__ = [
    "contract_types",
    "AnomalyDetected",
    "Applicant",
    "CalendarYearLoaded",
    "CaseAcceptanceDue",
    "CaseAccepted",
    "CaseCountersigned",
    "CaseDeadlineChanged",
    "CaseDecided",
    "CaseDecisionIssued",
    "CaseDeemedApproved",
    "CaseDelivered",
    "CaseEscalated",
    "CaseEscalationReceived",
    "CaseEscalationReturned",
    "CaseEvent",
    "CaseExtended",
    "CasePromiseExtended",
    "CaseRefused",
    "CaseResumed",
    "CaseReturned",
    "CaseReviewed",
    "CaseSubmitted",
    "CaseSupplementRequested",
    "CaseSupplemented",
    "CaseSuspended",
    "CaseWithdrawalRefusalNoted",
    "CaseWithdrawalRefused",
    "CaseWithdrawalRequested",
    "CaseWithdrawn",
    "CatalogMaterial",
    "CenterNamed",
    "Channel",
    "Color",
    "ComplaintFiled",
    "ComplaintResolved",
    "DepartmentNamed",
    "ItemPublished",
    "JointCompleted",
    "JointDepartment",
    "JointPartDecided",
    "JointPartResumed",
    "JointPartSuspended",
    "JointStarted",
    "Kind",
    "LightChanged",
    "MaskedApplicant",
    "OpinionAnswered",
    "OpinionIssued",
    "Procedure",
    "Step",
    "WorkAssigned",
    "WorkClosed",
    "WorkCountersignRequired",
    "WorkOpened",
    "WorkRescheduled",
    "WorkTransferred",
    "escalated_v1_to_v2",
    "projects",
    "subscriptions",
]
