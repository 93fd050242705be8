"""case workflow directory and users

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 08:29:44.380647
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    """Apply this revision."""
    op.create_table('units',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=True),
    sa.Column('parent_code', sa.String(length=32), nullable=True),
    sa.Column('emails', sa.JSON(), nullable=False),
    sa.Column('webhook_url', sa.String(length=500), nullable=True),
    sa.Column('head_name', sa.String(length=120), nullable=True),
    sa.Column('head_title', sa.String(length=120), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_parent_code'), ['parent_code'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('case_comments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.String(length=36), nullable=False),
    sa.Column('author_name', sa.String(length=120), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_comments_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('case_history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_role', sa.String(length=16), nullable=True))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('sensitivity', sa.String(length=16), nullable=False, server_default='normal'))
        batch_op.add_column(sa.Column('assigned_unit', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('coordinating_units', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('escalation_level', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('escalated_units', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('overdue_marked_for', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('escalated_for', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolution', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('merged_into', sa.String(length=36), nullable=True))
        batch_op.create_index('ix_cases_assigned_status', ['assigned_unit', 'status'], unique=False)
        batch_op.create_index('ix_cases_open_deadline', ['status', 'deadline_at'], unique=False)



def downgrade():
    """Revert this revision."""
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_open_deadline')
        batch_op.drop_index('ix_cases_assigned_status')
        batch_op.drop_column('merged_into')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('resolution')
        batch_op.drop_column('escalated_for')
        batch_op.drop_column('overdue_marked_for')
        batch_op.drop_column('paused_at')
        batch_op.drop_column('deadline_at')
        batch_op.drop_column('escalated_units')
        batch_op.drop_column('escalation_level')
        batch_op.drop_column('coordinating_units')
        batch_op.drop_column('assigned_unit')
        batch_op.drop_column('sensitivity')
        batch_op.drop_column('search_text')

    with op.batch_alter_table('case_history', schema=None) as batch_op:
        batch_op.drop_column('actor_role')

    with op.batch_alter_table('case_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_comments_case_id'))

    op.drop_table('case_comments')
    op.drop_table('users')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_parent_code'))

    op.drop_table('units')
