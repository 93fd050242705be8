"""The digests on the leadership dashboard: `/reports/digests` lists the stored digests (newest
period first, of one kind or all, a page at a time) and `/reports/digests/<id>` shows one as a
page -- or as a PDF in the layout of the printed reports with `<id>.pdf` or `?format=pdf`.

The same readers as the dashboard (leaders, clerks and admins signed in at the console; others
a 403 page; nobody signed in is sent to sign in). Vietnamese by default, `?lang=en`. A bad
parameter is dropped and named on the page (422); an unknown digest is a 404 page.
"""

import math
import re
from urllib.parse import urlencode, urljoin

from marshmallow import EXCLUDE, ValidationError, fields, validate
from werkzeug.wrappers import Response

from services.common.i18n import LANGUAGES, pick_language
from services.common.pages import html_response
from services.common.web import http
from services.common.workdays import VIETNAM

from .charts import number
from .dashboard import ONE_YEAR, PAGES, show_date
from .dashboard_data import case_links
from .digest_api import DigestQuery
from .digest_page_texts import translations
from .digest_pdf import digest_pdf, pdf_file_name
from .digest_periods import KINDS, Period
from .digest_view import charts, compliance_months, figures, shown_title, tables
from .digests import list_digests
from .exports import PDF_TYPE, content_disposition
from .models import Digest
from .pdf import letterhead

DIGEST_ID = re.compile(r"[A-Za-z0-9-]{1,36}")  # digest ids are UUIDs
FORMATS = ("html", "pdf")


class DigestListQuery(DigestQuery):
    """The list page's `?kind=&page=&per_page=&lang=`; other parameters are ignored."""

    class Meta:
        unknown = EXCLUDE

    lang = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES))


class DigestShowQuery(DigestListQuery):
    """One digest's `?format=html|pdf&lang=`."""

    format = fields.String(load_default="html", validate=validate.OneOf(FORMATS))


LIST_QUERY, SHOW_QUERY = DigestListQuery(), DigestShowQuery(only=("format", "lang"))


def load_leniently(schema, args):
    """(loaded query, sorted names of the parameters dropped because they were not valid)."""
    raw = {key: args.get(key) for key in args if args.get(key) not in (None, "")}
    try:
        return schema.load(raw), []
    except ValidationError as exc:
        bad = sorted(name for name in exc.messages if name in raw)
        return schema.load({k: v for k, v in raw.items() if k not in bad}), bad


def other_language(request, lang):
    """This address with the other language (the other parameters kept)."""
    params = {key: request.args.get(key) for key in request.args}
    params["lang"] = "en" if lang == "vi" else "vi"
    return f"{request.path}?{urlencode(params)}"


def list_link(query, **changes):
    """The list page for `query` with `changes` (defaults left out)."""
    values = {"kind": query["kind"], "page": query["page"], "per_page": query["per_page"],
              **changes}
    defaults = {"kind": None, "page": 1, "per_page": 20}
    params = {key: value for key, value in values.items() if value != defaults[key]}
    return f"/reports/digests?{urlencode(params)}" if params else "/reports/digests"


def listed(digest, lang):
    """One row of the list page."""
    period = Period(digest.kind, digest.period_start, digest.period_end)
    return {"id": digest.id, "kind": digest.kind, "href": f"/reports/digests/{digest.id}",
            "title": shown_title(digest, lang), "summary": digest.summary,
            "period": f"{show_date(period.start)} – {show_date(period.end)}",
            "compiled": show_date(digest.compiled_at.astimezone(VIETNAM))}


class DigestPages:
    """Mixin of the reporting service: the digest pages. Expects db, settings and the
    dashboard's `_dashboard_viewer(request)`."""

    def _digest_page(self, request, template, status=200, **context):
        lang = pick_language(request)
        t = translations(lang)
        cookies = {"lang": (lang, ONE_YEAR)} if request.args.get("lang") in LANGUAGES else {}
        body = PAGES.get_template(f"dashboard/{template}").render(
            t=t, lang=lang, number=number, show_date=show_date, choice=None,
            switch_to=other_language(request, lang),
            console_url=urljoin(self.settings.console_login_url, "/console"), **context)
        return html_response(body, status, cookies)

    @staticmethod
    def _bad_text(request, bad):
        """The dropped parameters in the page's language."""
        t = translations(pick_language(request))
        return ", ".join(t(f"digests.param.{name}") for name in bad)

    @http("GET", "/reports/digests")
    def digest_list(self, request):
        """Stored digests, newest period first: `?kind=&page=&per_page=`."""
        viewer, refusal = self._dashboard_viewer(request)
        if refusal is not None:
            return refusal
        query, bad = load_leniently(LIST_QUERY, request.args)
        lang = pick_language(request)
        with self.db.transaction() as session:
            rows, total = list_digests(session, query["kind"], query["page"], query["per_page"])
            items = [listed(digest, lang) for digest in rows]
        pages = max(1, math.ceil(total / query["per_page"]))
        page = query["page"]
        return self._digest_page(
            request, "digests.html", 422 if bad else 200, viewer=viewer, query=query,
            kinds=KINDS, items=items, total=total, pages=pages,
            bad=self._bad_text(request, bad),
            previous=list_link(query, page=min(page - 1, pages)) if page > 1 else None,
            following=list_link(query, page=page + 1) if page < pages else None)

    @http("GET", "/reports/digests/<string:digest_id>")
    def digest_view(self, request, digest_id):
        """One digest as a page, or as a PDF (`<id>.pdf` or `?format=pdf`)."""
        viewer, refusal = self._dashboard_viewer(request)
        if refusal is not None:
            return refusal
        query, bad = load_leniently(SHOW_QUERY, request.args)
        as_pdf = digest_id.endswith(".pdf") or query["format"] == "pdf"
        digest_id = digest_id.removesuffix(".pdf")
        with self.db.transaction() as session:
            digest = session.get(Digest, digest_id) if DIGEST_ID.fullmatch(digest_id) else None
            if digest is None:
                return self._digest_page(request, "digest_missing.html", 404, viewer=viewer,
                                         digest_id=digest_id)
            head = letterhead(session, self.settings) if as_pdf else None
            sections = digest.sections
            links = case_links(session, [*sections["overdue"]["rows"], *sections["hot"]["rows"]],
                               self.settings.console_login_url)
        if as_pdf:  # drawn after the transaction: it takes a while
            return Response(digest_pdf(digest, head), content_type=PDF_TYPE, headers={
                "Content-Disposition": content_disposition(pdf_file_name(digest))})
        t = translations(pick_language(request))
        return self._digest_page(
            request, "digest.html", 422 if bad else 200, viewer=viewer, digest=digest,
            title=shown_title(digest, t.language), bad=self._bad_text(request, bad),
            pdf_link=f"/reports/digests/{digest.id}.pdf", figures=figures(sections, t),
            tables=tables(sections, t, links), charts=charts(sections, t),
            compliance_months=compliance_months(sections["compliance"]))
