"""Screening events: every decision a reviewer records or withdraws, kept (append-only); who added an
exclusion reason, and when.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

``screening_decisions`` keeps each reviewer's current decision (one row per record, stage and
reviewer); ``screening_events`` keeps the history of it: a changed decision adds a ``decided`` event
and leaves the earlier one, a withdrawn decision (undo) adds a ``withdrawn`` event. The decisions a
store already holds become its first events. ``exclusion_reasons`` gains ``added_by`` and
``added_at`` (empty for the reasons a store already holds). Written out (not created from ``schema.metadata``), so
that this revision creates the same table for ever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('screening_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('reviewer', sa.Text(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_screening_events_record_id', 'screening_events', ['record_id'], unique=False)
    op.execute("INSERT INTO screening_events (record_id, stage, reviewer, action, decision, reason, at) "
               "SELECT record_id, stage, reviewer, 'decided', decision, reason, decided_at "
               "FROM screening_decisions ORDER BY id")
    op.add_column('exclusion_reasons', sa.Column('added_by', sa.Text(), nullable=True))
    op.add_column('exclusion_reasons', sa.Column('added_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('exclusion_reasons') as batch:
        batch.drop_column('added_at')
        batch.drop_column('added_by')
    op.drop_index('ix_screening_events_record_id', table_name='screening_events')
    op.drop_table('screening_events')
