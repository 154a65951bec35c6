"""Joint items, filed joint cases and the parts' worklist (并联审批).

Revision ID: approval_joint_0001
"""

from alembic import op

from services.approval.adapters.joint_tables import metadata

revision = "approval_joint_0001"
down_revision = "approval_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
