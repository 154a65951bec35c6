"""Center links.

Revision ID: linkage_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "linkage_0001"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "links",
        sa.Column("center", sa.String(64), primary_key=True),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("delivered", sa.BigInteger, nullable=False),
        sa.Column("last_event", sa.String(200), nullable=False),
        sa.Column("last_delivery_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("links")
