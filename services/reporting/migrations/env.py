"""Alembic environment of the reporting service."""

from services.common.migrations import run_migrations
from services.reporting.models import metadata

run_migrations(metadata)
