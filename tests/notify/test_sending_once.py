"""Email is recorded one delivery at a time: a crash or a lost database mid-batch repeats at
most the one email in flight, never the emails already accepted by the SMTP server."""

import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime

import psycopg2
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from services.common.db import make_engine
from services.common.outbox import OutboxWriter
from services.notify import sending
from services.notify.mailer import Mailer
from services.notify.models import Delivery
from tests.support.infra import PG_ADMIN_URL

pytestmark = pytest.mark.integration

SETTINGS = {"MAIL_FROM": "no-reply@dangbokhoi.example.vn", "DELIVERY_MAX_ATTEMPTS": 8,
            "DELIVERY_RETRY_SECONDS": 0.1}


class QuietRelay:
    """The outbox relay's wake-up, not needed here."""

    def wake(self):
        """Nothing to wake."""


class FaultyMailer(Mailer):
    """A real SMTP mailer that runs `after_send(n)` once the server accepted the n-th email."""

    def __init__(self, url, after_send):
        super().__init__(url, timeout=5)
        self.after_send = after_send
        self.sent = 0

    def open(self):
        """A real client whose send_message calls the hook after the server's 250."""
        client = super().open()
        send = client.send_message

        def send_then_hook(message):
            send(message)
            self.sent += 1
            self.after_send(self.sent)

        client.send_message = send_then_hook
        return client


@pytest.fixture
def sessions(make_database):
    """Sessions on a migrated notify database holding four pending emails."""
    engine = make_engine(make_database("notify"))
    factory = sessionmaker(engine, expire_on_commit=False)
    now = datetime.now(UTC)
    with factory() as session:
        for n in range(4):
            delivery_id = str(uuid.uuid4())
            session.add(Delivery(
                id=delivery_id, event_id=str(uuid.uuid4()), event_type="case_opened",
                case_id=f"case-{n}", recipient="vanphong@dangbokhoi.example.vn",
                channel="email", language="vi", subject=f"[Phản ánh mới] Vụ việc {n}",
                body_text=f"Nội dung {n}", message_id=f"<{delivery_id}@notify.grassroots>",
                status="pending", attempts=0, next_attempt_at=now, correlation_id=f"c-{n}",
                created_at=now))
        session.commit()
    yield factory
    engine.dispose()


def statuses(factory):
    with factory() as session:
        return Counter(session.scalars(select(Delivery.status)))


def copies(sink):
    return Counter(str(m["Message-ID"]) for m in sink.messages())


def send_and_die_on_third(database_url, smtp_url):
    """In a child process: send due email, SIGKILL itself once the server accepted the third."""
    def die_on_third(n):
        if n == 3:
            os.kill(os.getpid(), signal.SIGKILL)

    factory = sessionmaker(make_engine(database_url), expire_on_commit=False)
    with factory() as session:
        sending.send_due(session, FaultyMailer(smtp_url, die_on_third), SETTINGS,
                         OutboxWriter("notify", QuietRelay()))


def test_a_crash_mid_batch_repeats_only_the_email_in_flight(sessions, mail_sink):
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    child = subprocess.run(
        [sys.executable, "-c", "from tests.notify.test_sending_once import "
         f"send_and_die_on_third as run; run({url!r}, {mail_sink.url!r})"], timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert statuses(sessions) == {"sent": 2, "pending": 2}
    # the next process knows nothing of the one that died
    with sessions() as session:
        sending.send_due(session, Mailer(mail_sink.url), SETTINGS,
                         OutboxWriter("notify", QuietRelay()))
    assert statuses(sessions) == {"sent": 4}
    received = copies(mail_sink)
    assert len(received) == 4
    assert sorted(received.values()) == [1, 1, 1, 2]  # the third, cut before its commit


def test_an_email_accepted_while_the_database_went_away_is_recorded_not_resent(
        sessions, mail_sink):
    database = sessions.kw["bind"].url.database

    def lose_the_database_after_second(n):
        if n == 2:  # PostgreSQL restarts: the sender's connection is gone before its commit
            admin = psycopg2.connect(PG_ADMIN_URL)
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = %s", (database,))
            admin.close()

    outbox = OutboxWriter("notify", QuietRelay())
    unrecorded = {}
    mailer = FaultyMailer(mail_sink.url, lose_the_database_after_second)
    with pytest.raises(OperationalError), sessions() as session:
        sending.send_due(session, mailer, SETTINGS, outbox, sent_unrecorded=unrecorded)
    assert len(unrecorded) == 1
    with sessions() as session:
        sending.send_due(session, mailer, SETTINGS, outbox, sent_unrecorded=unrecorded)
    assert unrecorded == {}
    assert statuses(sessions) == {"sent": 4}
    received = copies(mail_sink)
    assert len(received) == 4 and set(received.values()) == {1}


def test_a_delivery_a_replica_sent_meanwhile_is_not_sent_again(sessions, mail_sink):
    taken = []

    def replica_takes_one_after_second(n):
        if n == 2:  # the first commit released the batch's other locks; a replica takes one
            with sessions() as session:
                delivery = session.scalars(
                    select(Delivery).where(Delivery.status == "pending").limit(1)
                    .with_for_update(skip_locked=True)).one()
                delivery.status, delivery.sent_at = "sent", datetime.now(UTC)
                taken.append(delivery.message_id)
                session.commit()

    with sessions() as session:
        attempted = sending.send_due(
            session, FaultyMailer(mail_sink.url, replica_takes_one_after_second), SETTINGS,
            OutboxWriter("notify", QuietRelay()))
    assert attempted == 3
    assert statuses(sessions) == {"sent": 4}
    received = copies(mail_sink)
    assert len(received) == 3 and set(received.values()) == {1}
    assert taken and taken[0] not in received
