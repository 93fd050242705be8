"""reporting's nameko entrypoints."""

from services.common.consuming import claim, handle_events
from services.common.contracts import CASE_CHANGE_EVENTS
from services.common.db import Database
from services.common.health import HealthEndpoints
from services.common.web import http, json_response

from . import store


class ReportingService(HealthEndpoints):
    """Keeps the read model and answers report queries."""

    name = "reporting"
    db = Database()

    @handle_events("case_opened", *CASE_CHANGE_EVENTS)
    def record_case_event(self, event):
        """Fold a case event into the read model (idempotent, newest version wins)."""
        with self.db.transaction() as session:
            if claim(session, event):
                store.apply_case_event(session, event)

    @http("GET", "/api/v1/reports/summary")
    def summary_report(self, request):
        """Counts of cases by status."""
        with self.db.transaction() as session:
            return json_response({"report": "summary", **store.summary(session)})
