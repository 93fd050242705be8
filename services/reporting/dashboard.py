"""The leadership dashboard at `/reports`: figures, charts (inline SVG), lists and drill-down
by unit, server-rendered, Vietnamese by default (`?lang=en`), without JavaScript.

Who may see it: leaders, clerks and admins, signed in at the console (its `session` cookie
holds the signed bearer token). Anyone else signed in gets a 403 page; nobody signed in is
sent to the console's sign-in with the page as `next`. Every form here is a GET that changes
nothing, so none needs a CSRF token.
"""

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urljoin

from marshmallow import ValidationError

from services.common.auth import session_principal
from services.common.categories import CATEGORIES
from services.common.contracts import CHANNELS, PRIORITIES
from services.common.i18n import Translations, pick_language
from services.common.pages import html_response, redirect, template_environment
from services.common.web import http
from services.common.workdays import VIETNAM, local_day

from .charts import number
from .dashboard_data import gather
from .dashboard_query import RANGES, load_choice, settle_period
from .dashboard_texts import CODE_OF_LABEL, TEXTS
from .filters import build_filter
from .reports import CATALOGUE

READERS = ("leader", "clerk", "admin")
PAGES = template_environment(Path(__file__).parent / "templates")
ONE_YEAR = 365 * 86400
DOWNLOADS = ("xlsx", "pdf")


def return_address(request):
    """The page asked for, as a relative path with its query string."""
    query = request.query_string.decode("latin-1")
    return f"{request.path}?{query}" if query else request.path


def sign_in_url(login_url, request):
    """The console's sign-in address with this page as `next`."""
    joiner = "&" if "?" in login_url else "?"
    return f"{login_url}{joiner}next={quote(return_address(request), safe='')}"


def translated(t, kind, label):
    """A Vietnamese label from a report in the page's language (through its code)."""
    code = CODE_OF_LABEL.get(kind, {}).get(label)
    return t(f"{kind}.{code}") if code else label


def show_date(value):
    """dd/mm/yyyy of a date, or a datetime in Vietnam time, or empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value.astimezone(VIETNAM):%d/%m/%Y %H:%M}"
    return f"{value:%d/%m/%Y}"


def error_text(t, errors):
    """The dropped parameters and what was wrong with each, in the page's language."""
    return "; ".join(f"{t(name)} ({t('bad.' + kind)})" for name, kind in sorted(errors.items()))


class DashboardPages:
    """Mixin of the reporting service: the dashboard. Expects db, config, settings and
    `report_file(request, name, role)`."""

    def _page(self, request, template, status=200, **context):
        lang = pick_language(request)
        cookies = {"lang": (lang, ONE_YEAR)} if request.args.get("lang") else {}
        body = PAGES.get_template(f"dashboard/{template}").render(
            t=Translations(TEXTS, lang), lang=lang, number=number, show_date=show_date,
            translated=translated, console_url=urljoin(self.settings.console_login_url, "/console"),
            **context)
        return html_response(body, status, cookies)

    def _dashboard_viewer(self, request):
        """(viewer, None) for a reader, else (None, the redirect or 403 page to answer)."""
        viewer = session_principal(request, self.config["AUTH_SECRET"])
        if viewer is None:
            return None, redirect(sign_in_url(self.settings.console_login_url, request))
        if viewer.role not in READERS:
            return None, self._page(request, "forbidden.html", 403, viewer=viewer,
                                    choice=None)
        return viewer, None

    @http("GET", "/reports")
    def dashboard(self, request):
        """The dashboard for `?range=` or `?from=&to=`, `unit`, `category`, `priority`,
        `channel`."""
        viewer, refusal = self._dashboard_viewer(request)
        if refusal is not None:
            return refusal
        now = datetime.now(UTC)
        choice = settle_period(load_choice(request.args), local_day(now))
        lang = pick_language(request)
        t = Translations(TEXTS, lang)
        with self.db.transaction() as session:
            try:
                flt = build_filter(session, self._report_query(choice), viewer.role, now,
                                   self.settings)
            except ValidationError:
                choice.errors["unit"] = "unit"
                choice.filters.pop("unit", None)
                flt = build_filter(session, self._report_query(choice), viewer.role, now,
                                   self.settings)
            data = gather(session, flt, choice, t, self.settings)
        options = {"trend": {"by": data["reports"]["trend"].extra["by"]},
                   "compliance": {"period": data["compliance_month"]}}
        return self._page(
            request, "index.html", 422 if choice.errors else 200, viewer=viewer,
            choice=choice, flt=flt, ranges=RANGES, catalogue=CATALOGUE, downloads=DOWNLOADS,
            categories=CATEGORIES, priorities=PRIORITIES, channels=CHANNELS,
            generated=show_date(now), error_text=error_text(t, choice.errors),
            export_link=lambda name, fmt: choice.export_link(name, fmt, **options.get(name, {})),
            **data)

    @http("GET", "/reports/")
    def dashboard_slash(self, request):
        """The dashboard, also with a trailing slash."""
        return self.dashboard(request)

    @http("GET", "/reports/export/<string:name>")
    def dashboard_export(self, request, name):
        """A report as a file for the signed-in reader (the same parameters as the API)."""
        viewer, refusal = self._dashboard_viewer(request)
        if refusal is not None:
            return refusal
        return self.report_file(request, name, viewer.role)

    @staticmethod
    def _report_query(choice):
        """The choice as a loaded report query (what `build_filter` takes)."""
        return {"from_": choice.start, "to": choice.end, "by": "month", "period": None,
                "limit": None, **{name: choice.filters.get(name) for name in
                                  ("unit", "category", "priority", "channel")}}
