"""Applicants' contacts keep the identity number's keyed hash, to search the worklist by.

Revision 0001 creates tables from the current metadata, so a new database has it already;
contacts kept before have no hash (their cases are found by name and number).

Revision ID: approval_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "approval_0003"
down_revision = "approval_0002"
branch_labels = None
depends_on = None

INDEX = "ix_case_contacts_id_hash"


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "id_hash" not in {c["name"] for c in inspector.get_columns("case_contacts")}:
        with op.batch_alter_table("case_contacts") as batch:
            batch.add_column(sa.Column("id_hash", sa.String(64)))
    if INDEX not in {i["name"] for i in inspector.get_indexes("case_contacts")}:
        op.create_index(INDEX, "case_contacts", ["id_hash"])


def downgrade() -> None:
    op.drop_index(INDEX, "case_contacts")
    with op.batch_alter_table("case_contacts") as batch:
        batch.drop_column("id_hash")
