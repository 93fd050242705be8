"""Fixtures of the fault suite: a private PostgreSQL cluster and a scenario per test."""

import pytest

from tests.fault.scenario import REPORTS, Scenario
from tests.support.pgcluster import PrivatePostgres


@pytest.fixture(scope="session")
def private_postgres():
    """A PostgreSQL cluster of the fault suite's own, which its tests may restart."""
    postgres = PrivatePostgres().init().start()
    yield postgres
    postgres.destroy()


@pytest.fixture
def scenario(private_postgres, vhost, mail_sink, tmp_path):
    """Build a Scenario (fresh databases, vhost and SMTP sink); closed after the test."""
    made = []

    def make(title, **options):
        made.append(Scenario(title, private_postgres, vhost, mail_sink, tmp_path, **options))
        return made[-1]

    yield make
    for built in made:
        built.close()


def pytest_terminal_summary(terminalreporter):
    """Print every scenario's account (what it did, every count checked) at the end."""
    if REPORTS:
        terminalreporter.section("fault scenarios")
        for account in REPORTS:
            terminalreporter.write_line(account)
