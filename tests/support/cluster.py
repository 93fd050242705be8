"""All four services as real processes, as `make run` starts them."""

import os

from services.common.config import SERVICES
from services.launcher import spawn, stop_all, wait_healthy
from tests.support.mail import free_port


class Cluster:
    """Runs `python -m services serve <name>` for each service with a shared environment."""

    def __init__(self, env):
        self.env = env
        self.processes = {}

    @classmethod
    def for_test(cls, amqp_uri, database_urls, smtp_url, **extra):
        """An environment with free ports, the given databases, broker and SMTP server."""
        env = dict(os.environ, AMQP_URI=amqp_uri, SMTP_URL=smtp_url,
                   OFFICE_EMAIL="vanphong@dangbokhoi.example.vn", OUTBOX_POLL_SECONDS="0.5",
                   HANDLER_RETRY_DELAY_MS="100", LOG_LEVEL="WARNING", RATE_LIMIT_PER_MINUTE="0")
        for service in SERVICES:
            env[f"{service.upper()}_DATABASE_URL"] = database_urls[service]
            env[f"{service.upper()}_PORT"] = str(free_port())
        env.update({k: str(v) for k, v in extra.items()})
        return cls(env)

    def url(self, service, path):
        """Absolute URL of a path on one service."""
        return f"http://127.0.0.1:{self.env[f'{service.upper()}_PORT']}{path}"

    def start(self, services=SERVICES):
        """Start the services and wait until each answers /healthz."""
        for service in services:
            self.processes[service] = spawn(service, self.env)
        for service in services:
            if not wait_healthy(service, self.env, self.processes[service]):
                self.stop()
                raise RuntimeError(f"{service} did not become healthy")
        return self

    def stop(self):
        """SIGTERM every service, SIGKILL what does not stop in time."""
        stop_all(self.processes, grace=10)
