"""Names for people, as the organisation named them and this node is configured."""

from __future__ import annotations

from libs.events.org import Names
from services.supervision.config import Settings
from services.supervision.domain.naming import Naming


def naming_of(known: Names, settings: Settings) -> Naming:
    """Center and department names: `org.*_named` first, then the configured ones."""
    return Naming(known, settings.center_tree(), settings.department_names, settings.center_code)
