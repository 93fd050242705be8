"""The public web form, its confirmation page and the /track lookup (no JavaScript needed).

Decisions:
- A filled honeypot is refused like any other error (422, a clear message, the field shown,
  nothing stored), not faked as a success: a person whose browser filled it can recover.
- A contact given without the consent box ticked is kept with consent false; the form says
  so. Ticking consent without giving a contact is a field error.
- A hidden nonce is the Idempotency-Key (`web:<nonce>`): a double click stores one submission;
  the same form sent again with other text (back button, edit) is refused with 409 and a
  fresh nonce, so pressing Send once more makes a new submission.
- A failed CSRF check (403) shows the form again with what was typed, never stores it.
"""

import logging
import re
import secrets
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError

from services.common.categories import CATEGORIES, CATEGORY_CODES, category
from services.common.forms import FormError, read_form, strip_controls
from services.common.i18n import LANGUAGES, Translations, pick_language
from services.common.pages import (
    CSRF_COOKIE,
    csrf_seed,
    csrf_token,
    csrf_valid,
    html_response,
    redirect,
    template_environment,
)
from services.common.text import fold, normalize
from services.common.web import TooManyRequestsError, UnprocessableError, http

from . import store
from .domain import parse_tracking_code
from .page_texts import TEXTS
from .schemas import FeedbackIn

log = logging.getLogger(__name__)

PAGES = template_environment(Path(__file__).parent / "templates")
FEEDBACK_IN = FeedbackIn()
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
ONE_YEAR = 365 * 86400
HONEYPOT = "website"
# the form's text fields, in page order (the error summary follows it)
FIELDS = ("title", "body", "category", "unit_code", "name", "contact", HONEYPOT)
MAX_CONTACT = 200
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 .()-]+$")

# <optgroup>s of the unit list, reporters' most likely units first
UNIT_GROUPS = ("grassroots_committee", "grassroots_cell", "bloc", "department", "other")
GROUP_OF_KIND = {"grassroots_committee": "grassroots_committee", "sub_cell": "grassroots_committee",
                 "grassroots_cell": "grassroots_cell", "bloc_committee": "bloc",
                 "advisory_body": "bloc", "mass_organisation": "bloc", "department": "department"}
KIND_RANK = {"bloc_committee": 0, "advisory_body": 1, "mass_organisation": 2}
SUB_CELL_PREFIX = "\u00a0\u00a0\u00a0– "

STATUSES = ("received", "new", "assigned", "in_progress", "awaiting_info", "resolved", "closed",
            "rejected", "merged")
STEPS = ("received", "new", "assigned", "in_progress", "resolved", "closed")
STEP_OF = {"received": 0, "new": 1, "assigned": 2, "in_progress": 3, "awaiting_info": 3,
           "resolved": 4, "closed": 5}


def _unit_option(unit, by_code):
    """(group, sort key, label) of one unit: a cell right after its grassroots committee."""
    parent = by_code.get(unit.parent)
    if unit.kind == "sub_cell" and parent is not None:
        key = (0, fold(parent.name), parent.code, 1, fold(unit.name))
        return "grassroots_committee", key, SUB_CELL_PREFIX + unit.name
    group = "other" if unit.kind == "sub_cell" else GROUP_OF_KIND.get(unit.kind, "other")
    return group, (KIND_RANK.get(unit.kind, 0), fold(unit.name), unit.code, 0, ""), unit.name


def unit_groups(units):
    """Active units as (group, [(code, label)]) for the form's <optgroup>s."""
    by_code = {unit.code: unit for unit in units}
    groups = {}
    for unit in units:
        group, key, label = _unit_option(unit, by_code)
        groups.setdefault(group, []).append((key, unit.code, label))
    return [(group, [(code, label) for _, code, label in sorted(groups[group])])
            for group in UNIT_GROUPS if group in groups]


def typed_input(form):
    """What the person typed, kept to show the form again (control characters already gone)."""
    typed = {name: form.get(name, "") for name in FIELDS}
    typed["unit_code"] = typed["unit_code"].strip().upper()
    typed["consent"] = form.get("consent") == "yes"
    return typed


