"""Supervision settings."""

from libs.events.runtime import ServiceSettings


class Settings(ServiceSettings):
    """Environment of the supervision service."""

    database_url: str = "sqlite:///var/supervision.db"
