"""Idempotency-Key claims and answers of every service (libs/events/idempotency.py).

Revision ID: events_idempotency
"""

from alembic import op

from libs.events.idempotency import idempotent_requests

revision = "events_idempotency"
down_revision = "events_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    idempotent_requests.create(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    idempotent_requests.drop(op.get_bind())
