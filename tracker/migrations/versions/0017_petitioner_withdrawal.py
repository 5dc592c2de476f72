"""petitioners.withdrawn_on: a co-complainant who withdrew while the others go on (DOMAIN.md §3:
only all co-complainants withdrawing terminates the case; issue 15)

Revision ID: 0017_petitioner_withdrawal
Revises: 0015_imports
Create Date: 2026-12-07 16:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017_petitioner_withdrawal'
down_revision = '0015_imports'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('petitioners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('petitioners', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_on')
