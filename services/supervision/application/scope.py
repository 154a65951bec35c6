"""Who sees what: supervisors their center and the centers below it; departments their own."""

from __future__ import annotations

from libs.events.auth import CENTER_WIDE_ROLES, Principal, Role
from services.supervision.domain.scope import CenterTree, Scope

STAFF_ROLES = frozenset({Role.clerk, Role.reviewer, Role.approver})


def scope_of(principal: Principal, tree: CenterTree) -> Scope:
    """What this principal may see; nothing at all without a center (fail closed)."""
    if principal.center is None:
        return Scope(frozenset())
    if principal.role in CENTER_WIDE_ROLES:
        return Scope(tree.with_children(principal.center))
    if principal.role in STAFF_ROLES and principal.department:
        return Scope(frozenset({principal.center}), principal.department)
    return Scope(frozenset())
