"""Copies of another service's records: newer events apply, older or repeated ones do not."""

from datetime import UTC, datetime

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from services.common.consuming import keep_newer
from services.common.contracts import Event
from services.intake.models import Base, DirectoryUnit


def unit_event(version, name):
    return Event(f"e-{version}", "unit_updated", 1, datetime.now(UTC), "cases", "c", "c",
                 "DB-001", version, {"code": "DB-001", "name": name})


def test_a_newer_version_applies_and_an_older_or_repeated_one_changes_nothing():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        def apply(version, name):
            return keep_newer(session, DirectoryUnit, "DB-001", unit_event(version, name),
                              name=name, kind="grassroots_committee", parent="DUK",
                              active=True)

        assert apply(2, "Đảng bộ Sở Y tế") is True
        assert apply(1, "Tên cũ") is False
        assert apply(2, "Lặp lại") is False
        unit = session.get(DirectoryUnit, "DB-001")
        assert (unit.name, unit.version) == ("Đảng bộ Sở Y tế", 2)
        assert apply(3, "Đảng bộ Sở Y tế tỉnh") is True
        assert (unit.name, unit.version) == ("Đảng bộ Sở Y tế tỉnh", 3)
