"""What the deployment runs, run natively with the environment compose gives each service:
the PostgreSQL init script creates the databases and roles, the image's entry point migrates
and serves each service, /readyz answers 200, and the proxy reaches them.

Compose's environment is translated to this machine and nothing else changes: hostnames
become 127.0.0.1, each <SERVICE>_PORT a free port, HTTP_HOST 127.0.0.1, the broker the
test's own vhost, the database names and roles throwaway names (with the passwords from the
env file), Mailpit a local SMTP sink.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
import requests
from alembic.script import ScriptDirectory
from psycopg2 import sql

from services.common.migrations import alembic_config
from tests.deploy import support
from tests.deploy.nginx import NginxProxy
from tests.support import infra
from tests.support.mail import MailSink, free_port

pytestmark = pytest.mark.integration

ADMIN = urlsplit(infra.PG_ADMIN_URL)
STARTUP_SECONDS = 90


@dataclass
class NativeStack:
    """The four services started by the entry point, and what they run against."""

    databases: dict
    environments: dict
    logs: Path
    mail: MailSink
    processes: dict = field(default_factory=dict)

    def url(self, service, path):
        """Absolute URL of a path on one running service."""
        return f"http://127.0.0.1:{self.environments[service][f'{service.upper()}_PORT']}{path}"

    def log_tail(self, service, lines=30):
        """The last lines a service wrote, for failure messages."""
        text = (self.logs / f"{service}.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def admin_connection():
    """An autocommit connection to the test server as its administrator."""
    connection = psycopg2.connect(infra.PG_ADMIN_URL)
    connection.autocommit = True
    return connection


def init_script_environment(databases, env_file):
    """What the postgres image gives deploy/postgres/init/, pointed at the test server."""
    env = {"PATH": os.environ["PATH"], "PGHOST": ADMIN.hostname or "127.0.0.1",
           "PGPORT": str(ADMIN.port or 5432), "POSTGRES_USER": ADMIN.username or "postgres",
           "POSTGRES_DB": ADMIN.path.lstrip("/") or "postgres",
           "SERVICE_DATABASES": " ".join(databases.values())}
    if ADMIN.password:
        env["PGPASSWORD"] = ADMIN.password
    for service, name in databases.items():
        env[f"{name.upper()}_DB_PASSWORD"] = env_file[f"{service.upper()}_DB_PASSWORD"]
    return env


def native_environment(service, compose_env, databases, amqp_uri, smtp_url, var_dir):
    """Compose's environment of one service, translated to this machine."""
    env = dict(compose_env)
    prefix = service.upper()
    database = urlsplit(env[f"{prefix}_DATABASE_URL"])
    assert (database.hostname, database.username) == ("postgres", service)
    name = databases[service]
    host = f"{ADMIN.hostname or '127.0.0.1'}:{ADMIN.port or 5432}"
    env[f"{prefix}_DATABASE_URL"] = f"postgresql://{name}:{database.password}@{host}/{name}"
    assert urlsplit(env["AMQP_URI"]).hostname == "rabbitmq"
    env["AMQP_URI"] = amqp_uri
    env["HTTP_HOST"] = "127.0.0.1"
    env[f"{prefix}_PORT"] = str(free_port())
    assert urlsplit(env["SMTP_URL"]).hostname == "mailpit"
    env["SMTP_URL"] = smtp_url
    env["VAR_DIR"] = str(var_dir)  # the image's ENV
    env.update(PATH=f"{support.VENV_BIN}:{os.environ['PATH']}", HOME=str(var_dir),
               LANG="C.UTF-8")
    return env


