"""The officer console: sign in, queues, search, the case page and its actions (no JavaScript)."""

from pathlib import Path
from urllib.parse import quote, urlsplit

from sqlalchemy import select

from services.common.auth import SESSION_COOKIE, session_principal
from services.common.i18n import Translations, pick_language
from services.common.pages import (
    CSRF_COOKIE,
    csrf_seed,
    csrf_token,
    csrf_valid,
    html_response,
    redirect,
    template_environment,
)
from services.common.web import ApiError, http

from . import store, users, views
from .categories import propose_assignee
from .console_texts import ACTION_FIELDS, CHOICES, TEXTS
from .models import Unit

# where to go after signing in, remembered between the sign-in form and its post
NEXT_COOKIE = "login_next"
NEXT_COOKIE_SECONDS = 1800


def local_path(value):
    """`value` when it is a path on this site (`/reports?…`), else None: never another host
    (`//host`, `/\\host`, `https://…`), never control characters (no open redirect)."""
    if not value or len(value) > 2000 or not value.startswith("/"):
        return None
    if value.startswith("//") or any(c == "\\" or ord(c) < 32 or ord(c) == 127 for c in value):
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


PAGES = template_environment(Path(__file__).parent / "templates")


class ConsolePages:
    """Mixin of the cases service: the console's pages. Expects db, outbox, config, rules."""

    def _page(self, request, template, status=200, cookies=None, **context):
        seed, fresh = csrf_seed(request)
        cookies = dict(cookies or {})
        if fresh:
            cookies[CSRF_COOKIE] = (seed, None)
        lang = pick_language(request)
        if request.args.get("lang"):
            cookies["lang"] = (lang, 365 * 86400)
        body = PAGES.get_template(f"console/{template}").render(
            t=Translations(TEXTS, lang), lang=lang, path=request.path,
            csrf=csrf_token(self.config["AUTH_SECRET"], seed), **context)
        return html_response(body, status, cookies)

    def _viewer(self, request):
        return session_principal(request, self.config["AUTH_SECRET"])

    @http("GET", "/console/login")
    def console_login_page(self, request):
        """The sign-in form; a local `?next=` is where signing in leads (kept in a cookie)."""
        target = local_path(request.args.get("next"))
        remembered = {}
        if target:
            remembered[NEXT_COOKIE] = (target, NEXT_COOKIE_SECONDS)
        elif request.cookies.get(NEXT_COOKIE):
            remembered[NEXT_COOKIE] = ("", 0)  # forget an older one
        return self._page(request, "login.html", error=None, username="", cookies=remembered)

    @http("POST", "/console/login")
    def console_login(self, request):
        """Check credentials, set the session cookie and go to the queue."""
        form = request.form
        if not csrf_valid(self.config["AUTH_SECRET"], request, form):
            return self._page(request, "login.html", 403, error="csrf", username="")
        refused = None
        with self.db.transaction() as session:
            try:
                user = users.authenticate(session, form.get("username"), form.get("password"))
                token = users.token_for(user, self.config["AUTH_SECRET"],
                                        int(self.config["TOKEN_TTL_SECONDS"]))
            except users.LoginRefusedError as exc:
                refused = exc
        if refused:
            key = "locked" if refused.status == 429 else "bad_login"
            return self._page(request, "login.html", refused.status, error=key,
                              username=form.get("username", ""))
        target = local_path(form.get("next")) or local_path(request.cookies.get(NEXT_COOKIE))
        return redirect(target or "/console", cookies={SESSION_COOKIE: (token, None)},
                        clear=(NEXT_COOKIE,))

    @http("POST", "/console/logout")
    def console_logout(self, request):
        """Forget the session."""
        return redirect("/console/login", clear=(SESSION_COOKIE,))

    @http("GET", "/console")
    def console_queue(self, request):
        """The viewer's queue (soonest deadline first), the triage list for clerks, search."""
        viewer = self._viewer(request)
        if viewer is None:
            return redirect("/console/login")
        q = (request.args.get("q") or "").strip()[:200]
        filters = {"page": 1, "per_page": 100, "q": q or None}
        if not q:
            filters["status"] = "assigned,in_progress,awaiting_info,resolved"
        with self.db.transaction() as session:
            items, total = views.list_cases(session, viewer, filters)
            triage = []
            if viewer.role in ("clerk", "leader") and not q:
                triage, _ = views.list_cases(session, viewer,
                                             {"status": "new", "page": 1, "per_page": 100})
                units = {u.code: {"kind": u.kind, "parent": u.parent_code, "active": u.active}
                         for u in session.scalars(select(Unit))}
                for item in triage:
                    item["proposed_unit"] = propose_assignee(item["category"],
                                                             item["unit_code"], units)[0]
        return self._page(request, "queue.html", viewer=viewer, items=items, total=total,
                          triage=triage, q=q)

    @http("GET", "/console/cases/<case_id>")
    def console_case(self, request, case_id):
        """A case with its history, comments and the forms of the actions allowed now."""
        viewer = self._viewer(request)
        if viewer is None:
            return redirect(f"/console/login?next={quote(request.path)}")
        return self._case_page(request, viewer, case_id,
                               notice="done" if request.args.get("done") else None)

    def _case_page(self, request, viewer, case_id, status=200, error=None, notice=None):
        try:
            with self.db.transaction() as session:
                case = store.load_case(session, case_id, viewer)
                detail = views.case_detail(session, case, viewer, self.rules.workflow)
        except ApiError as exc:
            return self._page(request, "error.html", exc.status, viewer=viewer,
                              message=exc.message)
        return self._page(request, "case.html", status, viewer=viewer, case=detail,
                          fields=ACTION_FIELDS, choices=CHOICES, error=error, notice=notice)

    @http("POST", "/console/cases/<case_id>/actions/<action>")
    def console_act(self, request, case_id, action):
        """Carry out an action from its form; show the error next to the case if refused."""
        viewer = self._viewer(request)
        if viewer is None:
            return redirect("/console/login")
        form = request.form
        if not csrf_valid(self.config["AUTH_SECRET"], request, form):
            return self._case_page(request, viewer, case_id, 403, error=("csrf", {}))
        params = {name: form.get(name) for name in ACTION_FIELDS.get(action, ())
                  if form.get(name) is not None}
        if "coordinating_units" in params:
            params["coordinating_units"] = [
                c.strip().upper() for c in params["coordinating_units"].split(",") if c.strip()]
        if action == "comment":
            params["public"] = form.get("public") == "on"
        try:
            version = int(form.get("version", ""))
            with self.db.transaction() as session:
                store.act(session, self.outbox, case_id, action, viewer, params, version,
                          self.rules)
        except ValueError:
            return self._case_page(request, viewer, case_id, 422,
                                   error=("Thiếu phiên bản hồ sơ.", {}))
        except ApiError as exc:
            return self._case_page(request, viewer, case_id, exc.status,
                                   error=(exc.message, exc.fields))
        return redirect(f"/console/cases/{case_id}?done=1")
