"""Cases follow approval's state (suspended, escalated) and record the delivery.

Revision 0001 creates tables from the current metadata, so a new database already has them.

Revision ID: intake_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0003"
down_revision = "intake_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("cases")}
    with op.batch_alter_table("cases") as batch:
        if "progress" not in columns:
            batch.add_column(sa.Column("progress", sa.String(32)))
        if "delivered_at" not in columns:
            batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("delivered_at")
        batch.drop_column("progress")
