"""Linkage settings."""

from libs.events.runtime import ServiceSettings


class Settings(ServiceSettings):
    """Environment of the linkage service."""

    database_url: str = "sqlite:///var/linkage.db"
