"""leaders' reception days

Revision ID: 0010_reception_days
Revises: 0008_board_guard
Create Date: 2026-12-01 22:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0010_reception_days'
down_revision = '0008_board_guard'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reception_days',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('leader', sa.String(length=255), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reception_days_created_by_id_users')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_reception_days_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reception_days')),
        sa.UniqueConstraint('unit_id', 'held_on', name='uq_reception_days_unit_day'),
    )
    with op.batch_alter_table('reception_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reception_days_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reception_days_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reception_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reception_days_unit_id'))
        batch_op.drop_index(batch_op.f('ix_reception_days_held_on'))
    op.drop_table('reception_days')
