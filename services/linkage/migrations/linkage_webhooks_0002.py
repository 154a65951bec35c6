"""Indexes for retention and replay: deliveries by kept event, kept events by time.

Revision ID: linkage_webhooks_0002
"""

from alembic import op

revision = "linkage_webhooks_0002"
down_revision = "linkage_webhooks_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made after these indexes joined the tables has them already (0001 creates
    # the tables as they are now).
    op.create_index(
        "ix_webhook_deliveries_position", "webhook_deliveries", ["position"], if_not_exists=True
    )
    op.create_index("ix_webhook_events_time", "webhook_events", ["time"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_webhook_events_time", "webhook_events")
    op.drop_index("ix_webhook_deliveries_position", "webhook_deliveries")
