"""notify's nameko entrypoints, its delivery loops and its reminder loop."""

import logging

from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.background import BackgroundLoop
from services.common.consuming import claim, handle_event, handle_events
from services.common.contracts import CASE_CHANGE_EVENTS
from services.common.db import Database, Engine
from services.common.health import HealthEndpoints
from services.common.outbox import Outbox, OutboxRelay, OutboxWriter

from . import clocks, sending, store
from .api import NotifyApi
from .mailer import Mailer
from .reminders import parse_fractions

log = logging.getLogger(__name__)


class ChannelLoop(BackgroundLoop):
    """Delivers one channel's due deliveries; woken after commits, retries on a timer."""

    engine = Engine()
    relay = OutboxRelay()
    interval = 1.0

    def setup(self):
        """Keep the settings (addresses, secrets, timeouts, retry policy)."""
        self.settings = self.container.config
        # deliveries the receiver accepted whose commit failed: recorded, never resent
        self.sent_unrecorded = {}

    def send(self, session, outbox):
        """Deliver one batch; return how many were attempted."""
        raise NotImplementedError

    def work(self):
        """One batch; True when it was full (more may be due)."""
        outbox = OutboxWriter(self.container.service_name, self.relay)
        with self.engine.session_factory() as session:
            return self.send(session, outbox) == sending.SEND_BATCH


class DeliverySender(ChannelLoop):
    """Sends due email over SMTP; a reporter's address is asked of cases at that moment."""

    def setup(self):
        """Build the mailer from SMTP_URL."""
        super().setup()
        self.mailer = Mailer(self.settings["SMTP_URL"], float(self.settings["SMTP_TIMEOUT"]),
                             self.settings.get("SMTP_CA_FILE"))

    def reporter_contact(self, case_id):
        """Ask cases for a reporter's contact, with a timeout; unavailable means retry later."""
        try:
            with ClusterRpcProxy(self.settings,
                                 timeout=float(self.settings["CONTACT_RPC_TIMEOUT"])) as rpc:
                return rpc.cases.reporter_contact(case_id)
        except Exception as exc:  # a timeout, a lost broker, an error in cases: retry later
            raise sending.ContactUnavailableError(f"cases did not answer: {exc}") from exc

    def send(self, session, outbox):
        """Send one batch of email."""
        return sending.send_due(session, self.mailer, self.settings, outbox,
                                self.reporter_contact, self.sent_unrecorded)


class WebhookSender(ChannelLoop):
    """Posts due webhooks in a loop of its own, so a dead endpoint never delays email."""

    def send(self, session, outbox):
        """Post one batch of webhooks."""
        return sending.send_webhooks_due(session, self.settings, outbox,
                                         sent_unrecorded=self.sent_unrecorded)


class ReminderLoop(BackgroundLoop):
    """Queues reminders before deadlines and daily while overdue, then wakes the senders."""

    engine = Engine()
    email = DeliverySender()
    webhooks = WebhookSender()

    def setup(self):
        """Read the check interval and the reminder fractions."""
        self.settings = self.container.config
        self.interval = float(self.settings["REMINDER_CHECK_SECONDS"])
        self.fractions = parse_fractions(self.settings["REMINDER_FRACTIONS"])

    def work(self):
        """One batch of due reminders; True when it was full."""
        with self.engine.session_factory() as session:
            count = clocks.send_reminders(session, self.settings, self.fractions)
        if count:
            self.email.wake()
            self.webhooks.wake()
        return count >= clocks.REMINDER_BATCH


class Sender(DependencyProvider):
    """Lets a handler wake the delivery loops of the deliveries it queued, after its commit."""

    email = DeliverySender()
    webhooks = WebhookSender()
    reminders = ReminderLoop()

    def get_dependency(self, worker_ctx):
        """Return a function that wakes the loop of each channel among `deliveries`."""
        def wake(deliveries):
            channels = {delivery.channel for delivery in deliveries}
            if "email" in channels:
                self.email.wake()
            if "webhook" in channels:
                self.webhooks.wake()
        return wake


class NotifyService(NotifyApi, HealthEndpoints):
    """Turns events into deliveries and reminders, and sends them."""

    name = "notify"
    db = Database()
    outbox = Outbox()
    config = Config()
    wake_sender = Sender()

    def state_gauges(self, session):
        """Deliveries by channel and status, for /metrics."""
        counts = store.count_by_status(session)
        return {"grassroots_deliveries": (
            "Deliveries by channel and status", ("channel", "status"),
            {(channel, status): number for channel, statuses in counts.items()
             for status, number in statuses.items()})}

    @handle_events("case_opened", *CASE_CHANGE_EVENTS)
    def notify_case_event(self, event):
        """Queue one delivery per recipient the rules name; keep the case's clock."""
        queued = []
        with self.db.transaction() as session:
            if claim(session, event):
                queued = store.queue_deliveries(session, event, self.config)
                if event.event_type != "case_opened":
                    clocks.apply_case_event(session, event)
        self.wake_sender(queued)

    @handle_events("periodic_report_missing", "digest_compiled")
    def notify_reporting_event(self, event):
        """Urge a unit whose report is missing; send a compiled digest to its readers."""
        queued = []
        with self.db.transaction() as session:
            if claim(session, event):
                queued = store.queue_deliveries(session, event, self.config)
        self.wake_sender(queued)

    @handle_event("unit_updated")
    def keep_directory(self, event):
        """Keep notify's copy of the directory (names and contacts of units)."""
        with self.db.transaction() as session:
            if claim(session, event):
                store.apply_unit_updated(session, event)
