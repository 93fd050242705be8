"""Alembic environment of the intake service."""

from services.common.migrations import run_migrations
from services.intake.models import metadata

run_migrations(metadata)
