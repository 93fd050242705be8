"""A private PostgreSQL cluster in a temporary directory, that a test may restart at will.

The machine's shared PostgreSQL serves everyone's tests; a fault test that restarts the
database gets its own cluster instead: `initdb` into a temp dir and `pg_ctl` on a free port,
run as the `postgres` OS user (PostgreSQL refuses to run as root).
"""

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg2
from psycopg2 import sql

from tests.support.mail import free_port

SETTINGS = {
    # the machine does not crash in these tests, only PostgreSQL: the kernel keeps what was
    # written, so skipping fsync loses nothing and spares the shared disk
    "fsync": "off", "full_page_writes": "off", "synchronous_commit": "on",
    "max_connections": "400", "shared_buffers": "64MB", "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''", "logging_collector": "off",
}


def postgres_bin(tool):
    """Path of a PostgreSQL server tool (the newest installed version)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if not found:
        raise FileNotFoundError(f"no {tool} under /usr/lib/postgresql/*/bin")
    return found[-1]


def _as_postgres(*command, timeout=120):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], check=True, capture_output=True, text=True,
                          timeout=timeout)


class PrivatePostgres:
    """One throwaway cluster: init, start, restart (fast or immediate), databases, teardown."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="fault-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.port = free_port()

    @property
    def admin_url(self):
        """URL of the maintenance database as the superuser (trust on loopback)."""
        return self.url("postgres")

    def url(self, database):
        """URL of a database on this cluster."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def init(self):
        """Create the cluster files, owned by the postgres user."""
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        _as_postgres(postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres",
                     "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {self.port}\n")
            conf.writelines(f"{name} = {value}\n" for name, value in SETTINGS.items())
        return self

    def start(self, timeout=60):
        """Start the server and wait until it accepts connections."""
        _as_postgres(postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                     "-w", "-t", str(timeout), "start", timeout=timeout + 10)
        self.wait_ready(timeout)
        return self

    def stop(self, mode="fast", timeout=60):
        """Stop the server: `fast` (disconnect clients, checkpoint) or `immediate` (crash)."""
        _as_postgres(postgres_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                     "-t", str(timeout), "stop", timeout=timeout + 10)

    def restart(self, mode="fast"):
        """Stop in `mode` and start again; returns the seconds the server was unavailable."""
        began = time.monotonic()
        self.stop(mode)
        self.start()
        return time.monotonic() - began

    def is_running(self):
        """True while the server's postmaster runs."""
        try:
            _as_postgres(postgres_bin("pg_ctl"), "-D", str(self.data), "status")
        except subprocess.CalledProcessError:
            return False
        return True

    def wait_ready(self, timeout=60):
        """Wait until a connection succeeds (crash recovery may take a moment)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg2.connect(self.admin_url, connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def _admin(self):
        connection = psycopg2.connect(self.admin_url, connect_timeout=5)
        connection.autocommit = True
        return connection

    def create_database(self, prefix="t"):
        """Create an empty database with a unique name; return its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        connection = self._admin()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            connection.close()
        return self.url(name)

    def drop_database(self, url):
        """Drop a database of this cluster, ending its sessions first."""
        name = url.rpartition("/")[2]
        connection = self._admin()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(
                    sql.Identifier(name)))
        finally:
            connection.close()

    def destroy(self):
        """Stop the server (if running) and delete its files."""
        if self.data.exists() and self.is_running():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)
