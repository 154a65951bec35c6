"""Per-stream consumer positions, parked records, rejected outbox rows, outbox retention index.

Replaces the per-event `dead_letters` notes. Databases created before this revision keep their
`processed` rows (dedupe of events without a sequence), but their consumers have no stream
positions: `make clean` such `make run` databases (see the README).

Revision ID: events_0003
"""

from alembic import op

from libs.events.db import outbox, outbox_rejected, parked, stream_positions

revision = "events_0003"
down_revision = "events_0002"
branch_labels = None
depends_on = None

TABLES = (stream_positions, parked, outbox_rejected)


def upgrade() -> None:
    bind = op.get_bind()
    op.execute("DROP TABLE IF EXISTS dead_letters")
    for table in TABLES:
        table.create(bind, checkfirst=True)
    for index in outbox.indexes:
        index.create(bind, checkfirst=True)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind)