def looks_like_contact(text):
    """True for an email address or a phone number of 8 to 15 digits (at most 200 characters)."""
    if len(text) > MAX_CONTACT:
        return False  # also keeps the regular expressions off huge inputs
    if "@" in text:
        return bool(_EMAIL.match(text))
    digits = sum(ch.isdigit() for ch in text)
    return bool(_PHONE.match(text)) and 8 <= digits <= 15


def check_form(typed, unit_codes):
    """Validate through FeedbackIn (channel web) plus the form's rules: (feedback, errors).

    Errors map a form field to the key of its message in page_texts.
    """
    errors = {}
    if typed["category"] and typed["category"] not in CATEGORY_CODES:
        errors["category"] = "error.category"
    if typed["unit_code"] and typed["unit_code"] not in unit_codes:
        errors["unit_code"] = "error.unit_code"
    contact = normalize(typed["contact"])
    if contact and not looks_like_contact(contact):
        errors["contact"] = "error.contact"
    elif typed["consent"] and not contact:
        errors["contact"] = "error.consent_without_contact"
    payload = {"title": typed["title"], "body": typed["body"],
               "category": typed["category"] or None, "unit_code": typed["unit_code"] or None,
               "channel": "web",
               "reporter": {"name": typed["name"] or None, "contact": typed["contact"] or None,
                            "consent_to_contact": typed["consent"]}}
    try:
        feedback = FEEDBACK_IN.load(payload)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {}
        names = [n for n in messages if n != "reporter"] + list(messages.get("reporter") or {})
        for name in names:
            field = name if name in FIELDS else "title"
            errors.setdefault(field, f"error.{field}")
        return None, errors
    return (None, errors) if errors else (feedback, {})


def local_time(value):
    """A UTC time as people read it here: Vietnam's zone, dd/mm/yyyy HH:MM."""
    return value.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M") if value else ""


def timeline(status):
    """The reporter's view of progress: (step, done|current|todo) in order."""
    if status in ("rejected", "merged"):
        return [("received", "done"), ("new", "done"), (status, "current")]
    at = STEP_OF.get(status, 0)
    return [("awaiting_info" if i == at and status == "awaiting_info" else step,
             "done" if i < at or status == "closed" else "current" if i == at else "todo")
            for i, step in enumerate(STEPS)]


def track_view(submission, comments, lang):
    """What the tracking page shows: public status, public comments and the answer only."""
    status = submission.case_status or "received"
    kind = category(submission.category) if submission.category else None
    return {
        "code": submission.tracking_code, "title": submission.title,
        "submitted": local_time(submission.submitted_at),
        "category": kind.name(lang) if kind else None,
        "status": status if status in STATUSES else "unknown",
        "updated": local_time(submission.case_updated_at),
        "steps": timeline(status), "answer": submission.answer,
        "comments": [{"body": c.body, "at": local_time(c.created_at)} for c in comments],
    }


def _nonce(value):
    return value if value and _NONCE.match(value) else None


