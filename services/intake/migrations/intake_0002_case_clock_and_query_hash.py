"""Cases keep their clock facts (libs/events/caseclock) and the query code's hash.

`added_days` (working days mirrored from approval's computed values) gives way to `clock`; its
days become the extension days of open cases, the nearest the old rows allow. Revision 0001
creates tables from the current metadata, so a new database already has the new columns.

Revision ID: intake_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0002"
down_revision = "intake_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("cases")}
    with op.batch_alter_table("cases") as batch:
        if "clock" not in columns:
            batch.add_column(sa.Column("clock", sa.JSON()))
        if "query_hash" not in columns:
            batch.add_column(sa.Column("query_hash", sa.String(64)))
    if "added_days" in columns:
        op.execute(
            "UPDATE cases SET clock = json_build_object("
            "'accepted_at', accepted_at, 'limit_days', limit_days, 'kind', kind,"
            " 'pauses', json_build_array(), 'extension_days', added_days)"
            " WHERE accepted_at IS NOT NULL"
            if op.get_bind().dialect.name == "postgresql"
            else "UPDATE cases SET clock = json_object('accepted_at', accepted_at, 'limit_days',"
            " limit_days, 'kind', kind, 'pauses', json_array(), 'extension_days', added_days)"
            " WHERE accepted_at IS NOT NULL"
        )
        with op.batch_alter_table("cases") as batch:
            batch.drop_column("added_days")


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("query_hash")
        batch.drop_column("clock")
        batch.add_column(sa.Column("added_days", sa.Integer(), nullable=False, server_default="0"))
