"""Persistence of periodic situation reports: the report, its actionable items, its event."""

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from services.common.web import ConflictError

from . import store
from .domain import fingerprint
from .models import PeriodicReport, Submission
from .periodic import item_feedback


def find_report(session, unit_code, period):
    """The report a unit sent for a period, if any."""
    return session.scalar(select(PeriodicReport).where(
        PeriodicReport.unit_code == unit_code, PeriodicReport.period == period))


def _same(existing, report):
    return fingerprint({"summary": existing.summary, "items": existing.items}) == \
        fingerprint({"summary": report["summary"], "items": report["items"]})


def record_report(session, outbox, report, submitted_by):
    """Store a report, turn items needing action into feedback, emit the compliance event.

    Returns (report row, created). Sending the same report again changes nothing; a different
    one for the same unit and period is refused (the first stands).
    """
    existing = find_report(session, report["unit_code"], report["period"])
    if existing is not None:
        if _same(existing, report):
            return existing, False
        raise ConflictError(
            f"{report['unit_code']} already sent its report for {report['period']}; "
            "ask the bloc office to amend it.",
            fields={"period": ["A report for this period was already received."]},
            code="report_exists")
    now = datetime.now(UTC)
    row = PeriodicReport(id=str(uuid.uuid4()), unit_code=report["unit_code"],
                         period=report["period"], summary=report["summary"],
                         items=json.loads(json.dumps(report["items"])),
                         submitted_by=submitted_by, submitted_at=now)
    session.add(row)
    session.flush()
    actionable = [(index, item) for index, item in enumerate(report["items"], 1)
                  if item["needs_action"]]
    for index, item in actionable:
        store.record_submission(session, outbox,
                                item_feedback({**report, "id": row.id}, item, index))
    outbox.emit(session, "periodic_report_received", {
        "report_id": row.id, "unit_code": row.unit_code, "period": row.period,
        "submitted_at": now.isoformat(), "items": len(report["items"]),
        "items_needing_action": len(actionable),
    }, aggregate_id=f"report:{row.unit_code}:{row.period}", correlation_id=row.id)
    return row, True


def report_view(session, row):
    """A report as the API shows it, with the tracking codes of the feedback it raised."""
    codes = session.scalars(select(Submission.tracking_code)
                            .where(Submission.report_id == row.id)
                            .order_by(Submission.external_key)).all()
    return {"id": row.id, "unit_code": row.unit_code, "period": row.period,
            "summary": row.summary, "items": row.items,
            "submitted_at": row.submitted_at.isoformat(), "tracking_codes": list(codes)}


def list_reports(session, period=None, unit_code=None):
    """Reports received, newest period first, optionally for one period or unit."""
    query = select(PeriodicReport).order_by(PeriodicReport.period.desc(),
                                            PeriodicReport.unit_code)
    if period:
        query = query.where(PeriodicReport.period == period)
    if unit_code:
        query = query.where(PeriodicReport.unit_code == unit_code)
    return [{"id": r.id, "unit_code": r.unit_code, "period": r.period,
             "items": len(r.items), "submitted_at": r.submitted_at.isoformat()}
            for r in session.scalars(query.limit(1000))]
