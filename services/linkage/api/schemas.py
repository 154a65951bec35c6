"""Linkage API bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class Deliveries(BaseModel):
    """The last delivery in each direction of travel over a link."""

    up: datetime | None = Field(None, description="last event delivered upwards (child -> parent)")
    down: datetime | None = Field(None, description="last event delivered downwards")


class LinkRead(BaseModel):
    """One link of this center, as measured now."""

    center: str
    direction: Literal["upstream", "downstream"]
    state: Literal["up", "down"]
    backlog: int = Field(description="events recorded here and not yet delivered over the link")
    oldest_undelivered_age_s: float | None
    last_delivery_at: Deliveries
    last_contact_at: datetime | None = Field(
        description="last round trip to the parent's broker, or last heartbeat of the child"
    )
    down_for_s: float
    last_error: str | None
    last_error_at: datetime | None


class LinkKeyRead(BaseModel):
    """This center's public link key, for the configuration of its parent and children."""

    center: str
    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key_pem: str
