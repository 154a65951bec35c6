"""The project's AsyncAPI document: the contract's topics and the links between centers."""

from __future__ import annotations

from typing import Any

from libs.events import asyncapi
from services.linkage.api.channels import link_channels


def document() -> dict[str, Any]:
    """What `onewindow asyncapi` prints and docs/asyncapi.json holds."""
    return asyncapi.document(extra=link_channels())
