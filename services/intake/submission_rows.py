"""One stored submission and its `feedback_received` payload, built the same way for every path.

`store.record_submission` builds the same two things for one request; bulk paths (imports)
insert many rows at once with these helpers and emit one event per row.
"""

import uuid

from .domain import new_tracking_code


def submission_row(feedback, *, submitted_at, request_hash=None, idempotency_key=None,
                   import_id=None):
    """The column values of a new submission from loaded feedback (a plain dict)."""
    reporter = feedback.get("reporter") or {}
    return {
        "id": str(uuid.uuid4()), "tracking_code": new_tracking_code(),
        "idempotency_key": idempotency_key, "request_hash": request_hash,
        "title": feedback["title"], "body": feedback["body"],
        "category": feedback.get("category"), "unit_code": feedback.get("unit_code"),
        "channel": feedback["channel"], "reporter_name": reporter.get("name"),
        "reporter_contact": reporter.get("contact"),
        "consent_to_contact": bool(reporter.get("consent_to_contact")),
        "submitted_at": submitted_at, "case_version": 0,
        "client": feedback.get("client"), "external_key": feedback.get("external_key"),
        "address": feedback.get("address"), "latitude": feedback.get("latitude"),
        "longitude": feedback.get("longitude"),
        "import_id": import_id or feedback.get("import_id"),
        "report_id": feedback.get("report_id"),
    }


def received_payload(row, reporter):
    """The `feedback_received` payload of a stored submission row."""
    return {
        "submission_id": row["id"],
        "tracking_code": row["tracking_code"],
        "title": row["title"],
        "body": row["body"],
        "category": row["category"],
        "unit_code": row["unit_code"],
        "channel": row["channel"],
        "submitted_at": row["submitted_at"].isoformat(),
        "reporter": reporter or None,
    }
