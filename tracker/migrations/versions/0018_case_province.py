"""cases.province_id and cases.other_provinces, leading the indexes a province's figures read:
one province's figures no longer grow with the other provinces' data (issue 13, README "Beyond
one province"). Existing rows get the root of their receiving unit's tree, and the mark when a
unit of another tree resolves them now or did in their history.

Revision ID: 0018_case_province
Revises: 0017_petitioner_withdrawal
Create Date: 2026-12-07 19:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker.models import board_guard

revision = '0018_case_province'
down_revision = '0017_petitioner_withdrawal'
branch_labels = None
depends_on = None

# The board kinds when this revision was written: the guard on `cases` is created again with them.
BOARDS = ("front_committee", "inspection_board", "investment_board")


def _root(path: str) -> str:
    """SQL for the id of the root of the tree of a unit whose path is the column `path`."""
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(split_part({path}, '/', 2) AS INTEGER)"
    return f"CAST(substr({path}, 2, instr(substr({path}, 2), '/') - 1) AS INTEGER)"


def _guard(kinds: tuple[str, ...] | None) -> None:
    """Drop the board guard, and create it again for `kinds` (SQLite copies `cases` to make a
    column NOT NULL, which its triggers would not survive, so the guard is dropped first)."""
    dialect = op.get_bind().dialect.name
    for statement in board_guard.drop_sql(dialect) + (board_guard.create_sql(dialect, kinds) if kinds else []):
        op.execute(statement)


def upgrade() -> None:
    _guard(None)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('other_provinces', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(f"UPDATE cases SET province_id = (SELECT {_root('u.path')} FROM units u WHERE u.id = cases.received_unit_id)")
    op.execute(
        f"UPDATE cases SET other_provinces = true WHERE EXISTS (SELECT 1 FROM units u WHERE u.id = cases.assigned_unit_id "
        f"AND {_root('u.path')} <> cases.province_id) OR EXISTS (SELECT 1 FROM history_entries h JOIN units u ON "
        f"u.id = h.unit_id WHERE h.case_id = cases.id AND {_root('u.path')} <> cases.province_id)"
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.alter_column('province_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_cases_province_kind_received_on', ['province_id', 'kind', 'received_on'], unique=False)
        batch_op.create_index('ix_cases_province_final_on', ['province_id', 'final_on'], unique=False)
        batch_op.create_index('ix_cases_other_provinces', ['other_provinces'], unique=False,
                              postgresql_where=sa.text('other_provinces'), sqlite_where=sa.text('other_provinces'))
    _guard(BOARDS)


def downgrade() -> None:
    _guard(None)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_other_provinces')
        batch_op.drop_index('ix_cases_province_final_on')
        batch_op.drop_index('ix_cases_province_kind_received_on')
        batch_op.drop_column('other_provinces')
        batch_op.drop_column('province_id')
    _guard(BOARDS)
