"""inbox reads

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:46:36.242059
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    """Apply this revision."""
    op.create_table('inbox_reads',
    sa.Column('delivery_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('delivery_id', 'user_id')
    )


def downgrade():
    """Revert this revision."""
    op.drop_table('inbox_reads')
