"""The candidate probe on match_keys: bounded per key, hot keys skipped, the rest ranked."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from services.common.db import is_postgres, make_engine
from services.intake import duplicates, store
from services.intake.models import Base, MatchKey, Submission

FIRST = {"title": "Công ty May Hòa Bình nợ lương công nhân 3 tháng",
         "body": "Công nhân Công ty May Hòa Bình ở KCN Phố Nối chưa được trả lương 3 tháng nay.",
         "unit_code": "CB-12", "channel": "api"}
REWORDED = {"title": "Cong nhan cty may Hoa Binh bi no luong 3 thang",
            "body": "Da 3 thang nay cong nhan cong ty May Hoa Binh (khu cong nghiep Pho Noi) "
                    "khong duoc tra luong.", "unit_code": "CB-12", "channel": "api"}


class NoOutbox:
    """Collects emitted events instead of writing them (no outbox table in this schema)."""

    def __init__(self):
        self.events = []

    def emit(self, session, event_type, payload, **kwargs):
        """Keep the event."""
        self.events.append((event_type, payload))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def session(request):
    """A session on SQLite in memory or on a migrated PostgreSQL database (its own query)."""
    if request.param == "sqlite":
        engine = create_engine("sqlite://")
        Base.metadata.create_all(engine)
    else:
        engine = make_engine(request.getfixturevalue("make_database")("intake"))
    with Session(engine) as session:
        yield session
    engine.dispose()


def hold(session, key, *submission_ids):
    session.execute(MatchKey.__table__.insert(),
                    [{"key": key, "submission_id": s} for s in submission_ids])


def ranked(session, keys, cap):
    probe = duplicates.candidate_hits_pg if is_postgres(session) else duplicates.candidate_hits
    return [tuple(row) for row in session.execute(select(probe(keys, cap=cap))).all()]


def test_a_key_held_by_more_than_the_cap_is_skipped_and_the_rest_are_ranked_by_hits(session):
    hold(session, "hot", *(f"s{n}" for n in range(12)))
    hold(session, "a", "s3", "s7")
    hold(session, "b", "s7")
    assert ranked(session, ["hot", "a", "b", "absent"], cap=10) == [("s7", 2), ("s3", 1)]
    # under the cap the same key counts like any other
    assert ranked(session, ["hot", "a", "b"], cap=12)[0] == ("s7", 3)
    assert ranked(session, ["absent"], cap=10) == []


def test_a_near_duplicate_is_still_found_beside_many_open_submissions_sharing_a_key(session):
    outbox = NoOutbox()
    first, created = store.record_submission(session, outbox, FIRST)
    assert created
    hot = duplicates.fingerprint_of(REWORDED["title"], REWORDED["body"]).keys[0]
    hold(session, hot, *(f"other-{n}" for n in range(duplicates.KEY_HOLDERS_CAP + 5)))
    second, created = store.record_submission(session, outbox, REWORDED)
    assert created and second.possible_duplicate_of == first.id
    assert outbox.events[-1][1]["possible_duplicate_of"]["tracking_code"] == \
        first.tracking_code
    stored = session.get(Submission, second.id)
    assert stored.possible_duplicate_of == first.id
    assert stored.submitted_at <= datetime.now(UTC)


def test_stored_documents_kept_in_memory_are_bounded(monkeypatch):
    monkeypatch.setattr(duplicates, "STORED_DOCS", 3)
    monkeypatch.setattr(duplicates, "_stored_docs", duplicates.OrderedDict())
    body = "Đường liên thôn xuống cấp, mùa mưa ngập sâu"
    first = duplicates.stored_doc("s-1", "Đường hỏng", body)
    assert duplicates.stored_doc("s-1", "Đường hỏng", body) is first  # kept
    for n in range(2, 6):
        duplicates.stored_doc(f"s-{n}", "Đường hỏng", f"{body} {n}")
    assert list(duplicates._stored_docs) == ["s-3", "s-4", "s-5"]  # the oldest went first
    long_body = "Nội dung rất dài. " * 400
    long_doc = duplicates.stored_doc("s-long", "Phản ánh dài", long_body)
    assert "s-long" not in duplicates._stored_docs  # long texts are rebuilt, not kept
    assert long_doc.text == duplicates.match_doc("Phản ánh dài", long_body).text
