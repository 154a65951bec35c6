"""Investment projects and their stages (并联审批), as supervision tracks them.

Revision ID: supervision_projects_0001
"""

from alembic import op

from services.supervision.adapters.project_tables import metadata

revision = "supervision_projects_0001"
down_revision = "supervision_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
