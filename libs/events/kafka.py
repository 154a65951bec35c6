"""Kafka settings, topic names and client factories shared by every service."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from pydantic_settings import BaseSettings

from libs.events.registry import CASE_EVENTS, SUPERVISION_EVENTS, Registry, registry

__all__ = ["CASE_EVENTS", "SUPERVISION_EVENTS", "KafkaSettings"]


class KafkaSettings(BaseSettings):
    """Broker connection: Tansu (tests, `make run`) needs idempotence off; Kafka wants it on."""

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_topic_prefix: str = ""
    kafka_enable_idempotence: bool = False
    kafka_session_timeout_ms: int = 10_000
    kafka_heartbeat_interval_ms: int = 3_000
    kafka_partitions: int = 3
    # How long the broker may hold a fetch that finds nothing new: on Tansu a record produced
    # to an idle consumer was seen ~115 ms later at aiokafka's default (500), ~20 ms at 100,
    # ~11 ms at 50 or 20. At 100 an idle intake and supervision cost ~4.5 % of a core more
    # (broker and services) than at 500; at 50, ~10 %.
    kafka_fetch_max_wait_ms: int = 100

    def topic(self, name: str) -> str:
        """A topic name with this deployment's prefix."""
        return f"{self.kafka_topic_prefix}{name}"

    def topic_for(self, event_type: str, types: Registry = registry) -> str:
        """The topic the type declared at its registration. A type this process does not know
        goes to `case-events`: linkage republishes other centers' case streams whatever their
        types (the relay never asks: each outbox row keeps the topic it was written with)."""
        return self.topic(types.topic_of(event_type) or CASE_EVENTS)

    def producer(self) -> AIOKafkaProducer:
        """acks=all; per-key order holds: aiokafka keeps one request in flight per partition."""
        return AIOKafkaProducer(
            bootstrap_servers=self.kafka_bootstrap_servers,
            acks="all",
            enable_idempotence=self.kafka_enable_idempotence,
            linger_ms=5,
        )

    def consumer(self, *topics: str, group_id: str) -> AIOKafkaConsumer:
        """Manual commits, from the earliest offset when the group is new."""
        return AIOKafkaConsumer(
            *topics,
            bootstrap_servers=self.kafka_bootstrap_servers,
            group_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=self.kafka_session_timeout_ms,
            heartbeat_interval_ms=self.kafka_heartbeat_interval_ms,
            fetch_max_wait_ms=self.kafka_fetch_max_wait_ms,
        )

    async def ensure_topics(self, *names: str) -> None:
        """Create the topics with the configured partitions when the broker lacks them."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.kafka_bootstrap_servers)
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            wanted = [self.topic(n) for n in names]
            new = [
                NewTopic(name=t, num_partitions=self.kafka_partitions, replication_factor=1)
                for t in wanted
                if t not in existing
            ]
            if new:
                try:
                    await admin.create_topics(new)
                except TopicAlreadyExistsError:
                    pass  # another service created it first
        finally:
            await admin.close()
