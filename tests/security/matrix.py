"""Who may call every HTTP route of the four services: the authorisation matrix.

One entry per route (some routes have two: signed and unsigned, visible and hidden). Each says
what every caller gets: `public` routes answer everyone alike; `only(...)` routes answer the
listed roles, refuse the other roles (403), hide from `hidden` callers what they may not see
(404) and send anonymous callers and every bad token away with 401; the officer console
(`page(...)`) redirects them to its sign-in page instead. Callers are in `callers.py`; a
sample's `{name}` parts are ids the stack created (`stack.py`).
"""

import time
from dataclasses import dataclass, field

from services.common.pages import csrf_token
from services.intake.chatbot import signature

from .callers import EVERYONE, NOBODY, SIGNED_IN, UNIT
from .routes import Route
from .stack import CHATBOT_SECRET, OPEN311_KEY, PASSWORD

OFFICE = ("clerk", "leader", "admin")  # the bloc office, leadership and ops
CASE_VIEWERS = ("leader", "clerk", "officer", "unit_head")  # of the sample case (unit DB-001)
CASE_HIDDEN = ("admin", "other_officer")  # see no case of DB-001: it looks absent (404)
CSRF_SEED = "seed-of-the-security-checks-csrf-cookie"


@dataclass(frozen=True)
class Entry:
    """One route, how to call it, and the status each caller must get."""

    route: Route
    path: str
    expect: dict
    params: dict = field(default_factory=dict)
    body: object = None  # a JSON body, or build(stack, caller) -> request keyword arguments
    via: str = "bearer"  # how credentials travel: bearer header or the console's cookie

    def request_options(self, stack, caller):
        """The keyword arguments of `requests.request` for this caller."""
        options = {"params": {k: v.format(**stack.ids) for k, v in self.params.items()},
                   "cookies": {}, "headers": {}}
        if callable(self.body):
            built = self.body(stack, caller)
            for key in ("cookies", "headers"):
                options[key].update(built.pop(key, {}))
            options.update(built)
        elif self.body is not None:
            options["json"] = self.body
        credentials = stack.callers[caller]
        if self.via == "cookie":
            options["cookies"].update(credentials.cookies())
        else:
            options["headers"].update(credentials.headers())
        return options

    def __str__(self):
        return f"{self.route.service} {self.route.method} {self.path}"


def public(service, method, rule, status=200, path=None, **sample):
    """A route that answers everyone alike, whatever credentials they send."""
    return Entry(Route(service, method, rule), path or rule,
                 dict.fromkeys(EVERYONE, status), **sample)


def only(service, method, rule, *allowed, ok=200, hidden=(), path=None, **sample):
    """A route for the `allowed` roles (answer `ok`); `hidden` callers get 404."""
    expect = {**dict.fromkeys(NOBODY, 401), **dict.fromkeys(SIGNED_IN, 403),
              **dict.fromkeys(allowed, ok), **dict.fromkeys(hidden, 404)}
    return Entry(Route(service, method, rule), path or rule, expect, **sample)


def page(service, method, rule, *allowed, ok=200, hidden=(), path=None, **sample):
    """A signed-in page (session cookie): the signed-out, or badly signed, go to sign in (303)."""
    expect = {**dict.fromkeys(NOBODY, 303), **dict.fromkeys(SIGNED_IN, 403),
              **dict.fromkeys(allowed, ok), **dict.fromkeys(hidden, 404)}
    return Entry(Route(service, method, rule), path or rule, expect, via="cookie", **sample)


def health(service):
    """Liveness, readiness and metrics: open to the probes and the scraper."""
    return [public(service, "GET", path) for path in ("/healthz", "/readyz", "/metrics")]


# -- request bodies that depend on the caller or on the stack's state -------------------------

def form(fields):
    """A form post carrying the double-submit CSRF cookie and its token."""
    def build(stack, caller):
        return {"data": {**fields(stack, caller),
                         "csrf_token": csrf_token(stack.secret, CSRF_SEED)},
                "cookies": {"csrf": CSRF_SEED}}
    return build


def comment(stack, caller):
    """A staff-only comment on the sample case at its current version."""
    return {"json": {"version": stack.case_version(), "text": f"Ghi chú của {caller}"}}


def unit_version(code):
    """Build a body or query carrying a unit's current version."""
    def build(stack, caller):
        version = stack.ok("anonymous", "GET", "cases", f"/api/v1/units/{code}")["version"]
        if code == "VP":
            return {"json": {"version": version, "head_title": "Chánh Văn phòng"}}
        return {"params": {"version": version}}
    return build


def new_unit(stack, caller):
    """A unit of the caller's own, so that each allowed caller creates one."""
    return {"json": {"code": f"T-{caller.upper().replace('_', '-')}", "name": "Tổ thử",
                     "kind": "advisory_body", "parent": "DUK"}}


def new_user(stack, caller):
    """A user of the caller's own."""
    return {"json": {"username": f"moi-{caller}", "password": PASSWORD,
                     "full_name": "Trần Văn Mới", "role": "officer", "unit_code": UNIT}}


