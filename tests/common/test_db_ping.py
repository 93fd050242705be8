"""Pooled PostgreSQL connections: pinged only after sitting idle; a cut one is replaced."""

import psycopg2
import pytest
from sqlalchemy import exc, text

from services.common.db import make_engine
from tests.support import infra

pytestmark = pytest.mark.integration


@pytest.fixture
def database_url():
    name = infra.create_database("t_ping")
    yield infra.pg_url(name)
    infra.drop_database(name)


def backend_pid(engine):
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_backend_pid()"))


def terminate(pid):
    admin = psycopg2.connect(infra.PG_ADMIN_URL)
    admin.autocommit = True
    with admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))
    admin.close()


def test_a_busy_connection_is_not_pinged(database_url):
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        first = backend_pid(engine)
        pings = []
        original = engine.dialect.do_ping
        engine.dialect.do_ping = lambda connection: pings.append(1) or original(connection)
        for _ in range(5):
            assert backend_pid(engine) == first
        assert pings == []
    finally:
        engine.dispose()


def test_an_idle_connection_cut_by_the_server_is_replaced_before_use(database_url):
    engine = make_engine(database_url, ping_after_idle=0, pool_size=1, max_overflow=0)
    try:
        first = backend_pid(engine)
        terminate(first)
        second = backend_pid(engine)  # no error: the ping found the cut and reconnected
        assert second != first
    finally:
        engine.dispose()


def test_a_busy_connection_cut_fails_once_then_the_pool_reconnects(database_url):
    engine = make_engine(database_url, pool_size=2, max_overflow=0)
    try:
        with engine.connect() as one, engine.connect() as two:
            pids = {one.scalar(text("SELECT pg_backend_pid()")),
                    two.scalar(text("SELECT pg_backend_pid()"))}
        for pid in pids:
            terminate(pid)
        with pytest.raises(exc.OperationalError), engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        # the disconnect invalidated the whole pool: both connections are new
        with engine.connect() as one, engine.connect() as two:
            fresh = {one.scalar(text("SELECT pg_backend_pid()")),
                     two.scalar(text("SELECT pg_backend_pid()"))}
        assert fresh.isdisjoint(pids)
    finally:
        engine.dispose()
