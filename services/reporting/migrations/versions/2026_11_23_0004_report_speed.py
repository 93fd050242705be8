"""report speed: daily counts, covering indexes for period figures, an open-set index

`daily_counts` holds cases counted per day (received by status; last resolved by priority,
working days taken and on time), for the whole bloc and per category, priority and channel;
the consumer keeps it in the same transaction as `case_facts`. A database that already holds
facts is filled from them here (the same count `summary.recount` makes). Reports over a month, a quarter or a year count cases straight from an index on the day
column plus what they group and filter by (status, priority, category, channel; for
resolutions the days taken and whether on time), so PostgreSQL answers them with index-only
scans; the open cases (a few per cent) have a partial index for ageing, top units and the
hot list. `ix_case_facts_opened_on` and `ix_case_facts_resolved_on` are the leading columns
of the new indexes and go. See bench/README.md, "Reports at a million cases".

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

OPEN_CONDITION = "status IN ('new', 'assigned', 'in_progress', 'awaiting_info')"


def upgrade():
    """Apply this revision."""
    op.create_table('daily_counts',
    sa.Column('basis', sa.String(length=8), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.String(length=1), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('basis', 'dimension', 'value', 'day', 'status', 'priority',
                            'days', 'on_time')
    )
    with op.batch_alter_table('case_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_case_facts_opened_on')
        batch_op.drop_index('ix_case_facts_resolved_on')
        batch_op.create_index('ix_case_facts_opened_cover',
                              ['opened_on', 'status', 'priority', 'category', 'channel'],
                              unique=False)
        batch_op.create_index('ix_case_facts_resolved_cover',
                              ['resolved_on', 'priority', 'resolution_days',
                               'resolved_on_time', 'category', 'channel'], unique=False)
        batch_op.create_index('ix_case_facts_open',
                              ['opened_on', 'status', 'priority', 'assigned_unit',
                               'deadline_at'], unique=False,
                              postgresql_where=sa.text(OPEN_CONDITION),
                              sqlite_where=sa.text(OPEN_CONDITION))
    fill_daily_counts()


def fill_daily_counts():
    """Count the facts already there (none on a new database)."""
    for dimension, value, grouped in (
            ("all", "''", ""), ("category", "coalesce(category, '')", "3, "),
            ("priority", "priority", "3, "), ("channel", "coalesce(channel, '')", "3, ")):
        op.execute(
            "INSERT INTO daily_counts (basis, dimension, value, day, status, priority, days, "
            f"on_time, cases) SELECT 'opened', '{dimension}', {value}, opened_on, status, '', "
            f"-1, '', count(*) FROM case_facts GROUP BY {grouped}opened_on, status")
        op.execute(
            "INSERT INTO daily_counts (basis, dimension, value, day, status, priority, days, "
            f"on_time, cases) SELECT 'resolved', '{dimension}', {value}, resolved_on, '', "
            "priority, coalesce(resolution_days, -1), CASE WHEN resolved_on_time THEN 'y' "
            "WHEN NOT resolved_on_time THEN 'n' ELSE '' END, count(*) FROM case_facts "
            f"WHERE resolved_on IS NOT NULL GROUP BY {grouped}resolved_on, priority, "
            "coalesce(resolution_days, -1), CASE WHEN resolved_on_time THEN 'y' "
            "WHEN NOT resolved_on_time THEN 'n' ELSE '' END")


def downgrade():
    """Revert this revision."""
    op.drop_table('daily_counts')
    with op.batch_alter_table('case_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_case_facts_open', postgresql_where=sa.text(OPEN_CONDITION),
                            sqlite_where=sa.text(OPEN_CONDITION))
        batch_op.drop_index('ix_case_facts_resolved_cover')
        batch_op.drop_index('ix_case_facts_opened_cover')
        batch_op.create_index('ix_case_facts_resolved_on', ['resolved_on'], unique=False)
        batch_op.create_index('ix_case_facts_opened_on', ['opened_on'], unique=False)
