"""cases.last_seq, cases.last_hash: the head of the case's history chain kept on the case row, so
that appending an entry reads no history (issue 13: a SELECT of the previous hash on every write).

Filled from each case's last history entry; a case with no history keeps 0 and the genesis hash.

Revision ID: 0019_case_chain_head
Revises: 0018_case_province
Create Date: 2026-12-07 19:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019_case_chain_head'
down_revision = '0018_case_province'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    # Plain ALTER TABLE on both backends: a batch copy of `cases` on SQLite would trip the board
    # guard's triggers, which name the table.
    op.add_column('cases', sa.Column('last_seq', sa.Integer(), server_default='0', nullable=False))
    op.add_column('cases', sa.Column('last_hash', sa.String(length=64), server_default=GENESIS, nullable=False))
    op.execute(
        "UPDATE cases SET"
        " last_seq = (SELECT h.seq FROM history_entries h WHERE h.case_id = cases.id ORDER BY h.seq DESC LIMIT 1),"
        " last_hash = (SELECT h.hash FROM history_entries h WHERE h.case_id = cases.id ORDER BY h.seq DESC LIMIT 1)"
        " WHERE EXISTS (SELECT 1 FROM history_entries h WHERE h.case_id = cases.id)"
    )


def downgrade() -> None:
    op.drop_column('cases', 'last_hash')
    op.drop_column('cases', 'last_seq')
