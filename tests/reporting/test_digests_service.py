"""Digests on running reporting containers (real RabbitMQ and PostgreSQL): two replicas with a
clock just past the scheduled moment compile each period once and publish one
`digest_compiled`; the digest API; a twin losing the race writes nothing; notify emails it."""

import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from services.common.auth import issue_token
from services.common.db import make_engine
from services.common.tables import outbox
from services.common.topology import subscription
from services.reporting.digest_periods import parse_period
from services.reporting.digests import compile_digest
from services.reporting.models import Digest
from services.reporting.settings import Settings
from tests.support.broker import drain, publish_event
from tests.support.waiting import wait_until

from .history import directory_events, report_event, vn

pytestmark = pytest.mark.integration

# 30 seconds after the monthly digest of October 2026 fell due (3 November, 07:00 Vietnam
# time); the weekly digest of 26 October - 1 November fell due the day before
JUST_AFTER = vn("2026-11-03 07:00") + timedelta(seconds=30)
QUEUE = subscription("digest_compiled", "notify").queue_name


class CountingClock:
    """A fixed moment that counts how often the digest timer asked for it (once a round)."""

    def __init__(self, moment):
        self.moment = moment
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            self.calls += 1
        return self.moment


def headers(service, role, unit=None):
    return {"Authorization": "Bearer " + issue_token(
        service.settings["AUTH_SECRET"], user_id=f"u-{role}", username=role, role=role,
        unit_code=unit)}


