"""investment board and projects

- units.kind: a third supervisory board, the community investment supervision board
  (`investment_board`, DCCS 2022, DOMAIN.md §6); the database's guard against a board as a
  case's unit (tracker/models/board_guard.py) is created again with it.
- projects: the investment projects carried out in a commune, which that board supervises.
- supervisions.project_id: a supervision whose scope is a project.

Revision ID: 0016_investment_board
Revises: 0011_notifications
Create Date: 2026-12-01 22:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker.models import board_guard

revision = '0016_investment_board'
down_revision = '0011_notifications'
branch_labels = None
depends_on = None

# The board kinds before and after this revision, frozen as they were then.
BOARDS_BEFORE = ("front_committee", "inspection_board")
BOARDS_AFTER = ("front_committee", "inspection_board", "investment_board")
KINDS_BEFORE = "kind IN ('province', 'district', 'commune', 'agency', 'front_committee', 'inspection_board')"
KINDS_AFTER = ("kind IN ('province', 'district', 'commune', 'agency', 'front_committee', 'inspection_board', "
               "'investment_board')")


def _guard(kinds: tuple[str, ...] | None) -> None:
    """Drop the board guard, and create it again for `kinds` (SQLite copies `units` to alter it,
    which its triggers would not survive, so the guard is dropped first)."""
    dialect = op.get_bind().dialect.name
    for statement in board_guard.drop_sql(dialect) + (board_guard.create_sql(dialect, kinds) if kinds else []):
        op.execute(statement)


def upgrade() -> None:
    _guard(None)
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_units_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_units_kind'), KINDS_AFTER)
    _guard(BOARDS_AFTER)

    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('investor', sa.String(length=255), nullable=False),
    sa.Column('investor_unit_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('budget_vnd', sa.BigInteger(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('planned_completion_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('preparing', 'in_progress', 'suspended', 'completed')", name=op.f('ck_projects_status')),
    sa.CheckConstraint('budget_vnd IS NULL OR budget_vnd >= 0', name=op.f('ck_projects_budget_vnd')),
    sa.CheckConstraint('planned_completion_on IS NULL OR started_on IS NULL OR planned_completion_on >= started_on',
                       name=op.f('ck_projects_dates_in_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_projects_created_by_id_users')),
    sa.ForeignKeyConstraint(['investor_unit_id'], ['units.id'], name=op.f('fk_projects_investor_unit_id_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_projects_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('unit_id', 'name', name='uq_projects_unit_name')
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('supervisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_supervisions_project_id'), ['project_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_supervisions_project_id_projects'), 'projects', ['project_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('supervisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_supervisions_project_id_projects'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_supervisions_project_id'))
        batch_op.drop_column('project_id')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_unit_id'))

    op.drop_table('projects')
    _guard(None)
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_units_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_units_kind'), KINDS_BEFORE)
    _guard(BOARDS_BEFORE)
