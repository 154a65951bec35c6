"""Each light keeps its clock's facts (kind, pause intervals, extension): deadlines are derived.

Revision 0001 creates tables from the current metadata, so a new database has them already.

Revision ID: supervision_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "supervision_0002"
down_revision = "supervision_0001"
branch_labels = None
depends_on = None

COLUMNS = (
    sa.Column("kind", sa.String(16), nullable=False, server_default="promised"),
    sa.Column("pauses", sa.JSON(), nullable=False, server_default="[]"),
    sa.Column("extension_days", sa.Integer(), nullable=False, server_default="0"),
)


def upgrade() -> None:
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("lights")}
    with op.batch_alter_table("lights") as batch:
        for column in COLUMNS:
            if column.name not in present:
                batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("lights") as batch:
        for column in COLUMNS:
            batch.drop_column(column.name)
