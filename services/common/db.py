"""SQLAlchemy 2 engine per service container and a unit of work per use."""

import logging
from contextlib import contextmanager

from nameko.extensions import DependencyProvider, SharedExtension
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


def engine_url(url):
    """Pin `postgresql://` to psycopg2, the driver that cooperates with eventlet."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def make_engine(url, **kwargs):
    """Create an engine for PostgreSQL (pooled, pre-pinged) or an embedded SQLite file."""
    url = engine_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def is_postgres(session_or_engine):
    """True when the bound database is PostgreSQL."""
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) \
        else session_or_engine
    return bind.dialect.name == "postgresql"


def insert_new(session, obj):
    """Insert a new mapped object with one Core statement, without an ORM flush.

    The object stays transient (not in the session); it is only read afterwards.
    """
    mapper = inspect(type(obj))
    values = {prop.columns[0].key: getattr(obj, prop.key) for prop in mapper.column_attrs
              if prop.key in obj.__dict__}
    session.execute(mapper.local_table.insert().values(**values))
    return obj


class UnitOfWork:
    """Opens sessions that commit on success and roll back on error."""

    def __init__(self, session_factory):
        self.session_factory = session_factory

    @contextmanager
    def transaction(self):
        """Yield a session inside one transaction; commit when the block ends cleanly."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self):
        """Run a trivial query; raises when the database is unreachable."""
        with self.session_factory() as session:
            session.execute(text("SELECT 1"))


class Engine(SharedExtension):
    """One engine and session factory per container, built in setup, disposed on stop."""

    def setup(self):
        """Create the engine from the container's DATABASE_URL."""
        self.engine = make_engine(self.container.config["DATABASE_URL"])
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self.unit_of_work = UnitOfWork(self.session_factory)

    def stop(self):
        """Close every pooled connection."""
        self.engine.dispose()

    def kill(self):
        """Close every pooled connection."""
        self.engine.dispose()


class Database(DependencyProvider):
    """Injects a UnitOfWork; handlers commit inside the handler, before the message is acked."""

    engine = Engine()

    def get_dependency(self, worker_ctx):
        """Return the container's unit of work."""
        return self.engine.unit_of_work
