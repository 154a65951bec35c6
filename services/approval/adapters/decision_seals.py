"""The seal of a decision document: the department's key, and the PDF it is put on."""

from __future__ import annotations

from typing import Any

from services.approval.adapters import pdf
from services.approval.adapters.seals import SealKeys


class DecisionSeals(SealKeys):
    """Seal keys that also render the document they seal (the `Seals` port)."""

    def render(self, document: dict[str, Any]) -> bytes:
        """The decision's PDF; the same document always renders the same bytes."""
        return pdf.render_decision(document)
