"""a mail is claimed before it is sent, so two senders never send it twice

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 23:45:00

Two senders at once (cron's send-mail and send-follow-ups, a request that sends right after
storing a lead) could both read a mail as unsent and both send it. A sender now claims its
mails first (scan/mail.py claim).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # In place: batch mode would rebuild the table.
    op.execute(sa.text("ALTER TABLE outbox DROP COLUMN claimed_until"))
