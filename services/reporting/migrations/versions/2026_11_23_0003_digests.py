"""digests: weekly and periodic digests compiled for leadership

One row per kind and period (unique on kind, period_start): the constraint is what makes a
digest -- and the `digest_compiled` written with it -- exist once, however many replicas try.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    """Apply this revision."""
    op.create_table('digests',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('compiled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'period_start', name='uq_digests_kind_period_start')
    )
    with op.batch_alter_table('digests', schema=None) as batch_op:
        batch_op.create_index('ix_digests_period_end', ['period_end'], unique=False)


def downgrade():
    """Revert this revision."""
    with op.batch_alter_table('digests', schema=None) as batch_op:
        batch_op.drop_index('ix_digests_period_end')

    op.drop_table('digests')
