"""Risk-of-bias assessments and their domains.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

Written out table by table (not created from the current ``schema.metadata``), so that this revision
creates the same tables for ever, whatever later revisions change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rob_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tool', sa.String(length=20), nullable=False),
    sa.Column('variant', sa.String(length=20), nullable=False),
    sa.Column('aim', sa.String(length=20), nullable=False),
    sa.Column('study', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('overall', sa.String(length=20), nullable=True),
    sa.Column('overall_proposed', sa.String(length=20), nullable=True),
    sa.Column('overall_justification', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('assessor', sa.Text(), nullable=False),
    sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('saved_by', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_rob_assessments_key', 'rob_assessments', ['tool', 'study', 'outcome'], unique=False)
    op.create_table('rob_domains',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('key', sa.String(length=10), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('judgement', sa.String(length=20), nullable=True),
    sa.Column('proposed', sa.String(length=20), nullable=True),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('direction', sa.Text(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('missing', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['rob_assessments.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'position')
    )


def downgrade() -> None:
    op.drop_table('rob_domains')
    op.drop_index('ix_rob_assessments_key', table_name='rob_assessments')
    op.drop_table('rob_assessments')