PERIODS = {"officer": "2025-01", "unit_head": "2025-02", "clerk": "2025-03", "admin": "2025-04"}


def periodic_report(stack, caller):
    """DB-001's report for a month of the caller's own (so each is new: 201)."""
    return {"json": {"unit_code": UNIT, "period": PERIODS.get(caller, "2025-05"),
                     "summary": "Tình hình đơn vị ổn định.", "items": []}}


def import_file(stack, caller):
    """A one-row CSV of the caller's own (so each import is new: 201)."""
    body = f"Tiêu đề,Nội dung\nPhiếu của {caller},Nội dung phiếu nhập của {caller}\n"
    return {"data": body.encode(), "headers": {"Content-Type": "text/csv"}}


def chat_message(signed):
    """A chat-bot bridge's message, signed with the source's secret or not at all."""
    def build(stack, caller):
        raw = (f'{{"message_id": "tin-{caller}", '
               f'"text": "Đường dây điện khu {caller} bị đứt sau bão"}}').encode()
        headers = {"Content-Type": "application/json"}
        if signed:
            stamp = str(int(time.time()))
            headers.update({"X-Timestamp": stamp,
                            "X-Signature": signature(CHATBOT_SECRET, stamp, raw)})
        return {"data": raw, "headers": headers}
    return build


def open311_request(api_key):
    """A GeoReport service request, with or without a client's api_key."""
    def build(stack, caller):
        return {"data": {"api_key": api_key, "service_code": "other",
                         "address_string": "Số 1 đường Trần Phú",
                         "description": f"Đèn đường hỏng đã lâu ({caller})"}}
    return build


FEEDBACK = {"title": "Cống thoát nước bị tắc", "body": "Nước tràn lên đường khi mưa.",
            "unit_code": UNIT}
LOGIN = {"username": "thuky-kiemthu", "password": PASSWORD}
CASE = "/api/v1/cases/{case_id}"

