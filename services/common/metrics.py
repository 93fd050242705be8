"""Prometheus metrics of a service: workers run, their latency, events handled, backlogs.

Counters and histograms live in one registry per service container; gauges that describe
state (outbox backlog, dead letters, open cases) are read from the database and the broker
when `/metrics` is scraped.
"""

import contextlib
import logging
import time
from weakref import WeakKeyDictionary

from kombu import Connection
from nameko.extensions import DependencyProvider
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from .topology import DEAD_LETTER_QUEUE

log = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def message_counts(amqp_uri, queues, timeout=3):
    """{queue: messages ready} for each of `queues` the broker has declared (others left out)."""
    counts = {}
    with Connection(amqp_uri, connect_timeout=timeout) as connection:
        for name in queues:
            channel = connection.channel()
            try:
                counts[name] = channel.queue_declare(name, passive=True).message_count
            except Exception:  # noqa: BLE001, S112 - not declared yet: nothing waits there
                continue
            finally:
                # a refused passive declare has closed the channel already
                with contextlib.suppress(Exception):
                    channel.close()
    return counts


def dead_letter_count(amqp_uri, timeout=3):
    """Messages waiting in the dead-letter queue (0 when it was never declared)."""
    return message_counts(amqp_uri, [DEAD_LETTER_QUEUE], timeout).get(DEAD_LETTER_QUEUE, 0)


class Metrics(DependencyProvider):
    """Counts every worker of the service by entrypoint and outcome, and times it."""

    def setup(self):
        """One registry per container, so replicas in one process never mix figures."""
        self.registry = CollectorRegistry()
        self.workers = Counter("grassroots_workers_total",
                               "Workers run, by entrypoint and outcome",
                               ["service", "entrypoint", "outcome"], registry=self.registry)
        self.latency = Histogram("grassroots_worker_seconds", "Time a worker took",
                                 ["service", "entrypoint"], buckets=BUCKETS,
                                 registry=self.registry)
        self.events = Counter("grassroots_events_handled_total",
                              "Events handled, by type and outcome (failures are retried or "
                              "dead-lettered)", ["service", "event_type", "outcome"],
                              registry=self.registry)
        self.started = WeakKeyDictionary()

    def worker_setup(self, worker_ctx):
        """Note when the worker started."""
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        """Count the outcome and record the time; never lets a metrics error escape."""
        try:
            service = self.container.service_name
            entrypoint = worker_ctx.entrypoint.method_name
            outcome = "ok" if exc_info is None else "error"
            self.workers.labels(service, entrypoint, outcome).inc()
            started = self.started.pop(worker_ctx, None)
            if started is not None:
                self.latency.labels(service, entrypoint).observe(time.perf_counter() - started)
            event_type = getattr(worker_ctx.entrypoint, "event_type", None)
            if event_type:
                self.events.labels(service, event_type, outcome).inc()
        except Exception:  # noqa: BLE001 - metrics must never break a worker
            log.exception("could not record metrics")

    def get_dependency(self, worker_ctx):
        """The provider itself: `exposition(gauges)` renders the scrape."""
        return self

    def exposition(self, gauges):
        """The registry plus scrape-time gauges {name: (help, {labels tuple: value})}."""
        now = CollectorRegistry()
        for name, (help_text, label_names, values) in gauges.items():
            gauge = Gauge(name, help_text, ["service", *label_names], registry=now)
            for labels, value in values.items():
                gauge.labels(self.container.service_name, *labels).set(value)
        return generate_latest(self.registry) + generate_latest(now)
