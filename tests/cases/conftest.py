"""Fixtures for the cases API: a running service, a small directory, one user per role."""

import time
import uuid

import pytest
import requests
from kombu import Connection, Exchange, Queue
from sqlalchemy.orm import sessionmaker

from services.cases import directory, users
from services.common.contracts import new_event
from services.common.db import UnitOfWork, make_engine
from services.common.outbox import OutboxWriter
from tests.support.broker import QUEUE_OPTIONS, drain, publish_event
from tests.support.passwords import hashed_once
from tests.support.waiting import wait_until

PASSWORD = "mat-khau-rat-dai-1"
UNITS = [
    {"code": "DUK", "name": "Đảng ủy Khối", "kind": "bloc_committee", "parent": None},
    {"code": "VP", "name": "Văn phòng Đảng ủy Khối", "kind": "advisory_body", "parent": "DUK"},
    {"code": "DB-001", "name": "Đảng bộ Sở Y tế", "kind": "grassroots_committee",
     "sector": "state_agency", "parent": "DUK"},
    {"code": "DB-001-CB01", "name": "Chi bộ Phòng Kế hoạch", "kind": "sub_cell",
     "sector": "state_agency", "parent": "DB-001"},
    {"code": "CB-001", "name": "Chi bộ Công ty Cấp nước", "kind": "grassroots_cell",
     "sector": "state_enterprise_majority", "parent": "DUK"},
    {"code": "SO-YTE", "name": "Sở Y tế", "kind": "department", "parent": None},
]
USERS = {
    "clerk": ("clerk", None), "leader": ("leader", None), "admin": ("admin", None),
    "officer": ("officer", "DB-001"), "head": ("unit_head", "DB-001"),
    "other_officer": ("officer", "CB-001"), "other_head": ("unit_head", "CB-001"),
    "dept_officer": ("officer", "SO-YTE"), "parent_officer": ("officer", "DUK"),
}


class NullRelay:
    """Seeding writes events the running service's relay will publish on its next poll."""

    def wake(self):
        """Nothing to wake."""


class CasesApi:
    """A running cases service with helpers to call it as a given user."""

    def __init__(self, service, amqp_uri):
        self.service = service
        self.amqp_uri = amqp_uri
        self.tokens = {}
        engine = make_engine(service.database_url)
        self.uow = UnitOfWork(sessionmaker(engine, expire_on_commit=False))
        self.engine = engine

    def seed(self):
        """Load the small directory and create one user per role."""
        with hashed_once(), self.uow.transaction() as session:
            outbox = OutboxWriter("cases", NullRelay())
            for data in UNITS:
                directory.create_unit(session, outbox, data["code"], data)
            for username, (role, unit) in USERS.items():
                users.create_user(session, username, PASSWORD, f"Người dùng {username}", role,
                                  unit)
        return self

    def token(self, username):
        """A bearer token of a seeded user."""
        if username not in self.tokens:
            response = requests.post(self.service.url("/api/v1/auth/token"), timeout=10,
                                     json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            self.tokens[username] = response.json()["token"]
        return self.tokens[username]

    def get(self, path, user, **kwargs):
        """GET as a user."""
        return requests.get(self.service.url(path), timeout=10,
                            headers={"Authorization": f"Bearer {self.token(user)}"}, **kwargs)

    def act(self, case_id, action, user, version, **params):
        """POST an action as a user."""
        return requests.post(self.service.url(f"/api/v1/cases/{case_id}/actions/{action}"),
                             json={"version": version, **params}, timeout=10,
                             headers={"Authorization": f"Bearer {self.token(user)}"})

    def case(self, case_id, user="clerk"):
        """The case as a user sees it."""
        return self.get(f"/api/v1/cases/{case_id}", user).json()

    def submit(self, title="Nước sinh hoạt bị cắt nhiều ngày", category="political_task",
               unit_code="DB-001", n=1):
        """Publish a feedback_received event and wait for its case; returns the case id."""
        envelope = new_event("feedback_received", {
            "submission_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{title}-{n}")),
            "tracking_code": f"ABCD-EFGH-{n:03d}",
            "title": title, "body": "Khu tập thể không có nước, đề nghị xử lý.",
            "category": category, "unit_code": unit_code, "channel": "web",
            "submitted_at": "2026-11-23T01:00:00+00:00",
            "reporter": {"name": "Hoàng Văn E", "contact": "e@example.vn",
                         "consent_to_contact": True}}, aggregate_id=f"s-{n}")
        publish_event(self.amqp_uri, envelope)

        def find():
            items = self.get("/api/v1/cases", "clerk", params={"q": title}).json()["items"]
            return items[0]["id"] if items else None
        return wait_until(find, message="case opened")


@pytest.fixture
def cases_api(start_service, amqp_uri):
    service = start_service("cases", DEADLINE_CHECK_SECONDS=0.2, ESCALATION_GRACE_HOURS=0)
    api = CasesApi(service, amqp_uri).seed()
    yield api
    api.engine.dispose()


@pytest.fixture
def event_tap(amqp_uri):
    """Every event cases publishes, captured on a queue of the test's own."""
    with Connection(amqp_uri) as connection:
        queue = Queue("test-tap", exchange=Exchange("cases.events", type="topic", durable=True),
                      routing_key="#", durable=True, **QUEUE_OPTIONS)
        queue.bind(connection.default_channel).declare()

    def events(expect=None, timeout=10.0, prefix="case_"):
        """Events of the given kind taken off the tap; waits until `expect` have come."""
        deadline = time.monotonic() + timeout
        found = []
        while True:
            found += [e for e in drain(amqp_uri, "test-tap", timeout=0.2)
                      if e["event_type"].startswith(prefix)]
            if expect is None or len(found) >= expect or time.monotonic() > deadline:
                return found

    return events
