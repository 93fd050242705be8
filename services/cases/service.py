"""cases' nameko entrypoints: the feedback consumer, the deadline timer and the officer API."""

from nameko.dependency_providers import Config
from nameko.rpc import rpc
from sqlalchemy import select

from services.common.auth import principal_from, require_role
from services.common.background import BackgroundLoop
from services.common.categories import CATEGORIES
from services.common.consuming import claim, handle_event
from services.common.db import Database, Engine
from services.common.health import HealthEndpoints
from services.common.outbox import Outbox, OutboxRelay, OutboxWriter
from services.common.web import ApiError, http, json_response, read_json

from . import directory, store, users, views
from .categories import propose_assignee
from .console import ConsolePages
from .models import Unit, User
from .openapi import document
from .schemas import ActionIn, CaseQuery, LoginIn, UnitIn, UserIn

ACTION_IN, CASE_QUERY, LOGIN_IN = ActionIn(), CaseQuery(), LoginIn()
UNIT_IN, UNIT_PATCH, USER_IN = UnitIn(), UnitIn(partial=True), UserIn()
OPENAPI = document()


class DeadlineWatch(BackgroundLoop):
    """Marks overdue cases and escalates those still overdue after the grace period."""

    engine = Engine()
    relay = OutboxRelay()
    coalesce = 0.0

    def setup(self):
        """Read the check interval and the rules."""
        self.interval = float(self.container.config.get("DEADLINE_CHECK_SECONDS", 60))
        self.rules = store.CaseRules.from_config(self.container.config)

    def work(self):
        """One round: mark, then escalate; True when a full batch was handled."""
        outbox = OutboxWriter(self.container.service_name, self.relay)
        with self.engine.unit_of_work.transaction() as session:
            marked = store.mark_overdue(session, outbox, self.rules)
        with self.engine.unit_of_work.transaction() as session:
            escalated = store.escalate_overdue(session, outbox, self.rules)
        return max(marked, escalated) >= 100


class Deadlines(Config):
    """Gives handlers the case rules; runs the deadline timer for as long as the service."""

    watch = DeadlineWatch()

    def setup(self):
        """Build the rules once per container."""
        self.rules = store.CaseRules.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        """Return the shared rules."""
        return self.rules


def query_args(request):
    """Query-string values as a plain dict (first value of each)."""
    return {key: request.args.get(key) for key in request.args}


