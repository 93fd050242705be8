"""One fault scenario: fresh databases and vhost, the services, a load, the faults, a verdict."""

import os
import time

from services.common.config import SERVICES
from services.common.migrations import upgrade
from tests.fault import ledger
from tests.fault.cluster import FaultCluster
from tests.fault.load import Load
from tests.fault.verdict import Expect, report, settle, verdict
from tests.support import infra
from tests.support.waiting import wait_until

REPORTS = []  # every scenario's account, printed again in pytest's terminal summary

FAULT_SETTINGS = {
    "OFFICE_EMAIL": "vanphong@dangbokhoi.example.vn",
    "LEADERSHIP_EMAIL": "lanhdao@dangbokhoi.example.vn",
    "OUTBOX_POLL_SECONDS": "0.5", "HANDLER_RETRY_DELAY_MS": "100",
    "HANDLER_MAX_ATTEMPTS": "5", "DELIVERY_RETRY_SECONDS": "0.5",
    "DELIVERY_MAX_ATTEMPTS": "8", "SMTP_TIMEOUT": "5", "LOG_LEVEL": "WARNING",
    "RATE_LIMIT_PER_MINUTE": "0", "QUEUE_TYPE": os.environ.get("QUEUE_TYPE", "classic"),
}


class Scenario:
    """Runs the services against a private PostgreSQL, a test vhost and an SMTP sink."""

    def __init__(self, title, postgres, vhost, sink, log_dir, amqp_uri=None, replicas=1,
                 **settings):
        self.title = title
        self.postgres, self.vhost, self.sink = postgres, vhost, sink
        self.databases = {s: postgres.create_database(f"fault_{s}") for s in SERVICES}
        for service, url in self.databases.items():
            upgrade(service, url)
        env = dict(os.environ, AMQP_URI=amqp_uri or infra.amqp_uri(vhost),
                   SMTP_URL=sink.url, **FAULT_SETTINGS,
                   **{k: str(v) for k, v in settings.items()},
                   **{f"{s.upper()}_DATABASE_URL": url for s, url in self.databases.items()})
        self.cluster = FaultCluster(env, log_dir, replicas)
        self.load = None
        self.began = None
        self.events = []

    def start(self, total=200, rate=25.0, clients=4):
        """Start the services, then the load."""
        self.cluster.start()
        self.load = Load(self.cluster.urls("intake"), total=total, clients=clients, rate=rate,
                         run=self.vhost.rpartition("-")[2]).start()
        self.began = time.monotonic()
        return self

    def note(self, text):
        """Record what the scenario did, with the time since the load began."""
        self.events.append(f"{time.monotonic() - self.began:6.1f} s  {text}")

    def when_accepted(self, fraction, timeout=120.0):
        """Wait until this fraction of the load has been accepted."""
        wanted = int(self.load.total * fraction)
        wait_until(lambda: len(self.load.accepted) >= wanted, timeout=timeout,
                   message=f"{wanted} submissions accepted")
        return f"{len(self.load.accepted)}/{self.load.total} accepted"

    def when_emailed(self, count, timeout=120.0):
        """Wait until the SMTP sink has received `count` emails."""
        wait_until(lambda: len(self.sink.messages()) >= count, timeout=timeout,
                   message=f"{count} emails received")
        return f"{len(self.sink.messages())} emails received"

    def kill(self, service, replica=0):
        """SIGKILL one replica and say so."""
        progress = f"{len(self.load.accepted)}/{self.load.total} accepted, " \
                   f"{len(self.sink.messages())} emails"
        self.cluster.kill(service, replica)
        self.note(f"SIGKILL {service}#{replica} ({progress})")

    def restart(self, service, replica=0):
        """Start a killed replica again and say how long it took."""
        seconds = self.cluster.restart(service, replica)
        self.note(f"{service}#{replica} healthy again after {seconds:.1f} s")

    def hold(self, seconds, what):
        """Keep a fault in place for `seconds` while the load goes on (a timed outage)."""
        until = time.monotonic() + seconds
        wait_until(lambda: time.monotonic() >= until, timeout=seconds + 5, interval=0.2,
                   message=what)

    def read(self, vhost):
        """One snapshot of every place a matter can end up."""
        return ledger.take(self.databases, self.sink, self.cluster.urls("reporting"),
                           self.cluster.env, vhost)

    def finish(self, expect=None):
        """Let the load end and the system settle, print the verdict, fail on any bad count."""
        expect = expect or Expect()
        self.load.wait()
        self.note(f"load done: {len(self.load.accepted)}/{self.load.total} accepted")
        codes = {o.code for o in self.load.outcomes if o.code}
        snapshot, seconds = settle(self.read, codes, expect, self.vhost)
        checks = verdict(snapshot, self.load, expect)
        account = report(self.title, self.events, self.load, seconds, checks)
        print("\n" + account, flush=True)
        REPORTS.append(account)
        failed = [c for c in checks if not c.ok]
        assert not failed, f"{account}\n\nservice logs:\n{self.cluster.log_tail()}"
        return snapshot

    def close(self):
        """Stop the load and the services, drop the databases."""
        if self.load is not None:
            self.load.stop()
        self.cluster.stop()
        for url in self.databases.values():
            self.postgres.drop_database(url)
