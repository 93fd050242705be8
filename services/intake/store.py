"""intake's persistence: record a submission with its event; follow its case's status."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common.consuming import keep_newer
from services.common.db import insert_new
from services.common.web import UnprocessableError

from . import duplicates
from .domain import fingerprint
from .models import DirectoryUnit, PublicComment, Submission
from .submission_rows import received_payload, submission_row


def find_by_key(session, key):
    """The submission stored under an Idempotency-Key, if any."""
    return session.scalar(select(Submission).where(Submission.idempotency_key == key))


def find_by_external_key(session, key):
    """The submission stored under a channel's own key (import row, bot message id), if any."""
    return session.scalar(select(Submission).where(Submission.external_key == key))


def find_by_code(session, code):
    """The submission with this (canonical) tracking code, if any."""
    return session.scalar(select(Submission).where(Submission.tracking_code == code))


def replay(existing, request_hash):
    """Return the earlier submission for a retried key, or refuse a different body."""
    if existing.request_hash != request_hash:
        raise UnprocessableError(
            "This Idempotency-Key was already used with a different body; use a new key.",
            fields={"Idempotency-Key": ["Already used with a different request body."]},
            code="idempotency_key_reused")
    return existing


def record_submission(session, outbox, feedback, idempotency_key=None, raw=None):
    """Store a submission and its `feedback_received` event in the caller's transaction.

    Returns (submission, created). A repeated Idempotency-Key with the same body, a repeated
    `external_key` (an import row, a bot's message id), or the very same text from the same
    unit while the first is still open returns the first submission and writes nothing.
    A near-duplicate of a recent open submission is stored and marked
    `possible_duplicate_of`, so the office can merge the two cases.
    """
    request_hash = fingerprint(raw if raw is not None else feedback)
    if feedback.get("external_key"):
        existing = find_by_external_key(session, feedback["external_key"])
        if existing is not None:
            return existing, False
    if idempotency_key:
        existing = find_by_key(session, idempotency_key)
        if existing is not None:
            return replay(existing, request_hash), False
    now = datetime.now(UTC)
    fingerprint_ = duplicates.fingerprint_of(feedback["title"], feedback["body"])
    first = duplicates.exact_resubmission(session, fingerprint_, feedback.get("unit_code"), now)
    if first is not None:  # the very same text again: fold it into the first
        return first, False
    nearest = duplicates.nearest_open(session, fingerprint_, now)
    row = submission_row(feedback, submitted_at=now, request_hash=request_hash,
                         idempotency_key=idempotency_key)
    row["match_key"] = fingerprint_.exact
    payload = received_payload(row, feedback.get("reporter"))
    if nearest is not None:
        earlier, score = nearest
        row["possible_duplicate_of"], row["duplicate_score"] = earlier.id, round(score, 3)
        payload["possible_duplicate_of"] = {"submission_id": earlier.id,
                                            "tracking_code": earlier.tracking_code,
                                            "score": round(score, 3)}
    submission = insert_new(session, Submission(**row))  # Core: no ORM flush
    duplicates.remember(session, submission.id, fingerprint_)
    outbox.emit(session, "feedback_received", payload, aggregate_id=submission.id,
                correlation_id=submission.id)
    return submission, True


def record_once(db, outbox, feedback, idempotency_key=None, raw=None):
    """`record_submission` in a transaction of its own, safe against a concurrent twin.

    When a request with the same Idempotency-Key or channel key (`external_key`) commits
    first, the unique constraint stops this one and it answers as the first did.
    """
    try:
        with db.transaction() as session:
            return record_submission(session, outbox, feedback, idempotency_key, raw)
    except IntegrityError:
        with db.transaction() as session:
            if idempotency_key and (first := find_by_key(session, idempotency_key)):
                return replay(first, fingerprint(raw if raw is not None else feedback)), False
            if feedback.get("external_key") and (
                    first := find_by_external_key(session, feedback["external_key"])):
                return first, False
        raise


def apply_case_event(session, event):
    """Keep the public status of a submission's case, ignoring stale or repeated events.

    Public comments and the resolution (the public answer) are kept for the tracking page;
    internal notes never reach intake.
    """
    payload = event.payload
    # every case event names the tracking code, so order of arrival does not matter
    submission = session.scalar(select(Submission).where(
        Submission.tracking_code == payload["tracking_code"]).with_for_update())
    if submission is None:
        return False
    details = payload.get("details") or {}
    if event.event_type == "case_commented" and details.get("public") and details.get("text"):
        session.add(PublicComment(event_id=event.event_id, submission_id=submission.id,
                                  body=details["text"], created_at=event.occurred_at))
    if event.aggregate_version <= submission.case_version:
        return False
    if payload["status"] in duplicates.SETTLED:
        duplicates.forget(session, submission.id)
    submission.case_id = payload["case_id"]
    submission.case_status = payload["status"]
    submission.case_version = event.aggregate_version
    submission.case_updated_at = event.occurred_at
    if event.event_type == "case_resolved" and details.get("resolution"):
        submission.answer = details["resolution"]
    elif event.event_type == "case_reopened":
        submission.answer = None
    return True


def public_comments(session, submission):
    """The case's public comments, oldest first."""
    return session.scalars(select(PublicComment)
                           .where(PublicComment.submission_id == submission.id)
                           .order_by(PublicComment.created_at)).all()


def apply_unit_updated(session, event):
    """Keep intake's copy of the directory; an older or repeated version changes nothing."""
    payload = event.payload
    return keep_newer(session, DirectoryUnit, payload["code"], event, name=payload["name"],
                      kind=payload["kind"], parent=payload.get("parent"),
                      active=payload["active"])


def active_units(session):
    """Active units of the directory copy, by code, for pick lists and validation."""
    return session.scalars(select(DirectoryUnit).where(DirectoryUnit.active)
                           .order_by(DirectoryUnit.code)).all()


def public_view(submission, comments=()):
    """What anyone holding the tracking code may see: never the reporter's personal data."""
    return {
        "tracking_code": submission.tracking_code,
        "title": submission.title,
        "body": submission.body,
        "category": submission.category,
        "unit_code": submission.unit_code,
        "channel": submission.channel,
        "submitted_at": submission.submitted_at.isoformat(),
        "status": submission.case_status or "received",
        "case": {
            "status": submission.case_status,
            "updated_at": submission.case_updated_at.isoformat()
            if submission.case_updated_at else None,
        } if submission.case_id else None,
        "answer": submission.answer,
        "public_comments": [{"body": c.body, "at": c.created_at.isoformat()}
                            for c in comments],
    }