class PublicPages:
    """Mixin of the intake service: the public pages. Expects db, outbox and config."""

    def _render(self, request, template, status=200, **context):
        seed, fresh = csrf_seed(request)
        cookies = {CSRF_COOKIE: (seed, None)} if fresh else {}
        lang = pick_language(request)
        if request.args.get("lang") in LANGUAGES:
            cookies["lang"] = (lang, ONE_YEAR)
        other = "en" if lang == "vi" else "vi"
        args = {k: v for k, v in request.args.items() if k != "lang"}
        body = PAGES.get_template(f"public/{template}").render(
            t=Translations(TEXTS, lang), lang=lang, other_lang=other,
            switch_url=f"{request.path}?{urlencode({**args, 'lang': other})}",
            csrf=csrf_token(self.config["AUTH_SECRET"], seed), **context)
        response = html_response(body, status, cookies)
        response.headers["Cache-Control"] = "no-store"
        return response

    def _form(self, request, status=200, typed=None, errors=None, notice=None, nonce=None,
              units=None):
        if units is None:
            with self.db.transaction() as session:
                units = store.active_units(session)
        typed = typed or {name: "" for name in FIELDS} | {"consent": False}
        return self._render(request, "form.html", status, typed=typed, errors=errors or {},
                            notice=notice, nonce=nonce or secrets.token_urlsafe(16),
                            order=FIELDS, categories=CATEGORIES,
                            unit_groups=unit_groups(units), honeypot=HONEYPOT)

    def _over_limit(self, request, scope):
        """A 429 page when this client has sent too much; None when it may go on."""
        try:
            self.limit(request, scope)
        except TooManyRequestsError as exc:
            response = self._render(request, "error.html", 429, reason="too_many_requests")
            response.headers.update(exc.headers)
            return response
        return None

    @http("GET", "/")
    def public_form(self, request):
        """The feedback form: empty, anonymous by default."""
        return self._form(request)

    @http("POST", "/")
    def public_submit(self, request):
        """Store a valid form and redirect to its confirmation; otherwise say what to fix."""
        refused = self._over_limit(request, "submit")
        if refused:
            return refused
        try:
            form = read_form(request)
        except FormError as exc:
            return self._render(request, "error.html", exc.status, reason=exc.reason)
        typed, nonce = typed_input(form), _nonce(form.get("nonce"))
        if not csrf_valid(self.config["AUTH_SECRET"], request, form):
            return self._form(request, 403, typed, notice="csrf", nonce=nonce)
        if typed[HONEYPOT]:
            return self._form(request, 422, typed, {HONEYPOT: "error.website"},
                              notice="honeypot", nonce=nonce)
        units = []
        try:
            with self.db.transaction() as session:
                units = store.active_units(session)
            feedback, errors = check_form(typed, {unit.code for unit in units})
            if errors:
                return self._form(request, 422, typed, errors, "fix", nonce, units)
            code = self._record(feedback, f"web:{nonce}" if nonce else None, typed)
        except UnprocessableError as exc:
            if exc.code != "idempotency_key_reused":
                raise
            # this form was sent before with other text (back button, then edited)
            return self._form(request, 409, typed, notice="already_sent", units=units)
        except OperationalError as exc:
            log.error("public form not stored, database unreachable: %r", exc)
            return self._form(request, 503, typed, notice="unavailable", nonce=nonce,
                              units=units)
        lang = pick_language(request)
        return redirect(f"/submitted/{code}" + ("?lang=en" if lang == "en" else ""))

    def _record(self, feedback, key, typed):
        """Store the submission once per key; return its tracking code."""
        submission, _ = store.record_once(self.db, self.outbox, feedback, key, typed)
        return submission.tracking_code

    @http("GET", "/submitted/<code>")
    def public_submitted(self, request, code):
        """The confirmation: the tracking code, large, with advice to write it down."""
        canonical = parse_tracking_code(code)
        with self.db.transaction() as session:
            submission = store.find_by_code(session, canonical) if canonical else None
            if submission is None:
                return self._render(request, "error.html", 404, reason="unknown_code")
            title, at = submission.title, local_time(submission.submitted_at)
        return self._render(request, "submitted.html", code=canonical, title=title,
                            submitted=at, track_url="/track?" + urlencode({"code": canonical}))

    @http("GET", "/track")
    def public_track(self, request):
        """Look a code up: the case's public status, public comments and answer."""
        typed = strip_controls(request.args.get("code") or "").strip()[:64]
        if not typed:
            return self._render(request, "track.html", typed="", problem=None, result=None)
        refused = self._over_limit(request, "lookup")
        if refused:
            return refused
        code = parse_tracking_code(typed)
        result = None
        if code is not None:
            with self.db.transaction() as session:
                submission = store.find_by_code(session, code)
                if submission is not None:
                    result = track_view(submission, store.public_comments(session, submission),
                                        pick_language(request))
        if result is None:
            problem = "invalid" if code is None else "unknown"
            return self._render(request, "track.html", 404, typed=typed, problem=problem,
                                result=None)
        return self._render(request, "track.html", typed=result["code"], problem=None,
                            result=result)