class CasesService(ConsolePages, HealthEndpoints):
    """Owns the case lifecycle, the directory, categories, deadlines and users."""

    name = "cases"
    db = Database()
    outbox = Outbox()
    config = Config()
    rules = Deadlines()

    def state_gauges(self, session):
        """Open cases by status and overdue cases, for /metrics."""
        return views.case_gauges(session)

    @rpc
    def reporter_contact(self, case_id):
        """A reporter's contact, for notify at the moment of sending; only with consent."""
        with self.db.transaction() as session:
            return views.reporter_contact(session, case_id)

    def principal(self, request):
        """The verified caller of an API request."""
        return principal_from(request, self.config["AUTH_SECRET"])

    @handle_event("feedback_received")
    def open_case_from_feedback(self, event):
        """Open exactly one case per submission, however often the event arrives."""
        with self.db.transaction() as session:
            if claim(session, event):
                store.open_case(session, self.outbox, event, self.rules)

    @http("GET", "/api/v1/openapi.json")
    def openapi(self, request):
        """The OpenAPI document of this API."""
        return json_response(OPENAPI)

    @http("POST", "/api/v1/auth/token")
    def login(self, request):
        """Exchange a username and password for a bearer token."""
        credentials = LOGIN_IN.load(read_json(request))
        refused = None
        with self.db.transaction() as session:
            try:
                user = users.authenticate(session, credentials["username"],
                                          credentials["password"])
            except users.LoginRefusedError as exc:
                refused = exc  # keep the failed-attempt count: commit, then refuse
            else:
                ttl = int(self.config["TOKEN_TTL_SECONDS"])
                token = users.token_for(user, self.config["AUTH_SECRET"], ttl)
                body = {"token": token, "token_type": "Bearer", "expires_in": ttl,
                        "user": users.public_user(user)}
        if refused:
            raise refused
        return json_response(body)

    @http("GET", "/api/v1/cases")
    def list_cases(self, request):
        """Cases the caller may see, filtered and paged."""
        principal = self.principal(request)
        filters = CASE_QUERY.load(query_args(request))
        with self.db.transaction() as session:
            items, total = views.list_cases(session, principal, filters)
        return json_response({"items": items, "total": total, "page": filters["page"],
                              "per_page": filters["per_page"]})

    @http("GET", "/api/v1/cases/stats")
    def case_stats(self, request):
        """Number of cases per status (counts only)."""
        with self.db.transaction() as session:
            return json_response({"by_status": store.count_by_status(session)})

    @http("GET", "/api/v1/cases/<case_id>")
    def get_case(self, request, case_id):
        """One case with history, comments and the actions the caller may take."""
        principal = self.principal(request)
        with self.db.transaction() as session:
            case = store.load_case(session, case_id, principal)
            return json_response(views.case_detail(session, case, principal,
                                                   self.rules.workflow))

    @http("POST", "/api/v1/cases/<case_id>/actions/<action>")
    def act_on_case(self, request, case_id, action):
        """Carry out one workflow action; the body carries the version the caller saw."""
        principal = self.principal(request)
        body = ACTION_IN.load(read_json(request))
        version = body.pop("version")
        with self.db.transaction() as session:
            case = store.act(session, self.outbox, case_id, action, principal, body, version,
                             self.rules)
            detail = views.case_detail(session, case, principal, self.rules.workflow)
        return json_response(detail)

    @http("GET", "/api/v1/triage")
    def triage(self, request):
        """New cases awaiting assignment, each with a proposed unit (clerks and leaders)."""
        principal = self.principal(request)
        require_role(principal, "clerk", "leader")
        with self.db.transaction() as session:
            items, total = views.list_cases(session, principal,
                                            {"status": "new", "page": 1, "per_page": 200})
            units = {u.code: {"kind": u.kind, "parent": u.parent_code, "active": u.active}
                     for u in session.scalars(select(Unit))}
        for item in items:
            unit, why = propose_assignee(item["category"], item["unit_code"], units)
            item["proposed_unit"], item["proposal_reason"] = unit, why
        return json_response({"items": items, "total": total})

    @http("GET", "/api/v1/categories")
    def categories(self, request):
        """Categories of grassroots matters with their default responsible unit."""
        return json_response({"items": [c.__dict__ for c in CATEGORIES]})

    def unit_view(self, request):
        """How units are shown: with contacts to signed-in staff, without to anyone else."""
        try:
            self.principal(request)
        except ApiError:  # no token, or one that does not verify: the public view
            return directory.public_snapshot
        return directory.snapshot

    @http("GET", "/api/v1/units")
    def list_units(self, request):
        """Directory units, filterable by kind, parent, active and name."""
        args = query_args(request)
        active = {"true": True, "false": False}.get((args.get("active") or "").lower())
        view = self.unit_view(request)
        with self.db.transaction() as session:
            units = directory.list_units(session, args.get("kind"), args.get("parent"),
                                         active, args.get("q"))
            return json_response({"items": [view(u) for u in units]})

    @http("GET", "/api/v1/units/<code>")
    def get_unit(self, request, code):
        """One unit (contacts only for signed-in staff)."""
        view = self.unit_view(request)
        with self.db.transaction() as session:
            return json_response(view(directory.get_unit(session, code)))

    @http("POST", "/api/v1/units")
    def create_unit(self, request):
        """Add a unit (admins)."""
        require_role(self.principal(request), "admin")
        data = UNIT_IN.load(read_json(request))
        if not data.get("code"):
            raise ApiError("A new unit needs a code.", status=422, code="validation_failed",
                           fields={"code": ["Missing data for required field."]})
        with self.db.transaction() as session:
            unit = directory.create_unit(session, self.outbox, data["code"], data)
            return json_response(directory.snapshot(unit), status=201)

    @http("PATCH", "/api/v1/units/<code>")
    def update_unit(self, request, code):
        """Edit a unit (admins); the body carries the version seen."""
        require_role(self.principal(request), "admin")
        data = UNIT_PATCH.load(read_json(request))
        version = self._version(data)
        with self.db.transaction() as session:
            unit = directory.update_unit(session, self.outbox, code, data, version)
            return json_response(directory.snapshot(unit))

    @http("DELETE", "/api/v1/units/<code>")
    def deactivate_unit(self, request, code):
        """Deactivate a unit (admins): `?version=N` must be the current version."""
        require_role(self.principal(request), "admin")
        version = self._version({"version": request.args.get("version")})
        with self.db.transaction() as session:
            unit = directory.deactivate_unit(session, self.outbox, code, version)
            return json_response(directory.snapshot(unit))

    @staticmethod
    def _version(data):
        try:
            return int(data["version"])
        except (KeyError, TypeError, ValueError):
            raise ApiError("Send the version you edited.", status=422,
                           code="validation_failed",
                           fields={"version": ["Required integer."]}) from None

    @http("GET", "/api/v1/users")
    def list_users(self, request):
        """Users (admins)."""
        require_role(self.principal(request), "admin")
        with self.db.transaction() as session:
            rows = session.scalars(select(User).order_by(User.username))
            return json_response({"items": [users.public_user(u) for u in rows]})

    @http("POST", "/api/v1/users")
    def create_user(self, request):
        """Add a user (admins)."""
        require_role(self.principal(request), "admin")
        data = USER_IN.load(read_json(request))
        with self.db.transaction() as session:
            user = users.create_user(session, **data)
            return json_response(users.public_user(user), status=201)
