"""What the system holds after a scenario, read from every place a matter can end up.

A snapshot reads intake's submissions, cases' cases, notify's deliveries, the emails in the
SMTP sink, reporting's read model and summary report, every outbox and the broker's queues.
"""

import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field

import requests
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from services.common.auth import issue_token
from services.common.config import SERVICES, service_config
from services.common.db import make_engine
from services.common.topology import DEAD_LETTER_QUEUE


@dataclass
class Snapshot:
    """One reading of the whole system."""

    submissions: list = field(default_factory=list)  # (idempotency key, code, case status)
    cases: list = field(default_factory=list)  # (case id, tracking code)
    deliveries: list = field(default_factory=list)  # (case, recipient, channel, status, msgid)
    other_emails: list = field(default_factory=list)  # Message-IDs of other events' emails
    facts: list = field(default_factory=list)  # case ids in reporting's read model
    report_received: int | None = None
    backlog: dict = field(default_factory=dict)  # service -> unsent outbox rows
    mails: list = field(default_factory=list)  # (Message-ID, subject) per copy received
    queues: dict = field(default_factory=dict)  # queue -> messages (ready + unacked)
    problems: list = field(default_factory=list)  # what could not be read

    @property
    def pending_deliveries(self):
        """Deliveries not yet settled (still to be sent)."""
        return sum(1 for d in self.deliveries if d[3] == "pending")

    @property
    def in_flight(self):
        """Messages still in handler or retry queues (dead letters excluded)."""
        return sum(n for name, n in self.queues.items() if name != DEAD_LETTER_QUEUE)

    @property
    def dead_letters(self):
        """Messages parked in the dead-letter queue."""
        return self.queues.get(DEAD_LETTER_QUEUE, 0)

    def email_ids(self):
        """Message-IDs of every email delivery notify recorded as sent."""
        return {d[4] for d in self.deliveries if d[2] == "email" and d[3] == "sent"}

    def copies(self):
        """How many copies of each Message-ID the SMTP sink received."""
        return Counter(message_id for message_id, _ in self.mails)


def _rows(url, query):
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


QUERIES = {
    "submissions": ("intake", "SELECT idempotency_key, tracking_code, case_status "
                              "FROM submissions"),
    "cases": ("cases", "SELECT id, tracking_code FROM cases"),
    "deliveries": ("notify", "SELECT case_id, recipient, channel, status, message_id "
                             "FROM deliveries WHERE event_type = 'case_opened'"),
    # digests and other messages that are not about one new case
    "other_emails": ("notify", "SELECT message_id FROM deliveries WHERE channel = 'email' "
                               "AND event_type <> 'case_opened'"),
    "facts": ("reporting", "SELECT case_id FROM case_facts"),
}


def leader_headers(env):
    """A leader's bearer token for reporting's API, signed with the cluster's secret."""
    secret = service_config("reporting", env)["AUTH_SECRET"]
    token = issue_token(secret, user_id="u-fault-leader", username="fault-leader",
                        role="leader", unit_code=None)
    return {"Authorization": f"Bearer {token}"}


def queue_depths(vhost):
    """Messages (ready and unacknowledged) in every queue of the vhost, by rabbitmqctl."""
    result = subprocess.run(
        [shutil.which("rabbitmqctl") or "rabbitmqctl", "list_queues", "-p", vhost, "name",
         "messages", "--no-table-headers", "-q"],
        capture_output=True, text=True, timeout=60, check=True)
    depths = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            depths[parts[0]] = int(parts[1])
    return depths


def take(databases, sink, report_urls, env, vhost=None):
    """Read everything once; what cannot be read now is listed in `problems`."""
    snapshot = Snapshot()
    for name, (service, query) in QUERIES.items():
        try:
            rows = _rows(databases[service], query)
            setattr(snapshot, name, [row[0] if len(row) == 1 else row for row in rows])
        except SQLAlchemyError as exc:
            snapshot.problems.append(f"{service} database: {type(exc).__name__}")
    for service in SERVICES:
        try:
            [(count,)] = _rows(databases[service],
                               "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
            snapshot.backlog[service] = count
        except SQLAlchemyError as exc:
            snapshot.problems.append(f"{service} outbox: {type(exc).__name__}")
    snapshot.report_received = _report_received(report_urls, env, snapshot.problems)
    snapshot.mails = [(str(m["Message-ID"]), str(m["Subject"])) for m in sink.messages()]
    if vhost is not None:
        snapshot.queues = queue_depths(vhost)
    return snapshot


def _report_received(report_urls, env, problems):
    for url in report_urls:
        try:
            response = requests.get(f"{url}/api/v1/reports/summary", timeout=10,
                                    headers=leader_headers(env))
            if response.ok:
                [row] = response.json()["rows"]
                return row["received"]
            problems.append(f"reporting summary: HTTP {response.status_code}")
        except requests.RequestException as exc:
            problems.append(f"reporting summary: {type(exc).__name__}")
    return None
