"""reporting's nameko entrypoints: event consumers feeding the read model, the report and
digest API, the timer that sends `periodic_report_missing` and the one that compiles digests."""

import zlib
from datetime import UTC, datetime

from nameko.dependency_providers import Config

from services.common.auth import principal_from, require_role
from services.common.consuming import handle_event, handle_events
from services.common.contracts import CASE_CHANGE_EVENTS
from services.common.db import Database
from services.common.health import HealthEndpoints
from services.common.web import http, json_response

from . import compliance, digest_api, feed, reports
from .dashboard import READERS, DashboardPages
from .digest_pages import DigestPages
from .exports import response
from .filters import build_filter
from .lag import FeedLag
from .openapi import document
from .pdf import letterhead
from .scheduling import DigestWatch, ReadModelTimer, try_lock
from .schemas import ReportQuery, query_args
from .settings import Settings

REPORT_QUERY = ReportQuery()
OPENAPI = document()
NOTICE_LOCK = zlib.crc32(b"reporting:compliance-notices")
NOTICE_BATCH = 500


class ComplianceWatch(ReadModelTimer):
    """After the due day, writes `periodic_report_missing` for every unit still owing."""

    def round(self):
        """One round (queued reports were consumed during the skipped first one)."""
        with self.engine.unit_of_work.transaction() as session:
            if not try_lock(session, NOTICE_LOCK):
                return False  # another replica is on it
            written = compliance.send_missing_notices(session, self.settings.due_day,
                                                      limit=NOTICE_BATCH)
        if written:
            self.relay.wake()
        return written >= NOTICE_BATCH


class ReportSettings(Config):
    """Gives workers the read model's settings; runs the compliance and digest timers."""

    watch = ComplianceWatch()
    digests = DigestWatch()

    def setup(self):
        """Build the settings once per container."""
        self.settings = Settings.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        """Return the shared settings."""
        return self.settings


class ReportingService(DashboardPages, DigestPages, HealthEndpoints):
    """Keeps the read model and answers report queries."""

    name = "reporting"
    db = Database()
    settings = ReportSettings()
    lag = FeedLag()

    def outside_gauges(self):
        """How far the read model is behind (see lag.py), for /metrics."""
        return self.lag.gauges(self.config["AMQP_URI"])

    @handle_events("case_opened", *CASE_CHANGE_EVENTS)
    def record_case_event(self, event):
        """Fold a case event into the read model (idempotent, order-tolerant)."""
        with self.db.transaction() as session:
            return feed.apply_event(session, event, self.settings)

    @handle_event("unit_updated")
    def record_unit(self, event):
        """Keep the directory copy and its ancestor paths (newest version wins)."""
        with self.db.transaction() as session:
            return feed.apply_event(session, event, self.settings)

    @handle_event("periodic_report_received")
    def record_periodic_report(self, event):
        """Record which unit sent its monthly report and when."""
        with self.db.transaction() as session:
            return feed.apply_event(session, event, self.settings)

    def reader(self, request):
        """The caller, who must be a leader, clerk or admin (401 / 403 otherwise)."""
        principal = principal_from(request, self.config["AUTH_SECRET"])
        require_role(principal, *READERS)
        return principal

    @http("GET", "/api/v1/openapi.json")
    def openapi(self, request):
        """The OpenAPI document of this API."""
        return json_response(OPENAPI)

    @http("GET", "/api/v1/reports")
    def list_reports(self, request):
        """The reports there are, with their filters and formats."""
        self.reader(request)
        return json_response({"reports": reports.catalogue()})

    @http("GET", "/api/v1/digests")
    def list_digests(self, request):
        """Stored digests, newest period first: `?kind=&page=&per_page=`."""
        self.reader(request)
        with self.db.transaction() as session:
            page = digest_api.digest_page(session, query_args(request), self.settings.link_base)
        return json_response(page)

    @http("GET", "/api/v1/digests/<string:digest_id>")
    def digest(self, request, digest_id):
        """One digest with its sections (404 for an unknown id)."""
        self.reader(request)
        with self.db.transaction() as session:
            shown = digest_api.digest_detail(session, digest_id, self.settings.link_base)
        return json_response(shown)

    @http("GET", "/api/v1/reports/<string:name>")
    def report(self, request, name):
        """One report for `?from=&to=&unit=&category=&priority=&channel=` as JSON, CSV, XLSX
        or PDF."""
        principal = self.reader(request)
        return self.report_file(request, name, principal.role)

    def report_file(self, request, name, role):
        """Build one report for the request's query string, in the format it asks for."""
        reports.find_report(name)
        query = REPORT_QUERY.load(query_args(request))
        now = datetime.now(UTC)
        with self.db.transaction() as session:
            flt = build_filter(session, query, role, now, self.settings)
            result = reports.run(session, name, flt)
            head = letterhead(session, self.settings) if query["format"] == "pdf" else None
        return response(result, flt, query["format"], now, head)
