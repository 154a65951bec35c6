"""The materials each case was received with (sent up with a reported case).

Revision ID: approval_0002
"""

from alembic import op

from services.approval.adapters.tables import case_materials

revision = "approval_0002"
down_revision = "approval_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    case_materials.create(op.get_bind(), checkfirst=True)  # approval_0001 creates all tables


def downgrade() -> None:
    case_materials.drop(op.get_bind())
