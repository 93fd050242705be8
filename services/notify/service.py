"""notify's nameko entrypoints and its delivery loop."""

from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider

from services.common.auth import principal_from, require_role
from services.common.background import BackgroundLoop
from services.common.consuming import claim, handle_event, handle_events
from services.common.db import Database, Engine
from services.common.health import HealthEndpoints
from services.common.outbox import Outbox, OutboxRelay, OutboxWriter
from services.common.web import ApiError, NotFoundError, http, json_response

from . import store
from .domain import RULES, inbox_of
from .mailer import Mailer
from .schemas import DeliveryQuery, InboxQuery

NOTIFIED_EVENTS = tuple(RULES)
DELIVERY_QUERY, INBOX_QUERY = DeliveryQuery(), InboxQuery()


class ChannelLoop(BackgroundLoop):
    """Delivers one channel's due deliveries; woken after commits, retries on a timer."""

    engine = Engine()
    relay = OutboxRelay()
    interval = 1.0

    def setup(self):
        """Keep the settings (addresses, secrets, timeouts, retry policy)."""
        self.settings = self.container.config

    def send(self, session, outbox):
        """Deliver one batch; return how many were attempted."""
        raise NotImplementedError

    def work(self):
        """One batch; True when it was full (more may be due)."""
        outbox = OutboxWriter(self.container.service_name, self.relay)
        with self.engine.session_factory() as session:
            return self.send(session, outbox) == store.SEND_BATCH


class DeliverySender(ChannelLoop):
    """Sends due email over SMTP."""

    def setup(self):
        """Build the mailer from SMTP_URL."""
        super().setup()
        self.mailer = Mailer(self.settings["SMTP_URL"], float(self.settings["SMTP_TIMEOUT"]))

    def send(self, session, outbox):
        """Send one batch of email."""
        return store.send_due(session, self.mailer, self.settings, outbox)


class WebhookSender(ChannelLoop):
    """Posts due webhooks in a loop of its own, so a dead endpoint never delays email."""

    def send(self, session, outbox):
        """Post one batch of webhooks."""
        return store.send_webhooks_due(session, self.settings, outbox)


class Sender(DependencyProvider):
    """Lets a handler wake the delivery loops after its commit."""

    email = DeliverySender()
    webhooks = WebhookSender()

    def get_dependency(self, worker_ctx):
        """Return a function that wakes both loops."""
        def wake():
            self.email.wake()
            self.webhooks.wake()
        return wake


class NotifyService(HealthEndpoints):
    """Turns events into deliveries and sends them."""

    name = "notify"
    db = Database()
    outbox = Outbox()
    config = Config()
    wake_sender = Sender()

    @handle_events(*NOTIFIED_EVENTS)
    def notify_case_event(self, event):
        """Queue one delivery per recipient the rules name for this event."""
        with self.db.transaction() as session:
            if claim(session, event):
                store.queue_deliveries(session, event, self.config)
        self.wake_sender()

    @handle_event("unit_updated")
    def keep_directory(self, event):
        """Keep notify's copy of the directory (names and contacts of units)."""
        with self.db.transaction() as session:
            if claim(session, event):
                store.apply_unit_updated(session, event)

    @http("GET", "/api/v1/deliveries")
    def deliveries(self, request):
        """The delivery log for the office: filter by case, recipient and status."""
        principal = principal_from(request, self.config["AUTH_SECRET"])
        require_role(principal, "clerk", "leader", "admin")
        query = DELIVERY_QUERY.load({k: request.args.get(k) for k in request.args})
        with self.db.transaction() as session:
            items, total = store.list_deliveries(session, **query)
        return json_response({"items": items, "total": total, "page": query["page"],
                              "per_page": query["per_page"]})

    def _inbox(self, request):
        principal = principal_from(request, self.config["AUTH_SECRET"])
        box = inbox_of(principal.role, principal.unit_code)
        if box is None:
            raise ApiError("This account has no inbox.", status=403, code="forbidden")
        return principal, box

    @http("GET", "/api/v1/inbox")
    def inbox(self, request):
        """The signed-in user's in-app notifications (`?unread=true` for unread only)."""
        principal, box = self._inbox(request)
        query = INBOX_QUERY.load({k: request.args.get(k) for k in request.args})
        with self.db.transaction() as session:
            items, total = store.list_inbox(session, box, principal.user_id,
                                            query["unread"], query["page"], query["per_page"])
        return json_response({"items": items, "total": total, "page": query["page"]})

    @http("POST", "/api/v1/inbox/<delivery_id>/read")
    def mark_read(self, request, delivery_id):
        """Mark one notification read."""
        principal, box = self._inbox(request)
        with self.db.transaction() as session:
            if not store.mark_read(session, box, principal.user_id, delivery_id):
                raise NotFoundError("No such notification in your inbox.",
                                    fields={"delivery_id": ["Unknown notification."]})
        return json_response({"id": delivery_id, "read": True})

    @http("GET", "/api/v1/deliveries/stats")
    def delivery_stats(self, request):
        """Number of deliveries per channel and status."""
        with self.db.transaction() as session:
            return json_response({"by_channel": store.count_by_status(session)})
