"""Duplicate detection against stored submissions: exact resubmissions and near-duplicates.

The rules are in dedup.py; this module keeps each open submission's keys in `match_keys`,
finds candidates with one indexed query, and drops the keys once the case is settled.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Integer, String, delete, func, select, text, union_all

from services.common.db import is_postgres

from .dedup import MAX_BUCKET, MAX_CANDIDATES, band_keys, best_match, exact_key, match_doc
from .models import MatchKey, Submission

# as the in-memory index of dedup.py (what bench/dedup.py scores): the open submissions sharing
# the most keys are compared in full; a key held by more than the cap is not probed further
CANDIDATES = MAX_CANDIDATES
KEY_HOLDERS_CAP = MAX_BUCKET
WINDOW_DAYS = 90  # a matter older than this is not "recent"
SETTLED = frozenset({"resolved", "closed", "rejected", "merged"})
STORED_DOCS = 4096  # match documents of stored submissions kept in memory
CACHED_TEXT_LIMIT = 4000  # characters; a longer text's document is rebuilt when compared
_stored_docs = OrderedDict()


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
    """The open submission this one most likely repeats, as (submission, score), or None.

    `submission` is a row with id, tracking_code, title and body.
    """
    if not fingerprint.keys:
        return None
    keys = list(dict.fromkeys(fingerprint.keys))
    hits = candidate_hits_pg(keys) if is_postgres(session) else candidate_hits(keys)
    rows = session.execute(_open_recent(
        select(Submission.id, Submission.tracking_code, Submission.title, Submission.body)
        .join(hits, hits.c.submission_id == Submission.id), now, window_days)
        .order_by(Submission.submitted_at)).all()
    return best_match(fingerprint.doc, [(row, stored_doc(row.id, row.title, row.body))
                                        for row in rows])


def candidate_hits(keys, cap=KEY_HOLDERS_CAP, limit=CANDIDATES):
    """The `limit` submissions sharing the most keys, as a subquery (submission_id, hits).

    Each key is probed for at most `cap` + 1 holders; a key held by more than `cap` says
    nothing about which one this repeats and is skipped, so the cost stays bounded however
    many open submissions share a key.
    """
    probes = [select(MatchKey.key, MatchKey.submission_id).where(MatchKey.key == key)
              .limit(cap + 1).subquery() for key in dict.fromkeys(keys)]
    held = union_all(*(select(p.c.key, p.c.submission_id) for p in probes)).cte("held")
    hot = select(held.c.key).group_by(held.c.key).having(func.count() > cap)
    return (select(held.c.submission_id, func.count().label("hits"))
            .where(held.c.key.not_in(hot)).group_by(held.c.submission_id)
            .order_by(func.count().desc()).limit(limit).subquery())


PG_CANDIDATE_HITS = text("""
    WITH held AS (
        SELECT probe.key, held.submission_id
        FROM unnest(CAST(:keys AS varchar[])) AS probe(key)
        CROSS JOIN LATERAL (SELECT submission_id FROM match_keys
                            WHERE match_keys.key = probe.key LIMIT :probe) AS held)
    SELECT submission_id, count(*) AS hits FROM held
    WHERE key NOT IN (SELECT key FROM held GROUP BY key HAVING count(*) > :cap)
    GROUP BY submission_id ORDER BY count(*) DESC LIMIT :limit
""").columns(submission_id=String, hits=Integer)


def candidate_hits_pg(keys, cap=KEY_HOLDERS_CAP, limit=CANDIDATES):
    """`candidate_hits` on PostgreSQL: one fixed statement over an array of keys."""
    return PG_CANDIDATE_HITS.bindparams(keys=keys, probe=cap + 1, cap=cap,
                                        limit=limit).subquery("hits")


def stored_doc(submission_id, title, body):
    """The match document of a stored submission; its text never changes, so it is kept.

    Kept by id, most recently used first, and only for texts of ordinary length: the memory
    held stays bounded (about STORED_DOCS × CACHED_TEXT_LIMIT) however long the texts sent.
    """
    doc = _stored_docs.get(submission_id)
    if doc is not None:
        _stored_docs.move_to_end(submission_id)
        return doc
    doc = match_doc(title, body)
    if len(title) + len(body) <= CACHED_TEXT_LIMIT:
        _stored_docs[submission_id] = doc
        if len(_stored_docs) > STORED_DOCS:
            _stored_docs.popitem(last=False)
    return doc


def remember(session, submission_id, fingerprint):
    """Keep a new open submission's band keys so later ones can find it (one statement)."""
    if not fingerprint.keys:
        return
    session.execute(MatchKey.__table__.insert(), [{"key": key, "submission_id": submission_id}
                                                  for key in dict.fromkeys(fingerprint.keys)])


def forget(session, submission_id):
    """Drop a submission's keys once its case is settled: settled matters are not matched."""
    session.execute(delete(MatchKey).where(MatchKey.submission_id == submission_id))
