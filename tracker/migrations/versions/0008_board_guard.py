"""no supervisory board as a case's unit

A trigger on cases (and on units) refuses a front committee or a People's Inspection Board
as a case's receiving or resolving unit, except the recommendation a board issued itself
(tracker/models/board_guard.py says why a trigger and not a CHECK).

Revision ID: 0008_board_guard
Revises: 0002
"""
from __future__ import annotations

from alembic import op

from tracker.models import board_guard

revision = '0008_board_guard'
down_revision = '0002'
branch_labels = None
depends_on = None

# The board kinds when this revision was written; a later revision that adds one drops the
# guard and creates it again with the new list.
BOARD_KINDS = ("front_committee", "inspection_board")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in board_guard.create_sql(dialect, BOARD_KINDS):
        op.execute(statement)


def downgrade() -> None:
    for statement in board_guard.drop_sql(op.get_bind().dialect.name):
        op.execute(statement)
