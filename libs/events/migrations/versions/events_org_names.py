"""Every service's copy of the organisation's names (centers, departments).

Revision ID: events_org_names
"""

from alembic import op

from libs.events.org import org_names

revision = "events_org_names"
down_revision = "events_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    org_names.create(op.get_bind())


def downgrade() -> None:
    org_names.drop(op.get_bind())
