"""SQLAlchemy 2 engine per service container and a unit of work per use."""

import logging
import time
from contextlib import contextmanager

from nameko.extensions import DependencyProvider, SharedExtension
from sqlalchemy import create_engine, event, exc, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

# a pooled connection unused for this long is pinged before use (it may have been cut)
PING_AFTER_IDLE_SECONDS = 10.0


def engine_url(url):
    """Pin `postgresql://` to psycopg2, the driver that cooperates with eventlet."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def ping_when_idle(engine, idle_seconds=PING_AFTER_IDLE_SECONDS):
    """Ping a pooled connection before use only when it sat idle for `idle_seconds`.

    A busy connection is not pinged (a `SELECT 1` per transaction costs a round trip each
    time): if the database went away under it, the failed statement invalidates the whole
    pool, the request answers 503 or the handler is retried, and the next use reconnects.
    """
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
            dbapi_connection.rollback()
        except engine.dialect.loaded_dbapi.Error as error:
            # the pool discards this connection and checks out (or opens) another
            raise exc.DisconnectionError(str(error)) from error


def make_engine(url, ping_after_idle=PING_AFTER_IDLE_SECONDS, **kwargs):
    """Create an engine for PostgreSQL (pooled, pinged when idle) or an embedded SQLite file."""
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
    engine = create_engine(url, **kwargs)
    ping_when_idle(engine, ping_after_idle)
    return engine


def is_postgres(session_or_engine):
    """True when the bound database is PostgreSQL."""
    bind = session_or_engine.get_bind() if isinstance(session_or_engine, Session) \
        else session_or_engine
    return bind.dialect.name == "postgresql"


def insert_for(session, table):
    """An INSERT of the session's dialect (PostgreSQL or SQLite), for ON CONFLICT clauses.

    A mapped class is inserted as its table: a Core statement, without the ORM's bulk
    machinery (several times the CPU per statement on a hot path)."""
    dialect = postgresql if is_postgres(session) else sqlite
    return dialect.insert(getattr(table, "__table__", table))


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
