"""preferences, languages, case clocks and reminders

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:29:55.681309
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    """Apply this revision."""
    op.create_table('case_clocks',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('tracking_code', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('assigned_unit', sa.String(length=32), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_reminder_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('correlation_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('case_id')
    )
    with op.batch_alter_table('case_clocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_clocks_next_reminder_at'), ['next_reminder_at'], unique=False)

    op.create_table('preferences',
    sa.Column('owner', sa.String(length=64), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('quiet_start', sa.String(length=5), nullable=True),
    sa.Column('quiet_end', sa.String(length=5), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('follows', sa.String(length=64), nullable=True),
    sa.Column('digests', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('owner')
    )
    with op.batch_alter_table('preferences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_preferences_follows'), ['follows'], unique=False)

    op.create_table('reminders_sent',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('case_id', 'started_at', 'kind')
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=False,
                                      server_default='vi'))


def downgrade():
    """Revert this revision."""
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('language')
        batch_op.drop_column('audience')

    op.drop_table('reminders_sent')
    with op.batch_alter_table('preferences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_preferences_follows'))

    op.drop_table('preferences')
    with op.batch_alter_table('case_clocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_clocks_next_reminder_at'))

    op.drop_table('case_clocks')
