"""Throwaway PostgreSQL databases and RabbitMQ vhosts for tests, cleaned up afterwards."""

import os
import shutil
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import requests
from psycopg2 import sql

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RABBIT_HOST = os.environ.get("TEST_RABBIT_HOST", "127.0.0.1")
RABBIT_API = os.environ.get("TEST_RABBIT_API", f"http://{RABBIT_HOST}:15672/api")
RABBIT_AUTH = ("guest", "guest")


def pg_url(database):
    """URL of `database` on the test server, same credentials as the admin URL."""
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{database}"


def _admin():
    connection = psycopg2.connect(PG_ADMIN_URL)
    connection.autocommit = True
    return connection


def create_database(prefix="t"):
    """Create an empty database with a unique name; return its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    connection = _admin()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()
    return name


def drop_database(name):
    """Drop a test database, ending any sessions still attached."""
    connection = _admin()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def _api_available():
    try:
        return requests.get(f"{RABBIT_API}/overview", auth=RABBIT_AUTH, timeout=2).ok
    except requests.RequestException:
        return False


def _rabbitmqctl(*args):
    subprocess.run([shutil.which("rabbitmqctl") or "rabbitmqctl", *args], check=True,
                   capture_output=True, timeout=60)


def create_vhost():
    """Create a vhost with full rights for guest; return its name."""
    name = f"test-{uuid.uuid4().hex[:10]}"
    if _api_available():
        requests.put(f"{RABBIT_API}/vhosts/{name}", auth=RABBIT_AUTH, timeout=10).raise_for_status()
        requests.put(f"{RABBIT_API}/permissions/{name}/guest", auth=RABBIT_AUTH, timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    else:
        _rabbitmqctl("add_vhost", name)
        _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    return name


def delete_vhost(name):
    """Delete a test vhost and everything in it."""
    if _api_available():
        requests.delete(f"{RABBIT_API}/vhosts/{name}", auth=RABBIT_AUTH, timeout=10)
    else:
        _rabbitmqctl("delete_vhost", name)


class VhostPool:
    """Vhosts created one ahead and deleted behind, off the tests' path (each takes RabbitMQ
    half a second or more)."""

    def __init__(self):
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="vhosts")
        self.spare = self.executor.submit(create_vhost)

    def take(self):
        """A fresh vhost; the next one is created meanwhile."""
        name = self.spare.result()
        self.spare = self.executor.submit(create_vhost)
        return name

    def release(self, name):
        """Delete a used vhost in the background."""
        self.executor.submit(delete_vhost, name)

    def close(self):
        """Delete the spare and wait for every deletion."""
        self.release(self.spare.result())
        self.executor.shutdown(wait=True)


def amqp_uri(vhost):
    """The broker URL of a test vhost."""
    return f"amqp://guest:guest@{RABBIT_HOST}:5672/{vhost}"
