"""channels, duplicates, directory copy, imports, reports

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:20:07.005830
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
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('imports',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=True),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.String(length=120), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_imported', sa.Integer(), nullable=False),
    sa.Column('rows_already_imported', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imports_file_hash'), ['file_hash'], unique=False)

    op.create_table('match_keys',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('key', 'submission_id')
    )
    op.create_table('periodic_reports',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('submitted_by', sa.String(length=120), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_code', 'period')
    )
    op.create_table('public_comments',
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    with op.batch_alter_table('public_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_comments_submission_id'), ['submission_id'], unique=False)

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('external_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('import_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('report_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('match_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('possible_duplicate_of', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('duplicate_score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('answer', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_submissions_match_key'), ['match_key'], unique=False)
        batch_op.create_unique_constraint("uq_submissions_external_key", ['external_key'])


def downgrade():
    """Revert this revision."""
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint("uq_submissions_external_key", type_='unique')
        batch_op.drop_index(batch_op.f('ix_submissions_match_key'))
        batch_op.drop_column('answer')
        batch_op.drop_column('duplicate_score')
        batch_op.drop_column('possible_duplicate_of')
        batch_op.drop_column('match_key')
        batch_op.drop_column('report_id')
        batch_op.drop_column('import_id')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
        batch_op.drop_column('address')
        batch_op.drop_column('external_key')
        batch_op.drop_column('client')

    with op.batch_alter_table('public_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_comments_submission_id'))

    op.drop_table('public_comments')
    op.drop_table('periodic_reports')
    op.drop_table('match_keys')
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imports_file_hash'))

    op.drop_table('imports')
    op.drop_table('directory_units')