def drop_everything(databases):
    """Drop the throwaway databases and their roles."""
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            for name in databases.values():
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
                cursor.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def stop(processes):
    """SIGTERM every process this module started, SIGKILL what outlives the grace period."""
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes.values():
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(stack, service):
    """Wait for /readyz to answer 200; fail with the service's log if it dies or times out."""
    deadline = time.monotonic() + STARTUP_SECONDS
    process = stack.processes[service]
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{service} exited with {process.returncode}:\n{stack.log_tail(service)}")
        try:
            if requests.get(stack.url(service, "/readyz"), timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    pytest.fail(f"{service} was not ready in {STARTUP_SECONDS}s:\n{stack.log_tail(service)}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """The four services started by deploy/entrypoint.sh on fresh, unmigrated databases."""
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed (the PostgreSQL init script runs it)")
    run_id = uuid.uuid4().hex[:8]
    databases = {service: f"tdeploy_{run_id}_{service}" for service in support.SERVICES}
    env_file = support.env_file_for_tests()
    compose_doc = support.compose(env_file)
    scratch = tmp_path_factory.mktemp("native")
    vhost = None
    stack = None
    mail = MailSink(scratch / "mail").start()
    try:
        subprocess.run(["bash", str(support.INIT_SCRIPT)], check=True, capture_output=True,
                       timeout=60, env=init_script_environment(databases, env_file))
        vhost = infra.create_vhost()
        environments = {
            service: native_environment(service, support.app_environment(compose_doc, service),
                                        databases, infra.amqp_uri(vhost), mail.url,
                                        scratch / "var")
            for service in support.SERVICES}
        stack = NativeStack(databases, environments, scratch, mail)
        for service in support.SERVICES:
            with open(scratch / f"{service}.log", "wb") as log:
                stack.processes[service] = subprocess.Popen(
                    ["/bin/sh", str(support.ENTRYPOINT), "serve", service],
                    env=environments[service], cwd=support.REPO, stdout=log,
                    stderr=subprocess.STDOUT)
        for service in support.SERVICES:
            wait_ready(stack, service)
        yield stack
    finally:
        if stack is not None:
            stop(stack.processes)
        if vhost is not None:
            infra.delete_vhost(vhost)
        drop_everything(databases)
        mail.stop()


def run_cli(stack, service, *args):
    """Run `python -m services ...` with one service's environment, as `compose exec` does."""
    return subprocess.run([sys.executable, "-m", "services", *args], cwd=support.REPO,
                          env=stack.environments[service], capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_answers_ready_with_the_environment_compose_gives_it(stack, service):
    response = requests.get(stack.url(service, "/readyz"), timeout=10)
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


@pytest.mark.parametrize("service", support.SERVICES)
def test_the_entry_point_brought_each_database_to_the_latest_revision(stack, service):
    url = stack.environments[service][f"{service.upper()}_DATABASE_URL"]
    heads = set(ScriptDirectory.from_config(alembic_config(service, url)).get_heads())
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version_num FROM alembic_version")
            assert {row[0] for row in cursor.fetchall()} == heads
    finally:
        connection.close()


def test_a_service_role_cannot_open_another_services_database(stack):
    intake = urlsplit(stack.environments["intake"]["INTAKE_DATABASE_URL"])
    cases_url = intake._replace(path=f"/{stack.databases['cases']}").geturl()
    with pytest.raises(psycopg2.OperationalError, match="CONNECT privilege|permission denied"):
        psycopg2.connect(cases_url).close()


@pytest.mark.parametrize("service", support.SERVICES)
def test_the_container_health_checks_pass_for_each_service(stack, service):
    for path in ("/healthz", "/readyz"):
        result = subprocess.run([sys.executable, str(support.HEALTHCHECK), path, service],
                                env=stack.environments[service], cwd=support.REPO,
                                timeout=30)
        assert result.returncode == 0, path


def test_the_proxy_reaches_every_running_service(stack):
    nginx = NginxProxy({s: f"127.0.0.1:{stack.environments[s][f'{s.upper()}_PORT']}"
                        for s in support.SERVICES}).start()
    try:
        for service in support.SERVICES:
            answer = requests.get(nginx.url(f"/_/{service}/readyz"), timeout=10).json()
            assert (answer["status"], answer["service"]) == ("ready", service)
        assert requests.get(nginx.url("/"), timeout=10).status_code == 200
        assert requests.get(nginx.url("/console/login"), timeout=10).status_code == 200
    finally:
        nginx.stop()


def test_replicas_starting_together_migrate_one_database_once():
    name = infra.create_database("tdeploy_replicas")
    url = infra.pg_url(name)
    env = dict(os.environ, CASES_DATABASE_URL=url,
               PATH=f"{support.VENV_BIN}:{os.environ['PATH']}")
    try:
        replicas = [subprocess.Popen(["/bin/sh", str(support.ENTRYPOINT), "migrate", "cases"],
                                     env=env, cwd=support.REPO, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT) for _ in range(3)]
        outputs = [replica.communicate(timeout=120)[0].decode() for replica in replicas]
        assert [replica.returncode for replica in replicas] == [0, 0, 0], outputs
        heads = set(ScriptDirectory.from_config(alembic_config("cases", url)).get_heads())
        connection = psycopg2.connect(url)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT version_num FROM alembic_version")
                assert {row[0] for row in cursor.fetchall()} == heads
        finally:
            connection.close()
    finally:
        infra.drop_database(name)


def test_the_readme_first_deploy_commands_work_in_the_cases_environment(stack):
    loaded = run_cli(stack, "cases", "load-directory")
    assert loaded.returncode == 0 and loaded.stdout.startswith("directory:"), loaded.stderr
    created = run_cli(stack, "cases", "create-user", "admin", "--role", "admin",
                      "--full-name", "Quản trị viên", "--password", "mot-mat-khau-dai")
    assert created.returncode == 0, created.stderr
    dead_letters = run_cli(stack, "cases", "dlq", "list")
    assert dead_letters.returncode == 0, dead_letters.stderr


def test_the_readme_ops_commands_work_in_each_service_environment(stack):
    for service in support.SERVICES:
        backlog = run_cli(stack, service, "outbox", service, "--fail-over", "1000")
        assert backlog.returncode == 0 and "waiting to be published" in backlog.stdout, (
            backlog.stdout + backlog.stderr)
    sent = run_cli(stack, "notify", "test-email", "ops@dangbokhoi.example.vn")
    assert sent.returncode == 0, sent.stderr
    assert any(m["To"] == "ops@dangbokhoi.example.vn" for m in stack.mail.wait_for(1))
