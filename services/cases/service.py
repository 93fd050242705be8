"""cases' nameko entrypoints."""

from services.common.consuming import claim, handle_event
from services.common.db import Database
from services.common.health import HealthEndpoints
from services.common.outbox import Outbox
from services.common.web import http, json_response

from . import store


class CasesService(HealthEndpoints):
    """Owns the case lifecycle; opens a case for every submission."""

    name = "cases"
    db = Database()
    outbox = Outbox()

    @handle_event("feedback_received")
    def open_case_from_feedback(self, event):
        """Open exactly one case per submission, however often the event arrives."""
        with self.db.transaction() as session:
            if claim(session, event):
                store.open_case(session, self.outbox, event)

    @http("GET", "/api/v1/cases/stats")
    def case_stats(self, request):
        """Number of cases per status."""
        with self.db.transaction() as session:
            return json_response({"by_status": store.count_by_status(session)})
