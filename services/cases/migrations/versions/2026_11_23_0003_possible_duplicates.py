"""possible duplicates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:22:12.109308
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    """Apply this revision."""
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('possible_duplicate_of', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('duplicate_score', sa.Float(), nullable=True))


def downgrade():
    """Revert this revision."""
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('duplicate_score')
        batch_op.drop_column('possible_duplicate_of')

