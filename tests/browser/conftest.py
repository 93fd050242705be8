"""Browser fixtures: the services as processes and headless Chromium driven by Playwright."""

import os

import eventlet.patcher
import pytest
import requests
from sqlalchemy.orm import sessionmaker

from services.cases import directory, users
from services.common.config import SERVICES
from services.common.db import UnitOfWork, make_engine
from services.common.outbox import OutboxWriter
from tests.support.cluster import Cluster
from tests.support.passwords import hashed_once
from tests.support.waiting import wait_until

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PASSWORD = "mat-khau-rat-dai-1"
PEOPLE = {"clerk": ("clerk", None), "canbo": ("officer", "DB-001"),
          "truongdv": ("unit_head", "DB-001")}


def pytest_collection_modifyitems(config, items):
    """Skip browser tests in a green process (Playwright hangs under eventlet)."""
    if eventlet.patcher.is_monkey_patched("socket"):
        skip = pytest.mark.skip(reason="run with TEST_WITHOUT_EVENTLET=1 (make test does)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


class NullRelay:
    """The running cases service's relay publishes what seeding writes."""

    def wake(self):
        """Nothing to wake."""


def seeded_cluster(amqp_uri, make_database, mail_sink, people, **settings):
    """A Cluster over fresh databases, with the sample directory loaded into cases and the
    given users {username: (role, unit)}; not started yet."""
    databases = {service: make_database(service) for service in SERVICES}
    engine = make_engine(databases["cases"])
    uow = UnitOfWork(sessionmaker(engine, expire_on_commit=False))
    with hashed_once(), uow.transaction() as session:
        directory.load_directory(session, OutboxWriter("cases", NullRelay()))
        for username, (role, unit) in people.items():
            users.create_user(session, username, PASSWORD, f"Cán bộ {username}", role, unit)
    engine.dispose()
    return Cluster.for_test(amqp_uri, databases, mail_sink.url, **settings)


@pytest.fixture
def system(amqp_uri, make_database, mail_sink):
    """intake and cases running as processes, the sample directory loaded, three users."""
    cluster = seeded_cluster(amqp_uri, make_database, mail_sink, PEOPLE)
    cluster.start(("intake", "cases"))
    yield cluster
    cluster.stop()


def submit(system, title, body):
    """Send a submission to intake and wait until its case exists; return the tracking code."""
    response = requests.post(system.url("intake", "/api/v1/feedback"), timeout=10, json={
        "title": title, "body": body, "unit_code": "DB-001", "category": "political_task"})
    code = response.json()["tracking_code"]
    wait_until(lambda: requests.get(system.url("intake", f"/api/v1/feedback/{code}"),
                                    timeout=5).json()["status"] == "new",
               message="case opened")
    return code


@pytest.fixture
def browser():
    """A headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