def stored(database_url):
    """(kind, period_start) of every stored digest, and the digest_compiled rows unsent."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            digests = sorted((kind, str(start)) for kind, start in connection.execute(
                select(Digest.kind, Digest.period_start)))
            unsent = connection.scalar(select(func.count()).select_from(outbox).where(
                outbox.c.event_type == "digest_compiled", outbox.c.sent_at.is_(None)))
            written = connection.scalar(select(func.count()).select_from(outbox).where(
                outbox.c.event_type == "digest_compiled"))
        return digests, written, unsent
    finally:
        engine.dispose()


def start_reporting(start_service, clock, database_url=None, **overrides):
    """reporting checking for owed digests ten times a second on the given clock."""
    settings = {"DIGEST_CLOCK": clock, "DEADLINE_CHECK_SECONDS": 0.1,
                "DIGEST_KINDS": "weekly,monthly,year",
                "REPORTING_PUBLIC_URL": "https://baocao.example.vn", **overrides}
    return start_service("reporting", database_url=database_url, **settings)


def test_two_replicas_compile_each_period_once_and_publish_it_once(start_service, amqp_uri):
    clocks = CountingClock(JUST_AFTER), CountingClock(JUST_AFTER)
    first = start_reporting(start_service, clocks[0])
    start_reporting(start_service, clocks[1], database_url=first.database_url)
    expected = [("monthly", "2026-10-01"), ("weekly", "2026-10-26")]
    wait_until(lambda: stored(first.database_url)[0] == expected, timeout=30,
               message="both digests stored")
    rounds = [clock.calls for clock in clocks]
    # both replicas go on looking for owed digests after they exist: a few rounds each
    wait_until(lambda: all(c.calls >= r + 5 for c, r in zip(clocks, rounds, strict=True)),
               message="five more rounds on each replica")
    wait_until(lambda: stored(first.database_url)[2] == 0, message="outbox relayed")
    digests, written, _ = stored(first.database_url)
    assert digests == expected and written == 2
    published = drain(amqp_uri, QUEUE, expect=2)
    assert drain(amqp_uri, QUEUE, timeout=1.0) == []
    assert sorted((m["payload"]["kind"], m["payload"]["period_start"]) for m in published) == \
        expected
    assert len({m["event_id"] for m in published}) == 2
    monthly = next(m["payload"] for m in published if m["payload"]["kind"] == "monthly")
    assert monthly["title"] == "Báo cáo tháng 10/2026"
    assert monthly["summary"].startswith("Trong tháng 10/2026: tiếp nhận 0 vụ việc")
    assert monthly["link"] == f"https://baocao.example.vn/reports/digests/{monthly['digest_id']}"


def test_the_digest_api_lists_newest_first_and_shows_one_in_full(start_service, amqp_uri):
    clock = CountingClock(JUST_AFTER)
    service = start_reporting(start_service, clock)
    for envelope in [*directory_events(),
                     report_event("CB-001", "2026-10", "2026-11-02 09:00")]:
        publish_event(amqp_uri, envelope)
    wait_until(lambda: len(stored(service.database_url)[0]) == 2, message="digests stored")
    url, leader = service.url("/api/v1/digests"), headers(service, "leader")
    listed = requests.get(url, headers=leader, timeout=10).json()
    assert listed["total"] == 2 and (listed["page"], listed["per_page"]) == (1, 20)
    assert [(d["kind"], d["period"]) for d in listed["items"]] == [
        ("weekly", "2026-W44"), ("monthly", "2026-10")]  # the week ended on 1 November
    weekly = listed["items"][0]
    assert weekly["title"] == "Báo cáo tuần 44/2026 (26/10 – 01/11/2026)"
    assert weekly["kind_name"] == "Báo cáo tuần" and "sections" not in weekly
    assert weekly["compiled_at"] == "2026-11-03T07:00:30+07:00"
    only = requests.get(url, params={"kind": "monthly"}, headers=leader, timeout=10).json()
    assert [d["period"] for d in only["items"]] == ["2026-10"] and only["total"] == 1
    second = requests.get(url, params={"page": 2, "per_page": 1}, headers=leader,
                          timeout=10).json()
    assert [d["period"] for d in second["items"]] == ["2026-10"] and second["total"] == 2
    assert weekly["link"] == f"https://baocao.example.vn/reports/digests/{weekly['id']}"
    full = requests.get(f"{url}/{weekly['id']}", headers=headers(service, "clerk"), timeout=10)
    assert full.status_code == 200
    sections = full.json()["sections"]
    assert set(sections) == {"summary", "on_time", "resolution_time", "overdue", "hot",
                             "top_units", "compliance", "trend"}
    assert sections["compliance"]["periods"] == ["2026-09"]
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers=headers(service, "officer", "CB-001"),
                        timeout=10).status_code == 403
    bad_kind = requests.get(url, params={"kind": "daily"}, headers=leader, timeout=10)
    assert bad_kind.status_code == 422 and "kind" in bad_kind.json()["fields"]
    for params, field in (({"page": "0"}, "page"), ({"per_page": "1000"}, "per_page"),
                          ({"sort": "old"}, "sort")):
        refused = requests.get(url, params=params, headers=leader, timeout=10)
        assert refused.status_code == 422 and field in refused.json()["fields"], params
    missing = requests.get(f"{url}/no-such-digest", headers=leader, timeout=10)
    assert missing.status_code == 404 and missing.json()["error"] == "unknown_digest"


def test_a_twin_that_lost_the_race_writes_nothing(make_database):
    """Two transactions that both saw no digest: the one that commits second fails on the
    unique (kind, period_start) and leaves neither digest nor event behind."""
    url = make_database("reporting")
    engine = make_engine(url, isolation_level="REPEATABLE READ")
    sessions = sessionmaker(engine, expire_on_commit=False)
    period, settings = parse_period("monthly", "2026-10"), Settings()
    try:
        with sessions() as late, sessions() as early:
            late.scalar(select(func.count()).select_from(Digest))  # its snapshot: no digest
            assert compile_digest(early, period, JUST_AFTER, settings, "http://x")
            early.commit()
            with pytest.raises(IntegrityError):
                compile_digest(late, period, JUST_AFTER, settings, "http://x")
            late.rollback()
    finally:
        engine.dispose()
    digests, written, _ = stored(url)
    assert digests == [("monthly", "2026-10-01")] and written == 1


def test_notify_emails_a_compiled_digest_to_leadership(start_service, mail_sink):
    start_service("notify", SMTP_URL=mail_sink.url, LEADERSHIP_EMAIL="lanhdao@example.vn")
    start_reporting(start_service, CountingClock(JUST_AFTER), DIGEST_KINDS="monthly")
    [mail] = mail_sink.wait_for(1)
    assert str(mail["To"]) == "lanhdao@example.vn"
    assert str(mail["Subject"]) == "[Tổng hợp] Báo cáo tháng 10/2026"
    body = mail.get_body(("plain",)).get_content()
    assert "Trong tháng 10/2026: tiếp nhận 0 vụ việc, giải quyết 0;" in body
    assert "01/10/2026 – 31/10/2026" in body
    assert "Xem đầy đủ: https://baocao.example.vn/reports/digests/" in body
