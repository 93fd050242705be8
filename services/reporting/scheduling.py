"""The digest timer: once a period is over and its moment has come, one replica compiles its
digest and writes `digest_compiled` with it (see digest_periods for when, digests for what).

On PostgreSQL a transaction-scoped advisory lock lets one replica compile at a time; the
unique (kind, period_start) of `digests` makes a twin that got past it write nothing. The
first round after start is skipped so events queued while the service was down are folded
into the read model before a digest is built from it.
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
from .settings import Settings

log = logging.getLogger(__name__)
DIGEST_LOCK = zlib.crc32(b"reporting:digests")


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
    """A timer over the read model that writes events: every DEADLINE_CHECK_SECONDS, after a
    first round skipped so events queued while the service was down are consumed first."""

    engine = Engine()
    relay = OutboxRelay()
    coalesce = 0.0

    def setup(self):
        """Read the check interval and reporting's settings (a bad digest setting raises)."""
        config = self.container.config
        self.interval = float(config.get("DEADLINE_CHECK_SECONDS", 60))
        self.settings = Settings.from_config(config)
        self.warmed_up = False

    def work(self):
        """One round; the first is skipped. True when more is pending."""
        if not self.warmed_up:
            self.warmed_up = True
            return False
        return self.round()

    def round(self):
        """One round of work once warmed up; True when more is pending."""
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
