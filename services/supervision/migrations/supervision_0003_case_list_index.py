"""The case list (`GET /v1/cases`) pages newest received first by keyset: an index for it.

Revision 0001 creates tables from the current metadata, so a new database has it already.

Revision ID: supervision_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "supervision_0003"
down_revision = "supervision_0002"
branch_labels = None
depends_on = None

INDEX = "ix_supervised_cases_received"


def upgrade() -> None:
    present = {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("supervised_cases")}
    if INDEX not in present:
        op.create_index(INDEX, "supervised_cases", ["center", "received_at", "case_id"])


def downgrade() -> None:
    op.drop_index(INDEX, "supervised_cases")
