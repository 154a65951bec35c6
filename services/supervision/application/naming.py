"""Names for people, as the organisation named them and this node is configured."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from libs.events.org import Names
from services.supervision.config import Settings
from services.supervision.domain.scope import CenterTree


@dataclass(frozen=True)
class Naming:
    """`org.*_named` events first, then the configured names (CENTERS, DEPARTMENT_NAMES)."""

    known: Names
    tree: CenterTree
    configured_departments: Mapping[str, str]
    own_center: str

    def center(self, code: str) -> str:
        """A center's name."""
        return self.known.centers.get(code) or self.tree.name(code)

    def department(self, code: str, center: str | None = None) -> str:
        """A department's name at its center (else at this node's center, else anywhere)."""
        for at in (center, self.own_center):
            if at is not None and (at, code) in self.known.departments:
                return self.known.departments[(at, code)]
        elsewhere = (n for (_, k), n in sorted(self.known.departments.items()) if k == code)
        return next(elsewhere, None) or self.configured_departments.get(code) or code


def naming_of(known: Names, settings: Settings) -> Naming:
    """Center and department names: `org.*_named` first, then the configured ones."""
    return Naming(known, settings.center_tree(), settings.department_names, settings.center_code)
