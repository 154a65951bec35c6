"""Linkage settings (environment variables of the same names, upper-case)."""

from libs.events.kafka import KafkaSettings
from libs.events.runtime import ServiceSettings


class Settings(ServiceSettings):
    """Environment of the linkage service: this center, its parent and how to reach it."""

    database_url: str = "sqlite:///var/linkage.db"
    center_name: str = ""
    # The parent's broker and topic prefix; an empty address means the parent shares this
    # node's cluster (then the prefix tells the centers' topics apart).
    parent_kafka_bootstrap_servers: str = ""
    parent_kafka_topic_prefix: str = ""
    # Ed25519 link key of this center (PEM), or a file holding it; LINK_GENERATE_KEY makes the
    # file when missing (dev only). LINK_PUBLIC_KEYS: JSON center -> public key PEM.
    link_signing_key: str = ""
    link_signing_key_file: str = "var/link/signing.pem"
    link_generate_key: bool = True
    link_public_keys: dict[str, str] = {}
    # A heartbeat goes up every `link_heartbeat_seconds`; a link with no round trip (parent) or
    # no heartbeat (child) for `link_down_after_seconds` is down; down for longer than
    # `link_alert_after_seconds` raises an anomaly on supervision-events.
    link_heartbeat_seconds: float = 2.0
    link_down_after_seconds: float = 10.0
    link_alert_after_seconds: float = 60.0
    link_check_seconds: float = 1.0

    # Webhook deliveries to integrators (WEBHOOK_*).
    webhook_timeout_s: float = 10.0  # one HTTP attempt
    webhook_max_attempts: int = 20  # the retry budget, then the delivery is dead-lettered
    webhook_backoff_base_s: float = 1.0  # attempt n waits up to base * 2**(n-1), with jitter
    webhook_backoff_max_s: float = 1800.0
    webhook_concurrency: int = 4  # deliveries in flight per subscription (one per case at most)
    webhook_rate_per_s: float = 50.0  # requests per second per subscription
    webhook_failing_after_s: float = 300.0  # no success for this long: subscription.failing
    webhook_pause_after_s: float = 86_400.0  # failing for this long more: paused automatically
    webhook_rotation_window_s: float = 86_400.0  # the previous secret stays valid this long
    webhook_poll_interval_s: float = 0.2  # how often a worker reads its queue
    webhook_lease_s: float = 15.0  # a process holds a subscription this long unless renewed
    webhook_retention_days: float = 30.0  # settled deliveries and kept events, then deleted
    webhook_prune_interval_s: float = 3600.0

    def parent_kafka(self) -> KafkaSettings:
        """Connection settings of the parent's broker (this node's own when none is named)."""
        return KafkaSettings(
            kafka_bootstrap_servers=self.parent_kafka_bootstrap_servers
            or self.kafka_bootstrap_servers,
            kafka_topic_prefix=self.parent_kafka_topic_prefix,
            kafka_enable_idempotence=self.kafka_enable_idempotence,
            kafka_session_timeout_ms=self.kafka_session_timeout_ms,
            kafka_heartbeat_interval_ms=self.kafka_heartbeat_interval_ms,
            kafka_partitions=self.kafka_partitions,
        )
