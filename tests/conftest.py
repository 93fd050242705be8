"""Shared fixtures: real PostgreSQL databases, RabbitMQ vhosts, SMTP sink and service containers.

nameko needs a green process: monkey-patch before anything else is imported. Browser tests
drive Chromium through Playwright, which does not survive eventlet; they run in a second
pytest process with TEST_WITHOUT_EVENTLET=1 and talk to services running as processes.
"""

import os
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

if not os.environ.get("TEST_WITHOUT_EVENTLET"):
    eventlet.monkey_patch()

import pytest  # noqa: E402
from nameko.containers import ServiceContainer  # noqa: E402

from services.common import config as app_config  # noqa: E402
from services.common.migrations import upgrade  # noqa: E402
from services.registry import service_class  # noqa: E402
from tests.support import infra  # noqa: E402
from tests.support.mail import MailSink, free_port  # noqa: E402

FAST_RETRIES = {"HANDLER_MAX_ATTEMPTS": 3, "HANDLER_RETRY_DELAY_MS": 50,
                "OUTBOX_POLL_SECONDS": 0.2, "DELIVERY_RETRY_SECONDS": 0.2,
                "RATE_LIMIT_PER_MINUTE": 0}  # rate limits have their own tests


@pytest.fixture(scope="session")
def vhost_pool():
    """Creates vhosts ahead of the tests and deletes them behind."""
    pool = infra.VhostPool()
    yield pool
    pool.close()


@pytest.fixture
def vhost(vhost_pool):
    """A fresh RabbitMQ vhost, deleted after the test."""
    name = vhost_pool.take()
    yield name
    vhost_pool.release(name)


@pytest.fixture
def amqp_uri(vhost):
    """The broker URL of the test's vhost."""
    return infra.amqp_uri(vhost)


@pytest.fixture
def make_database():
    """Create a migrated PostgreSQL database for a service; all are dropped afterwards."""
    created = []

    def make(service):
        name = infra.create_database(f"t_{service}")
        created.append(name)
        url = infra.pg_url(name)
        upgrade(service, url)
        return url

    yield make
    for name in created:
        infra.drop_database(name)


@pytest.fixture
def mail_sink(tmp_path):
    """A real SMTP server writing what it receives under tmp_path/mail."""
    sink = MailSink(tmp_path / "mail").start()
    yield sink
    sink.stop()


@pytest.fixture
def service_settings(amqp_uri, make_database):
    """Build a nameko config for a service: own database, test vhost, a free port."""

    def build(service, database_url=None, **overrides):
        env = {"AMQP_URI": amqp_uri, "HTTP_HOST": "127.0.0.1",
               # `QUEUE_TYPE=quorum make test` runs the whole suite on quorum queues
               "QUEUE_TYPE": os.environ.get("QUEUE_TYPE", "classic")}
        settings = app_config.service_config(service, env)
        settings.update(FAST_RETRIES)
        settings["DATABASE_URL"] = database_url or make_database(service)
        settings["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{free_port()}"
        settings.update(overrides)
        return settings

    return build


@pytest.fixture
def container_factory(make_database, vhost):
    """Create nameko containers; every one still running is killed after the test.

    Killed, not stopped: a graceful stop waits out the consumer's drain loop (seconds per
    container) and the test is over. Tests of graceful stopping stop their containers
    themselves. It depends on the database and vhost fixtures so that containers go first.
    """
    containers = []

    def make(service_cls, settings):
        container = ServiceContainer(service_cls, settings)
        containers.append(container)
        return container

    yield make
    for container in containers:
        container.kill()


class RunningService:
    """A started service container and how to reach it."""

    def __init__(self, container, settings):
        self.container = container
        self.settings = settings
        self.base_url = f"http://{settings['WEB_SERVER_ADDRESS']}"
        self.database_url = settings["DATABASE_URL"]

    def url(self, path):
        """Absolute URL of a path on this service."""
        return self.base_url + path


@pytest.fixture
def start_service(container_factory, service_settings):
    """Start one of the four services (or a given class) in a container against real infra."""

    def start(name, service_cls=None, **overrides):
        settings = service_settings(name, **overrides)
        container = container_factory(service_cls or service_class(name), settings)
        container.start()
        return RunningService(container, settings)

    return start
