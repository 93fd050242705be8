"""Persistence of bulk imports: batches of rows stored exactly once, each with its event."""

import time
import uuid
from datetime import UTC, datetime
from itertools import islice

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from services.common.contracts import new_event
from services.common.outbox import write_events

from . import store
from .imports import validated_rows
from .models import ImportBatch, Submission
from .submission_rows import received_payload, submission_row

BATCH_ROWS = 500
ATTEMPTS = 3
SUBMISSIONS = Submission.__table__


def create_batch(session, *, file_name, file_hash, uploaded_by):
    """A new, empty import record."""
    batch = ImportBatch(id=str(uuid.uuid4()), file_name=file_name, file_hash=file_hash,
                        uploaded_by=uploaded_by, uploaded_at=datetime.now(UTC), rows_total=0,
                        rows_imported=0, rows_already_imported=0, rows_rejected=0, errors=[])
    session.add(batch)
    session.flush()
    return batch


def get_batch(session, import_id):
    """The import record with this id, or None."""
    return session.get(ImportBatch, import_id)


def earlier_upload(session, file_hash, import_id):
    """The first other import of a file with the same bytes, if any."""
    return session.scalar(select(ImportBatch)
                          .where(ImportBatch.file_hash == file_hash, ImportBatch.id != import_id)
                          .order_by(ImportBatch.uploaded_at).limit(1))


def known_unit_codes(session):
    """Codes of active units in intake's directory copy (empty until it has been filled)."""
    return {unit.code for unit in store.active_units(session)}


def existing_keys(session, keys):
    """Map each key already stored to its stored content hash, in one query."""
    rows = session.execute(select(Submission.external_key, Submission.request_hash)
                           .where(Submission.external_key.in_(keys)))
    return dict(rows.all())


def store_rows(session, outbox, import_id, rows):
    """Insert the rows not stored yet, with one `feedback_received` each, in bulk.

    Returns (imported, already, warnings). Rows whose key is stored are skipped; a form
    number stored with different content keeps its first version and yields a warning.
    """
    stored = existing_keys(session, [r.external_key for r in rows])
    now, new, warnings = datetime.now(UTC), [], []
    for row in rows:
        if row.external_key not in stored:
            new.append((row, submission_row(row.feedback, submitted_at=row.received_at or now,
                                            request_hash=row.content_hash,
                                            import_id=import_id)))
        elif stored[row.external_key] != row.content_hash:
            number = row.external_key.removeprefix("import:form:")
            warnings.append(f"Row {row.row}: form number «{number}» was imported before with "
                            "different content; the first version was kept.")
    if new:
        session.execute(SUBMISSIONS.insert(), [values for _, values in new])
        write_events(session, [new_event(
            "feedback_received", received_payload(values, row.feedback.get("reporter")),
            aggregate_id=values["id"], correlation_id=values["id"]) for row, values in new])
    session.execute(update(ImportBatch).where(ImportBatch.id == import_id).values(
        rows_imported=ImportBatch.rows_imported + len(new),
        rows_already_imported=ImportBatch.rows_already_imported + len(rows) - len(new)))
    return len(new), len(rows) - len(new), warnings


def save_rows(uow, outbox, import_id, rows):
    """store_rows in a transaction of its own, retried when a concurrent upload won a race.

    The relay is woken once the transaction has committed.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with uow.transaction() as session:
                outcome = store_rows(session, outbox, import_id, rows)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
        else:
            if outcome[0]:
                outbox.relay.wake()
            return outcome
    raise AssertionError("unreachable")


def import_table(uow, outbox, import_id, table, header, report, known_units=None,
                 batch_rows=BATCH_ROWS):
    """Validate and store a table's rows batch by batch; fill in the report as it goes."""
    rows = validated_rows(table, header, report, known_units)
    while batch := list(islice(rows, batch_rows)):
        imported, already, warnings = save_rows(uow, outbox, import_id, batch)
        report.imported += imported
        report.already_imported += already
        report.warnings.extend(warnings)
        time.sleep(0)  # let other green threads (health checks, the relay) run
    return report


def finish_batch(uow, import_id, report):
    """Add the upload's totals, bad rows and warnings to the import record."""
    with uow.transaction() as session:
        batch = session.get(ImportBatch, import_id, with_for_update=True)
        batch.rows_total += report.rows_total
        batch.rows_rejected += report.rejected
        batch.rows_already_imported += report.repeated
        batch.errors = [*batch.errors, *report.errors,
                        *({"warning": text} for text in report.warnings)]
        return batch_report(batch)


def batch_report(batch):
    """The stored report of an import (bad rows of every upload into it, and warnings)."""
    entries = batch.errors or []
    return {
        "import_id": batch.id, "file_name": batch.file_name, "file_hash": batch.file_hash,
        "uploaded_by": batch.uploaded_by, "uploaded_at": batch.uploaded_at.isoformat(),
        "rows_total": batch.rows_total, "imported": batch.rows_imported,
        "already_imported": batch.rows_already_imported, "rejected": batch.rows_rejected,
        "errors": [e for e in entries if "warning" not in e],
        "warnings": [e["warning"] for e in entries if "warning" in e],
    }
