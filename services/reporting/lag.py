"""How far reporting's read model is behind the changes it is fed, for `/metrics` and replay.

Reporting alone cannot know the age of an event it has not received yet, so it measures
what it can, honestly:

- `grassroots_reporting_lag_seconds`: for the last event this replica applied, the time from
  the event's `occurred_at` (when cases or intake made the change) to the moment reporting's
  transaction holding its effect committed. Absent until the replica has applied an event;
  it describes the last one, so read it with `..._last_applied_timestamp_seconds`.
- `grassroots_reporting_last_applied_timestamp_seconds`: when that was (Unix time).
- `grassroots_reporting_queue_depth{queue}`: messages waiting (ready, not yet delivered) in
  each of reporting's event queues on the broker: what is still to be applied.

`python -m services replay-reporting` reports the same lag for the newest event it replayed.
"""

from datetime import UTC, datetime

from nameko.extensions import DependencyProvider

from services.common.metrics import message_counts
from services.common.topology import SUBSCRIPTIONS

CONSUMER = "reporting"


def lag_seconds(occurred_at, applied_at):
    """Seconds from an event's occurrence to its effect being committed (never negative:
    producers' clocks may run a little ahead)."""
    return max(0.0, (applied_at - occurred_at).total_seconds())


def reporting_queues():
    """The names of the queues reporting consumes."""
    return [sub.queue_name for sub in SUBSCRIPTIONS if sub.consumer == CONSUMER]


def queue_depths(amqp_uri, timeout=3):
    """{queue: messages ready} for each of reporting's queues the broker has declared."""
    return message_counts(amqp_uri, reporting_queues(), timeout)


class FeedLag(DependencyProvider):
    """Notes the lag of every event a consumer of this service applied (after its commit)
    and renders the lag gauges at scrape time."""

    def setup(self):
        """Nothing applied yet."""
        self.last = None  # (lag seconds, applied at as Unix time)

    def applied(self, occurred_at, applied_at=None):
        """Record that an event that occurred at `occurred_at` has just been applied."""
        applied_at = applied_at or datetime.now(UTC)
        self.last = (lag_seconds(occurred_at, applied_at), applied_at.timestamp())

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        """After an event handler applied an event (its transaction committed), note its lag;
        an event already applied before (a redelivery, a requeued letter) says nothing."""
        if exc_info is not None or result is not True or \
                not getattr(worker_ctx.entrypoint, "event_type", None):
            return
        event = worker_ctx.args[0] if worker_ctx.args else None
        occurred_at = getattr(event, "occurred_at", None)
        if occurred_at is not None:
            self.applied(occurred_at)

    def get_dependency(self, worker_ctx):
        """The provider itself: `gauges(amqp_uri)` for `/metrics`."""
        return self

    def gauges(self, amqp_uri):
        """The lag gauges {name: (help, label names, {labels: value})}; the queue depths
        are left out while the broker does not answer."""
        found = {}
        if self.last is not None:
            lag, applied_at = self.last
            found["grassroots_reporting_lag_seconds"] = (
                "Seconds from the last applied event's occurrence to its commit in the read "
                "model", (), {(): lag})
            found["grassroots_reporting_last_applied_timestamp_seconds"] = (
                "When the last event was applied to the read model (Unix time)", (),
                {(): applied_at})
        try:
            depths = queue_depths(amqp_uri)
        except Exception:  # noqa: BLE001 - the broker gauge says it is down
            return found
        found["grassroots_reporting_queue_depth"] = (
            "Events waiting in reporting's queues, not yet applied", ("queue",),
            {(name,): depth for name, depth in depths.items()})
        return found

