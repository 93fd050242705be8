"""Alembic environment of the cases service."""

from services.cases.models import metadata
from services.common.migrations import run_migrations

run_migrations(metadata)
