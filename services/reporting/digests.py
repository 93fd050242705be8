"""Digests: compile a closed period's figures from the reports, store them once, announce them.

A digest is built by running the catalogue's reports (`reports.run`) for the whole bloc:

- over the period: `summary` (cases received in it, where they stand now), `on_time` and
  `resolution_time` (resolutions in it), and `compliance` for its months (the weekly digest:
  the latest month whose reports fell due by the end of the week);
- the backlog at compile time: `overdue` and `hot` (counts, lists capped at LIST_CAP) and
  `top_units`;
- `trend`: by week over the 8 weeks to the end of a weekly digest's week, by month over the
  6 months to the end of a monthly one, by month over the period for the others.

Case titles follow what a clerk may read: restricted and confidential titles are masked, so
the digest holds no more than any of its readers may see. The stored digest and its
`digest_compiled` are written in one transaction; a unique (kind, period_start) makes a
second compilation of the same period -- another replica, a second CLI run -- write nothing.
"""

import uuid
from datetime import date, timedelta

from sqlalchemy import func, select

from services.common.contracts import new_event
from services.common.outbox import write_event
from services.common.workdays import VIETNAM

from . import digest_text, reports
from .compliance import latest_month_due, period_of, periods_between, shift_month
from .digest_periods import Period
from .filters import ReportFilter
from .models import Digest
from .results import json_rows

LIST_CAP = 10
DIGEST_VIEWER = "clerk"  # titles of restricted and confidential cases stay masked
NAMESPACE = uuid.UUID("0f3c5a52-6c1e-4a1b-9d6e-52a7d9e0c3b4")


def _section(session, name, now, settings, cap=None, **filters):
    """One report as a digest section: title, filters, columns, rows (capped) and extras."""
    flt = ReportFilter(now=now, settings=settings, viewer_role=DIGEST_VIEWER,
                       limit=cap, **filters)
    result = reports.run(session, name, flt)
    rows = json_rows(result)
    return {"title": result.title, "filters": flt.described(),
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind}
                        for c in result.columns],
            "rows": rows[:cap] if cap else rows, **result.extra}


def trend_window(period):
    """(first day, last day, by) of the trend a digest shows."""
    if period.kind == "weekly":
        return period.start - timedelta(weeks=7), period.end, "week"
    if period.kind == "monthly":
        first = date.fromisoformat(shift_month(period_of(period.start), -5) + "-01")
        return first, period.end, "month"
    return period.start, period.end, "month"


def compliance_months(period, due_day):
    """The months whose situation reports a digest shows: the period's own, or for a week the
    latest month whose reports fell due by the week's end."""
    if period.kind != "weekly":
        return periods_between(period.start, period.end)
    return [latest_month_due(period_of(period.end), due_day, period.end)]


def _compliance(session, period, now, settings):
    """The compliance section: counts overall and per month, units still owing a report,
    and the missing and late reports (capped)."""
    months = compliance_months(period, settings.due_day)
    filters = {"period": months[0]} if len(months) == 1 else \
        {"date_from": period.start, "date_to": period.end}
    section = _section(session, "compliance", now, settings, **filters)
    rows = section.pop("rows")
    section["by_period"] = {month: {status: sum(r["period"] == month and r["status"] == status
                                                for r in rows)
                                    for status in section["counts"]} for month in months}
    section["units_missing"] = len({r["unit_code"] for r in rows if r["status"] == "missing"})
    behind = [r for r in rows if r["status"] in ("missing", "late")]
    section["rows_total"] = len(behind)
    section["rows"] = behind[:LIST_CAP]
    return section


def compile_sections(session, period, now, settings):
    """Every section of the digest of `period`, as known at `now`."""
    whole = {"date_from": period.start, "date_to": period.end}
    first, last, by = trend_window(period)
    return {
        "summary": _section(session, "summary", now, settings, **whole),
        "on_time": _section(session, "on_time", now, settings, **whole),
        "resolution_time": _section(session, "resolution_time", now, settings, **whole),
        "overdue": _section(session, "overdue", now, settings, cap=LIST_CAP),
        "hot": _section(session, "hot", now, settings, cap=LIST_CAP),
        "top_units": _section(session, "top_units", now, settings, cap=LIST_CAP),
        "compliance": _compliance(session, period, now, settings),
        "trend": _section(session, "trend", now, settings, date_from=first, date_to=last,
                          by=by),
    }


def digest_ids(period):
    """(digest id, event id): stable for a kind and period, the same on every replica."""
    name = f"{period.kind}|{period.start.isoformat()}"
    return (str(uuid.uuid5(NAMESPACE, f"digest|{name}")),
            str(uuid.uuid5(NAMESPACE, f"digest_compiled|{name}")))


def digest_link(link_base, digest_id):
    """Where leadership reads the digest in full: its page on the dashboard."""
    return f"{link_base.rstrip('/')}/reports/digests/{digest_id}"


def find_digest(session, period):
    """The stored digest of a period, or None."""
    return session.scalar(select(Digest).where(Digest.kind == period.kind,
                                               Digest.period_start == period.start))


def compiled_event(digest, period, link_base):
    """The `digest_compiled` envelope announcing a stored digest (stable event id)."""
    envelope = new_event("digest_compiled", {
        "digest_id": digest.id, "kind": digest.kind,
        "period_start": digest.period_start.isoformat(),
        "period_end": digest.period_end.isoformat(), "title": digest.title,
        "summary": digest.summary, "link": digest_link(link_base, digest.id)},
        aggregate_id=f"digest:{period.kind}:{period.key}",
        correlation_id=f"digest:{period.kind}:{period.key}")
    envelope["event_id"] = digest.event_id
    envelope["occurred_at"] = digest.compiled_at.isoformat()
    # notify shows this in the email's facts instead of the ISO dates
    envelope["payload"]["period_label"] = digest_text.period_label(period)
    return envelope


def compile_digest(session, period, now, settings, link_base):
    """Store the digest of `period` and write its `digest_compiled` in the caller's
    transaction; None when it already exists. A twin compiling at the same moment makes the
    flush (or the commit) raise IntegrityError: the caller's transaction then writes nothing."""
    if find_digest(session, period) is not None:
        return None
    sections = compile_sections(session, period, now, settings)
    digest_id, event_id = digest_ids(period)
    digest = Digest(id=digest_id, kind=period.kind, period_start=period.start,
                    period_end=period.end, title=digest_text.title(period),
                    summary=digest_text.summary(period, sections), sections=sections,
                    compiled_at=now, event_id=event_id)
    session.add(digest)
    session.flush()
    write_event(session, compiled_event(digest, period, link_base))
    return digest


def as_json(digest, link_base, with_sections=False):
    """A digest as the API shows it (sections only in the single-digest view)."""
    period = Period(digest.kind, digest.period_start, digest.period_end)
    shown = {"id": digest.id, "kind": digest.kind,
             "kind_name": digest_text.KIND_NAMES[digest.kind], "period": period.key,
             "period_start": digest.period_start.isoformat(),
             "period_end": digest.period_end.isoformat(), "title": digest.title,
             "summary": digest.summary,
             "compiled_at": digest.compiled_at.astimezone(VIETNAM).isoformat(
                 timespec="seconds"),
             "link": digest_link(link_base, digest.id)}
    if with_sections:
        shown["sections"] = digest.sections
    return shown


def list_digests(session, kind=None, page=1, per_page=20):
    """Stored digests newest period first (optionally of one kind), and how many there are."""
    query = select(Digest)
    if kind:
        query = query.where(Digest.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Digest.period_end.desc(), Digest.compiled_at.desc(),
                                          Digest.id)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return rows, total
