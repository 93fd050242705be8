"""`/healthz` (process up) and `/readyz` (database and broker reachable) for every service."""

from kombu import Connection
from nameko.dependency_providers import Config
from werkzeug.wrappers import Response

from .db import Database
from .metrics import CONTENT_TYPE, Metrics, dead_letter_count
from .outbox import backlog
from .web import health_payload, http, json_response


def broker_reachable(amqp_uri, timeout=3):
    """Open and close one broker connection; raises when the broker does not answer."""
    with Connection(amqp_uri, connect_timeout=timeout) as connection:
        connection.connect()


class HealthEndpoints:
    """Mixin for a service class: health, readiness and Prometheus metrics."""

    db = Database()
    config = Config()
    metrics = Metrics()

    @http("GET", "/healthz")
    def healthz(self, request):
        """The process is up and serving HTTP."""
        return json_response({"status": "ok", "service": self.name})

    @http("GET", "/readyz")
    def readyz(self, request):
        """Ready when this service's database and the broker both answer."""
        status, payload = health_payload({
            "database": self.db.ping,
            "broker": lambda: broker_reachable(self.config["AMQP_URI"]),
        })
        payload["service"] = self.name
        return json_response(payload, status)

    def state_gauges(self, session):
        """Gauges of this service's own state, read at scrape time (services add theirs)."""
        return {}

    def outside_gauges(self):
        """Gauges read at scrape time from elsewhere than the database (the broker, memory),
        after the database transaction has ended."""
        return {}

    @http("GET", "/metrics")
    def prometheus_metrics(self, request):
        """Prometheus metrics: workers, latency, events, outbox backlog, dead letters."""
        gauges = {}
        try:
            with self.db.transaction() as session:
                gauges["grassroots_outbox_backlog"] = (
                    "Events written but not yet confirmed by the broker", (),
                    {(): backlog(session)})
                gauges.update(self.state_gauges(session))
        except Exception:  # noqa: BLE001 - a scrape still answers while the database is down
            gauges["grassroots_database_up"] = ("Whether the database answered", (), {(): 0})
        try:
            gauges["grassroots_dead_letters"] = (
                "Messages parked in the dead-letter queue", (),
                {(): dead_letter_count(self.config["AMQP_URI"])})
        except Exception:  # noqa: BLE001 - nor while the broker is
            gauges["grassroots_broker_up"] = ("Whether the broker answered", (), {(): 0})
        gauges.update(self.outside_gauges())
        return Response(self.metrics.exposition(gauges), content_type=CONTENT_TYPE)
