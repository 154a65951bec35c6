"""The case list (`GET /v1/cases`) pages newest first by keyset, per center or per applicant,
and is searched by identity number: indexes for it.

Revision 0001 creates tables from the current metadata, so a new database has them already.

Revision ID: intake_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "intake_0004"
down_revision = "intake_0003"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_cases_center_submitted": ["center", "submitted_at", "case_id"],
    "ix_cases_submitter_submitted": ["submitted_by", "submitted_at", "case_id"],
    "ix_cases_applicant_id_no": ["applicant_id_no"],
}


def upgrade() -> None:
    present = {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("cases")}
    for name, columns in INDEXES.items():
        if name not in present:
            op.create_index(name, "cases", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, "cases")