MATRIX = (
    # -- intake: the public form, lookups and feedback are open; machine channels sign --------
    public("intake", "GET", "/"),
    public("intake", "POST", "/", 303, body=form(lambda stack, caller: {
        "title": "Nhà văn hóa xuống cấp", "body": "Mái nhà văn hóa bị dột.",
        "nonce": f"nonce-of-{caller}-0000000"})),
    public("intake", "GET", "/submitted/<code>", path="/submitted/{tracking_code}"),
    public("intake", "GET", "/track", params={"code": "{tracking_code}"}),
    public("intake", "POST", "/api/v1/feedback", 202, body=FEEDBACK),
    public("intake", "GET", "/api/v1/feedback/<tracking_code>",
           path="/api/v1/feedback/{tracking_code}"),
    public("intake", "GET", "/api/v1/openapi.json"),
    public("intake", "POST", "/api/v1/webhooks/<source>", 202, path="/api/v1/webhooks/zalo",
           body=chat_message(signed=True)),
    public("intake", "POST", "/api/v1/webhooks/<source>", 401, path="/api/v1/webhooks/zalo",
           body=chat_message(signed=False)),
    only("intake", "POST", "/api/v1/periodic-reports", "officer", "unit_head", "clerk", "admin",
         ok=201, body=periodic_report),
    only("intake", "GET", "/api/v1/periodic-reports", *OFFICE),
    only("intake", "POST", "/api/v1/imports", "clerk", "admin", ok=201, body=import_file),
    public("intake", "GET", "/api/v1/imports/template.csv"),
    public("intake", "GET", "/api/v1/imports/template.xlsx"),
    only("intake", "GET", "/api/v1/imports/<import_id>", *OFFICE,
         path="/api/v1/imports/{import_id}"),
    public("intake", "GET", "/open311/v2/discovery.<fmt>", path="/open311/v2/discovery.json"),
    public("intake", "GET", "/open311/v2/services.<fmt>", path="/open311/v2/services.xml"),
    public("intake", "GET", "/open311/v2/services/<service_code>.<fmt>",
           path="/open311/v2/services/other.json"),
    public("intake", "POST", "/open311/v2/requests.<fmt>", path="/open311/v2/requests.json",
           body=open311_request(OPEN311_KEY)),
    public("intake", "POST", "/open311/v2/requests.<fmt>", 403,
           path="/open311/v2/requests.json", body=open311_request("")),
    public("intake", "GET", "/open311/v2/requests.<fmt>", path="/open311/v2/requests.json"),
    public("intake", "GET", "/open311/v2/requests/<request_id>.<fmt>",
           path="/open311/v2/requests/{tracking_code}.json"),
    public("intake", "GET", "/open311/v2/tokens/<token>.<fmt>",
           path="/open311/v2/tokens/{token}.json"),
    *health("intake"),
    # -- cases: cases by unit and sensitivity; the directory is readable, changed by admins ----
    public("cases", "GET", "/api/v1/openapi.json"),
    public("cases", "POST", "/api/v1/auth/token", body=LOGIN),
    only("cases", "GET", "/api/v1/cases", *SIGNED_IN),
    public("cases", "GET", "/api/v1/cases/stats"),  # counts per status only
    only("cases", "GET", "/api/v1/cases/<case_id>", *CASE_VIEWERS, hidden=CASE_HIDDEN,
         path=CASE),
    only("cases", "POST", "/api/v1/cases/<case_id>/actions/<action>", *CASE_VIEWERS,
         hidden=CASE_HIDDEN, path=CASE + "/actions/comment", body=comment),
    only("cases", "GET", "/api/v1/triage", "clerk", "leader"),
    public("cases", "GET", "/api/v1/categories"),
    public("cases", "GET", "/api/v1/units"),
    public("cases", "GET", "/api/v1/units/<code>", path=f"/api/v1/units/{UNIT}"),
    only("cases", "POST", "/api/v1/units", "admin", ok=201, body=new_unit),
    only("cases", "PATCH", "/api/v1/units/<code>", "admin", path="/api/v1/units/VP",
         body=unit_version("VP")),
    only("cases", "DELETE", "/api/v1/units/<code>", "admin", path="/api/v1/units/SEC-TMP",
         body=unit_version("SEC-TMP")),
    only("cases", "GET", "/api/v1/users", "admin"),
    only("cases", "POST", "/api/v1/users", "admin", ok=201, body=new_user),
    public("cases", "GET", "/console/login"),
    public("cases", "POST", "/console/login", 303, body=form(lambda stack, caller: LOGIN)),
    public("cases", "POST", "/console/logout", 303),
    page("cases", "GET", "/console", *SIGNED_IN),
    page("cases", "GET", "/console/cases/<case_id>", *CASE_VIEWERS, hidden=CASE_HIDDEN,
            path="/console/cases/{case_id}"),
    page("cases", "POST", "/console/cases/<case_id>/actions/<action>", *CASE_VIEWERS, ok=303,
            hidden=CASE_HIDDEN, path="/console/cases/{case_id}/actions/comment",
            body=form(lambda stack, caller: {"text": f"Ghi chú của {caller}",
                                             "version": stack.case_version()})),
    *health("cases"),
    # -- notify: the delivery log for the office; inboxes and preferences by audience ---------
    public("notify", "GET", "/api/v1/openapi.json"),
    only("notify", "GET", "/api/v1/deliveries", *OFFICE),
    public("notify", "GET", "/api/v1/deliveries/stats"),  # counts per channel and status only
    only("notify", "GET", "/api/v1/inbox", "clerk", "leader", "officer", "unit_head",
         "other_officer"),  # admins have no inbox
    only("notify", "POST", "/api/v1/inbox/<delivery_id>/read", "clerk",
         hidden=("leader", "officer", "unit_head", "other_officer"),
         path="/api/v1/inbox/{office_item}/read"),
    only("notify", "GET", "/api/v1/preferences/<owner>", "clerk", "admin", "officer",
         "unit_head", path=f"/api/v1/preferences/unit:{UNIT}"),
    only("notify", "GET", "/api/v1/preferences/<owner>", *SIGNED_IN, path="/api/v1/preferences/me"),
    only("notify", "GET", "/api/v1/preferences/<owner>", hidden=SIGNED_IN,
         path="/api/v1/preferences/no-such-audience"),
    only("notify", "PUT", "/api/v1/preferences/<owner>", "clerk", "admin", "unit_head",
         path=f"/api/v1/preferences/unit:{UNIT}", body={"language": "vi"}),
    only("notify", "PUT", "/api/v1/preferences/<owner>", *SIGNED_IN,
         path="/api/v1/preferences/me", body={"language": "en"}),
    only("notify", "GET", "/api/v1/templates", *OFFICE),
    only("notify", "GET", "/api/v1/templates/<kind>", *OFFICE,
         path="/api/v1/templates/case_opened"),
    only("notify", "GET", "/api/v1/webhook-secrets/<code>", "admin",
         path=f"/api/v1/webhook-secrets/{UNIT}"),
    *health("notify"),
    # -- reporting: reports, digests and the dashboard for the office and leadership ----------
    public("reporting", "GET", "/api/v1/openapi.json"),
    only("reporting", "GET", "/api/v1/reports", *OFFICE),
    only("reporting", "GET", "/api/v1/reports/<string:name>", *OFFICE,
         path="/api/v1/reports/summary"),
    only("reporting", "GET", "/api/v1/digests", *OFFICE),
    only("reporting", "GET", "/api/v1/digests/<string:digest_id>", *OFFICE, ok=404,
         path="/api/v1/digests/no-such-digest"),  # readers learn it is absent, others nothing
    page("reporting", "GET", "/reports", *OFFICE),
    page("reporting", "GET", "/reports/", *OFFICE),
    page("reporting", "GET", "/reports/export/<string:name>", *OFFICE,
         path="/reports/export/summary", params={"format": "csv"}),
    page("reporting", "GET", "/reports/digests", *OFFICE),
    page("reporting", "GET", "/reports/digests/<string:digest_id>", *OFFICE, ok=404,
         path="/reports/digests/no-such-digest"),  # readers learn it is absent, others nothing
    *health("reporting"),
)
