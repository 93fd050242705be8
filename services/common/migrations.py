"""Alembic glue: one migration history per service, same database URL as the service."""

import zlib
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import text

from .db import make_engine
from .tables import metadata as common_metadata

SERVICES_DIR = Path(__file__).resolve().parent.parent


def alembic_config(service, url):
    """An Alembic config pointing at `services/<service>/migrations` and `url`."""
    config = Config()
    config.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["service"] = service
    return config


def upgrade(service, url, revision="head"):
    """Bring a service's database to `revision`; safe when several replicas start at once."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(service, url), revision)


def run_migrations(service_metadata):
    """Body of each service's env.py: migrate online under a PostgreSQL advisory lock."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    target = [service_metadata, common_metadata]
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    lock_id = zlib.crc32(f"migrate:{config.attributes.get('service', url)}".encode())
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": lock_id})
            connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target,
                              render_as_batch=connection.dialect.name == "sqlite")
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": lock_id})
                connection.commit()
    engine.dispose()
