"""Worklist lines of linked cases: the center below that sent the case up, and when it came.

Revision ID: approval_linked_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "approval_linked_0001"
down_revision = "approval_0002"
branch_labels = None
depends_on = None

COLUMNS = (("escalated_from", sa.String(64)), ("received_at", sa.DateTime(timezone=True)))


def upgrade() -> None:
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("work_items")}
    with op.batch_alter_table("work_items") as batch:  # approval_0001 makes new tables whole
        for name, kind in COLUMNS:
            if name not in present:
                batch.add_column(sa.Column(name, kind))


def downgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        for name, _ in COLUMNS:
            batch.drop_column(name)
