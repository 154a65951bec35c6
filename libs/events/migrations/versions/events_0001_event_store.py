"""The event store, the transactional outbox and consumer tracking.

Revision ID: events_0001
"""

from alembic import op

from libs.events.db import events, outbox, processed

revision = "events_0001"
down_revision = None
branch_labels = ("events",)
depends_on = None

TABLES = (events, outbox, processed)


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind)
