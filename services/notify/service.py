"""notify's nameko entrypoints and its delivery loop."""

from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider

from services.common.background import BackgroundLoop
from services.common.consuming import claim, handle_event
from services.common.db import Database, Engine
from services.common.health import HealthEndpoints
from services.common.web import http, json_response

from . import store
from .mailer import Mailer


class DeliverySender(BackgroundLoop):
    """Sends due deliveries; woken when new ones are committed, retries on a timer."""

    engine = Engine()
    interval = 1.0

    def setup(self):
        """Build the mailer from SMTP_URL."""
        self.settings = self.container.config
        self.mailer = Mailer(self.settings["SMTP_URL"], float(self.settings["SMTP_TIMEOUT"]))

    def work(self):
        """Send one batch; True when the batch was full."""
        with self.engine.session_factory() as session:
            return store.send_due(session, self.mailer, self.settings) == store.SEND_BATCH


class Sender(DependencyProvider):
    """Lets a handler wake the delivery loop after its commit."""

    loop = DeliverySender()

    def get_dependency(self, worker_ctx):
        """Return the loop's wake function."""
        return self.loop.wake


class NotifyService(HealthEndpoints):
    """Turns events into deliveries and sends them."""

    name = "notify"
    db = Database()
    config = Config()
    wake_sender = Sender()

    @handle_event("case_opened")
    def notify_case_opened(self, event):
        """Tell the bloc office a new case awaits triage."""
        with self.db.transaction() as session:
            if claim(session, event):
                store.queue_deliveries(session, event, self.config)
        self.wake_sender()

    @http("GET", "/api/v1/deliveries/stats")
    def delivery_stats(self, request):
        """Number of deliveries per status."""
        with self.db.transaction() as session:
            return json_response({"by_status": store.count_by_status(session)})
