"""directory copy

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:23:36.739389
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    """Apply this revision."""
    op.create_table('directory_units',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('parent', sa.String(length=32), nullable=True),
    sa.Column('emails', sa.JSON(), nullable=False),
    sa.Column('webhook_url', sa.String(length=500), nullable=True),
    sa.Column('head_name', sa.String(length=120), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )


def downgrade():
    """Revert this revision."""
    op.drop_table('directory_units')
