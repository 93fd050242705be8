"""`/healthz` (process up) and `/readyz` (database and broker reachable) for every service."""

from kombu import Connection
from nameko.dependency_providers import Config

from .db import Database
from .web import health_payload, http, json_response


def broker_reachable(amqp_uri, timeout=3):
    """Open and close one broker connection; raises when the broker does not answer."""
    with Connection(amqp_uri, connect_timeout=timeout) as connection:
        connection.connect()


class HealthEndpoints:
    """Mixin for a service class; expects nothing but the container config."""

    db = Database()
    config = Config()

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
