"""Every service's copy of the loaded calendar schedules.

Revision ID: events_0002
"""

from alembic import op

from libs.events.schedules import calendar_schedules

revision = "events_0002"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    calendar_schedules.create(op.get_bind())


def downgrade() -> None:
    calendar_schedules.drop(op.get_bind())
