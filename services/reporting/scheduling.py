"""The digest timer: once a period is over and its moment has come, one replica compiles its
digest and writes `digest_compiled` with it (see digest_periods for when, digests for what).

On PostgreSQL a transaction-scoped advisory lock lets one replica compile at a time; the
unique (kind, period_start) of `digests` makes a twin that got past it write nothing. After
a start the timers wait until reporting's queues are empty, so events queued while the service
was down are folded into the read model before a digest is built from it.
"""

import logging
import zlib
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from services.common.background import BackgroundLoop
from services.common.db import Engine, is_postgres
from services.common.outbox import OutboxRelay

from .digests import compile_digest
from .lag import queue_depths
from .settings import Settings

log = logging.getLogger(__name__)
DIGEST_LOCK = zlib.crc32(b"reporting:digests")
# rounds a timer waits for the queues to empty after a start before it acts anyway
CATCH_UP_ROUNDS = 10


def utc_now():
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)


def try_lock(session, lock_id):
    """Take a transaction-scoped advisory lock on PostgreSQL; False when another replica holds
    it (always True elsewhere: SQLite serialises writers itself)."""
    return not is_postgres(session) or bool(session.scalar(
        text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": lock_id}))


def compile_once(unit_of_work, period, now, settings):
    """Compile one period's digest in its own transaction unless it exists or another replica
    holds the lock; True when this call stored it (with its `digest_compiled`)."""
    try:
        with unit_of_work.transaction() as session:
            if not try_lock(session, DIGEST_LOCK):
                return False  # another replica is compiling
            digest = compile_digest(session, period, now, settings, settings.link_base)
    except IntegrityError:
        return False  # a twin stored this period first; nothing of ours was written
    if digest is not None:
        log.info("compiled digest %s %s: %s", period.kind, period.key, digest.title)
    return digest is not None


class ReadModelTimer(BackgroundLoop):
    """A timer over the read model that writes events: every DEADLINE_CHECK_SECONDS, once the
    read model has caught up after a start.

    Caught up means: one round has passed (messages taken before the start are applied) and
    no event waits in reporting's queues. A broker that does not answer counts as not caught
    up; after CATCH_UP_ROUNDS rounds the timer acts anyway, with a warning.
    """

    engine = Engine()
    relay = OutboxRelay()
    coalesce = 0.0
    rounds_waited = 0  # rounds since the start while not caught up
    caught_up = False

    def setup(self):
        """Read the check interval and reporting's settings (a bad digest setting raises)."""
        config = self.container.config
        self.amqp_uri = config["AMQP_URI"]
        self.interval = float(config.get("DEADLINE_CHECK_SECONDS", 60))
        self.settings = Settings.from_config(config)

    def work(self):
        """One round once caught up; True when more is pending."""
        if not self.caught_up:
            self.rounds_waited += 1
            self.caught_up = self.rounds_waited > 1 and self._queues_empty()
            if not self.caught_up and self.rounds_waited > CATCH_UP_ROUNDS:
                log.warning("%s: reporting's queues still hold events after %s rounds; "
                            "acting on the read model as it is", type(self).__name__,
                            CATCH_UP_ROUNDS)
                self.caught_up = True
            if not self.caught_up:
                return False
        return self.round()

    def _queues_empty(self):
        try:
            waiting = sum(queue_depths(self.amqp_uri).values())
        except Exception as exc:  # noqa: BLE001 - the broker is away: wait for it
            log.info("%s: broker not answering (%s); waiting", type(self).__name__, exc)
            return False
        return waiting == 0

    def round(self):
        """One round of work once caught up; True when more is pending."""
        raise NotImplementedError


class DigestWatch(ReadModelTimer):
    """Compiles every digest owed (weekly, monthly, ... as DIGEST_KINDS says) exactly once.

    The clock is `DIGEST_CLOCK` from the container config when given (a zero-argument callable
    returning an aware datetime, for tests), else the real time.
    """

    def setup(self):
        """Read the schedule, the check interval and the clock."""
        super().setup()
        self.clock = self.container.config.get("DIGEST_CLOCK") or utc_now

    def round(self):
        """Compile each owed digest not stored yet."""
        now = self.clock()
        stored = [compile_once(self.engine.unit_of_work, period, now, self.settings)
                  for period in self.settings.digests.owed(now)]
        if any(stored):
            self.relay.wake()
        return False
