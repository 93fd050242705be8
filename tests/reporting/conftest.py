"""Fixtures of reporting's tests: migrated embedded read models and a way to feed them."""

import shutil
import uuid

import pytest
from sqlalchemy.orm import sessionmaker

from services.common.db import make_engine
from services.common.migrations import upgrade
from services.reporting import feed
from services.reporting.settings import Settings

from .history import as_event


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A reporting database migrated once; each read model copies it."""
    path = tmp_path_factory.mktemp("reporting-template") / "reporting.db"
    upgrade("reporting", f"sqlite:///{path}")
    return path


class ReadModel:
    """One fresh SQLite read model: sessions on it and a way to feed it events."""

    def __init__(self, url, settings):
        self.url = url
        self.settings = settings
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def feed(self, envelopes):
        """Apply envelopes one transaction each, as the consumers do."""
        for envelope in envelopes:
            with self.sessions() as session:
                feed.apply_event(session, as_event(envelope), self.settings)
                session.commit()
        return self


@pytest.fixture
def settings():
    """Default settings: Vietnam's calendar, reports due on the 5th."""
    return Settings()


@pytest.fixture
def make_read_model(migrated_template, tmp_path, settings):
    """Create fresh read models (copies of the migrated template); disposed afterwards."""
    made = []

    def make():
        path = tmp_path / f"reporting-{uuid.uuid4().hex[:8]}.db"
        shutil.copy(migrated_template, path)
        model = ReadModel(f"sqlite:///{path}", settings)
        made.append(model)
        return model

    yield make
    for model in made:
        model.engine.dispose()


@pytest.fixture
def read_model(make_read_model):
    """One fresh read model."""
    return make_read_model()
