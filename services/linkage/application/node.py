"""Where this linkage node sits: its center, its parent, its topics and its link keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from libs.events.envelope import source_of
from libs.events.kafka import KafkaSettings
from services.linkage.adapters.keys import LinkKeys
from services.linkage.config import Settings
from services.linkage.domain.events import LINK_DOWN, LINK_UP


@dataclass(frozen=True)
class Node:
    """This node's settings and link keys, as the link handlers use them."""

    settings: Settings
    keys: LinkKeys

    @property
    def center(self) -> str:
        """This node's center code."""
        return self.settings.center_code

    @property
    def parent(self) -> str:
        """The parent center's code ('' for the top of the tree)."""
        return self.settings.parent_center

    @property
    def source(self) -> str:
        """The `source` of the events linkage itself emits."""
        return source_of(self.center, "linkage")

    @property
    def parent_kafka(self) -> KafkaSettings:
        """How to reach the parent's broker."""
        return self.settings.parent_kafka()

    @property
    def up_topic(self) -> str:
        """Where this node pushes: the parent's `link-up`."""
        return self.parent_kafka.topic(LINK_UP)

    @property
    def down_topic(self) -> str:
        """Where this node publishes for its children: its own `link-down`."""
        return self.settings.topic(LINK_DOWN)

    def now(self) -> datetime:
        """Link timing is measured on the wall clock, never on a test's business clock."""
        return datetime.now(UTC)
