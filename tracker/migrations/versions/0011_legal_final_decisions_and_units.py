"""legal fidelity: decisions delivered and final, suspensions, units closed with a successor

- cases.delivered_on: the day the petitioner received the decision (KN Art. 33: the second
  complaint window and the decision's finality run from it).
- cases.period_end_on: the period's own last day before any roll-over to a working day, so a
  suspension moves that day and the due date rolls over once (DOMAIN.md §2); NULL on rows
  written before this revision (the due date is used then).
- cases.suspended_days: days the clock lost to suspensions since the period started (the legal
  maximum of an extension moves by them).
- units.successor_id: the unit that carries on a closed unit's work (the 2025 reorganisation).

Revision ID: 0009_legal
Revises: 0010_reception_days
Create Date: 2026-12-01 23:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_legal'
down_revision = '0008_login_throttles'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_end_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('suspended_days', sa.Integer(), server_default='0', nullable=False))

    if op.get_bind().dialect.name == 'sqlite':
        # A plain ADD COLUMN: recreating `units` in batch mode would break the triggers on `cases`
        # that read it (0008_board_guard).
        op.execute('ALTER TABLE units ADD COLUMN successor_id INTEGER '
                   'CONSTRAINT fk_units_successor_id_units REFERENCES units (id)')
    else:
        op.add_column('units', sa.Column('successor_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_units_successor_id_units'), 'units', 'units', ['successor_id'], ['id'])


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE units DROP COLUMN successor_id')
    else:
        op.drop_constraint(op.f('fk_units_successor_id_units'), 'units', type_='foreignkey')
        op.drop_column('units', 'successor_id')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('suspended_days')
        batch_op.drop_column('period_end_on')
        batch_op.drop_column('delivered_on')
