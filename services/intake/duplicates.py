"""Duplicate detection against stored submissions: exact resubmissions and near-duplicates.

The rules are in dedup.py; this module keeps each open submission's keys in `match_keys`,
finds candidates with one indexed query, and drops the keys once the case is settled.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import delete, func, insert, select

from .dedup import band_keys, best_match, exact_key, match_doc
from .models import MatchKey, Submission

CANDIDATES = 16  # the open submissions sharing the most keys are compared in full
WINDOW_DAYS = 90  # a matter older than this is not "recent"
SETTLED = frozenset({"resolved", "closed", "rejected", "merged"})


@dataclass(frozen=True)
class Fingerprint:
    """What dedup needs of a new submission: its exact key, its document and band keys."""

    exact: str
    doc: object
    keys: tuple


def fingerprint_of(title, body):
    """Compute a submission's exact key, match document and band keys."""
    doc = match_doc(title, body)
    return Fingerprint(exact_key(title, body), doc, tuple(band_keys(doc)))


def _open_recent(query, now, window_days=WINDOW_DAYS):
    return query.where(Submission.submitted_at >= now - timedelta(days=window_days),
                       (Submission.case_status.is_(None)) |
                       (Submission.case_status.not_in(SETTLED)))


def exact_resubmission(session, fingerprint, unit_code, now, window_days=WINDOW_DAYS):
    """The first open submission with the very same text from the same unit, if any."""
    query = select(Submission.id).where(
        Submission.match_key == fingerprint.exact,
        Submission.unit_code.is_(None) if unit_code is None
        else Submission.unit_code == unit_code)
    first = session.scalar(_open_recent(query, now, window_days)
                           .order_by(Submission.submitted_at).limit(1))
    return session.get(Submission, first) if first else None


def nearest_open(session, fingerprint, now, window_days=WINDOW_DAYS):
    """The open submission this one most likely repeats, as (submission, score), or None."""
    if not fingerprint.keys:
        return None
    hits = (select(MatchKey.submission_id, func.count().label("hits"))
            .where(MatchKey.key.in_(fingerprint.keys)).group_by(MatchKey.submission_id)
            .order_by(func.count().desc()).limit(CANDIDATES).subquery())
    rows = session.scalars(_open_recent(
        select(Submission).join(hits, hits.c.submission_id == Submission.id), now, window_days)
        .order_by(Submission.submitted_at)).all()
    return best_match(fingerprint.doc, [(row, stored_doc(row.id, row.title, row.body))
                                        for row in rows])


@lru_cache(maxsize=8192)
def stored_doc(submission_id, title, body):
    """The match document of a stored submission; its text never changes, so it is cached."""
    return match_doc(title, body)


def remember(session, submission_id, fingerprint):
    """Keep a new open submission's band keys so later ones can find it (one statement)."""
    session.execute(insert(MatchKey), [{"key": key, "submission_id": submission_id}
                                       for key in dict.fromkeys(fingerprint.keys)])


def forget(session, submission_id):
    """Drop a submission's keys once its case is settled: settled matters are not matched."""
    session.execute(delete(MatchKey).where(MatchKey.submission_id == submission_id))
