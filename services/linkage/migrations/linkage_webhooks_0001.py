"""Webhook subscriptions, their secrets, received case events and deliveries.

Revision ID: linkage_webhooks_0001
"""

from alembic import op

from services.linkage.adapters.webhook_tables import metadata

revision = "linkage_webhooks_0001"
down_revision = "events_0001"
branch_labels = ("webhooks",)
depends_on = None


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
