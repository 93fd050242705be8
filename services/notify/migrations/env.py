"""Alembic environment of the notify service."""

from services.common.migrations import run_migrations
from services.notify.models import metadata

run_migrations(metadata)
