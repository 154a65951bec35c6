"""Intake settings (environment variables of the same names, upper-case)."""

from pydantic import Field

from libs.events.runtime import ServiceSettings


class Settings(ServiceSettings):
    """Environment of the intake service."""

    database_url: str = "sqlite:///var/intake.db"
    center_name: str = ""  # printed on receipts, e.g. 泉州市行政服务中心
    overdue_check_seconds: float = 60.0  # how often overdue 容缺 promises are looked for
    judgement_check_seconds: float = 60.0  # how often unjudged online submissions are looked for
    lookup_failures_allowed: int = 5  # wrong query codes per client and case number …
    lookup_failures_per_client: int = 50  # wrong look-ups per client, whatever the case number
    lookup_window_seconds: int = 600  # … within this many seconds, before answering 429
    # HMAC key of the query codes kept in the event store; set one per node in production.
    query_code_pepper: str = Field(default="onewindow-dev-pepper-NOT-FOR-PRODUCTION", min_length=16)
