"""Queries behind Open311 GET requests and tokens, over intake's submissions."""

import uuid

from sqlalchemy import or_, select

from services.common.categories import CATEGORY_CODES

from .models import PublicComment, Submission
from .open311 import CLOSED, MAX_RESULTS

# only submissions that came in through Open311 are listed to anyone who asks; other
# channels' submissions are shown only to whoever holds their tracking code
LISTED_CHANNEL = "open311"


def find_by_codes(session, codes, limit=MAX_RESULTS):
    """Submissions with these (canonical) tracking codes, of any channel, newest first."""
    if not codes:
        return []
    return session.scalars(select(Submission).where(Submission.tracking_code.in_(codes))
                           .order_by(Submission.submitted_at.desc()).limit(limit)).all()


def _service_filter(codes):
    conditions = [Submission.category.in_(codes)]
    if "other" in codes:  # a submission without a catalogue category shows as "other"
        known = [c for c in CATEGORY_CODES if c != "other"]
        conditions += [Submission.category.is_(None), Submission.category.not_in(known)]
    return or_(*conditions)


def _status_filter(statuses):
    if statuses == {"closed"}:
        return Submission.case_status.in_(CLOSED)
    return or_(Submission.case_status.is_(None), Submission.case_status.not_in(CLOSED))


def list_requests(session, query, limit=MAX_RESULTS):
    """Open311 submissions matching a RequestQuery, newest first, at most `limit`."""
    if query.ids is not None:
        return find_by_codes(session, query.ids, limit)
    statement = select(Submission).where(Submission.channel == LISTED_CHANNEL)
    if query.service_codes:
        statement = statement.where(_service_filter(query.service_codes))
    if query.statuses and len(query.statuses) == 1:
        statement = statement.where(_status_filter(query.statuses))
    if query.start:
        statement = statement.where(Submission.submitted_at >= query.start)
    if query.end:
        statement = statement.where(Submission.submitted_at <= query.end)
    return session.scalars(statement.order_by(Submission.submitted_at.desc())
                           .limit(limit)).all()


def latest_comments(session, submission_ids):
    """{submission id: text of its latest public comment} for the given submissions."""
    if not submission_ids:
        return {}
    rows = session.execute(select(PublicComment.submission_id, PublicComment.body)
                           .where(PublicComment.submission_id.in_(submission_ids))
                           .order_by(PublicComment.created_at)).all()
    return {submission_id: body for submission_id, body in rows}


def find_by_token(session, token):
    """The submission a token stands for: a token is the submission's own id (a UUID)."""
    try:
        canonical = str(uuid.UUID(token))
    except ValueError:
        return None
    return session.get(Submission, canonical)
