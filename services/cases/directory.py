"""The organisation directory: load the shipped file, list, read, create, edit, deactivate.

Every change bumps the unit's version and emits `unit_updated` through the outbox.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from services.common.text import fold, normalize
from services.common.web import ConflictError, NotFoundError, UnprocessableError

from .categories import GRASSROOTS_KINDS
from .models import Unit

SAMPLE_DIRECTORY = Path(__file__).parent / "data" / "directory.json"
EDITABLE = ("name", "kind", "sector", "parent", "emails", "webhook_url", "head_name",
            "head_title")


def snapshot(unit):
    """A unit as the API and `unit_updated` show it."""
    return {
        "code": unit.code, "name": unit.name, "kind": unit.kind, "sector": unit.sector,
        "parent": unit.parent_code, "emails": list(unit.emails or []),
        "webhook_url": unit.webhook_url, "head_name": unit.head_name,
        "head_title": unit.head_title, "active": unit.active, "version": unit.version,
    }


CONTACT_FIELDS = ("emails", "webhook_url", "head_name")


def public_snapshot(unit):
    """A unit as anyone may see it: its place in the organisation, not how to reach it."""
    view = snapshot(unit)
    for name in CONTACT_FIELDS:
        view.pop(name)
    return view


def _values(data):
    head = data.get("head") or {}
    return {
        "name": normalize(data["name"]), "kind": data["kind"], "sector": data.get("sector"),
        "parent": data.get("parent"), "emails": list(data.get("emails") or []),
        "webhook_url": data.get("webhook_url"),
        "head_name": normalize(data.get("head_name") or head.get("name")) or None,
        "head_title": normalize(data.get("head_title") or head.get("title")) or None,
    }


def _apply(unit, values):
    unit.name, unit.kind, unit.sector = values["name"], values["kind"], values["sector"]
    unit.parent_code, unit.emails = values["parent"], values["emails"]
    unit.webhook_url = values["webhook_url"]
    unit.head_name, unit.head_title = values["head_name"], values["head_title"]


def _differs(unit, values):
    current = snapshot(unit)
    return any(current[key] != values[key] for key in EDITABLE)


def _announce(session, outbox, unit):
    payload = {k: v for k, v in snapshot(unit).items() if k != "version"}
    outbox.emit(session, "unit_updated", payload, aggregate_id=unit.code,
                aggregate_version=unit.version, correlation_id=f"unit:{unit.code}")


def check_parent(session, code, parent, known=None):
    """Refuse a parent that does not exist or would make a cycle."""
    if parent is None:
        return
    known = known if known is not None else {
        u.code: u.parent_code for u in session.scalars(select(Unit))}
    if parent not in known:
        raise UnprocessableError(f"Parent unit {parent} does not exist.",
                                 fields={"parent": ["Unknown unit code."]})
    seen, current = {code}, parent
    while current is not None:
        if current in seen:
            raise UnprocessableError("A unit cannot be placed under itself or its own subunit.",
                                     fields={"parent": ["Would create a cycle."]})
        seen.add(current)
        current = known.get(current)


def check_sector(values):
    """Grassroots units need a sector; other kinds have none."""
    if values["kind"] in GRASSROOTS_KINDS and not values["sector"]:
        raise UnprocessableError("Grassroots units need a sector.",
                                 fields={"sector": ["Required for grassroots units."]})


def load_directory(session, outbox, path=SAMPLE_DIRECTORY):
    """Create or update every unit of a directory file; unchanged units are left alone.

    Returns counts {"created", "updated", "unchanged"}. Running it twice changes nothing.
    """
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = {u.code: u for u in session.scalars(select(Unit))}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    now = datetime.now(UTC)
    parents = {d["code"]: d.get("parent") for d in document["units"]}
    for data in document["units"]:
        values = _values(data)
        check_parent(session, data["code"], values["parent"], {**{
            c: u.parent_code for c, u in rows.items()}, **parents})
        unit = rows.get(data["code"])
        if unit is None:
            unit = Unit(code=data["code"], active=True, version=1, updated_at=now)
            _apply(unit, values)
            session.add(unit)
            counts["created"] += 1
        elif _differs(unit, values) or not unit.active:
            _apply(unit, values)
            unit.active, unit.version, unit.updated_at = True, unit.version + 1, now
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
            continue
        session.flush()
        _announce(session, outbox, unit)
    return counts


def list_units(session, kind=None, parent=None, active=None, q=None):
    """Units filtered by kind, parent, active flag and accent-insensitive name search."""
    query = select(Unit).order_by(Unit.code)
    if kind:
        query = query.where(Unit.kind == kind)
    if parent:
        query = query.where(Unit.parent_code == parent)
    if active is not None:
        query = query.where(Unit.active.is_(active))
    units = session.scalars(query).all()
    if q:
        needle = fold(q)
        units = [u for u in units if needle in fold(u.name) or needle in u.code.lower()]
    return units


def get_unit(session, code, lock=False):
    """The unit with this code, or NotFoundError."""
    unit = session.get(Unit, code, with_for_update=lock)
    if unit is None:
        raise NotFoundError(f"No unit has code {code}.", fields={"code": ["Unknown unit."]})
    return unit


def create_unit(session, outbox, code, data):
    """Add a unit; its code must be new."""
    if session.get(Unit, code) is not None:
        raise ConflictError(f"Unit {code} already exists.", fields={"code": ["Already used."]})
    values = _values(data)
    check_sector(values)
    check_parent(session, code, values["parent"])
    unit = Unit(code=code, active=True, version=1, updated_at=datetime.now(UTC))
    _apply(unit, values)
    session.add(unit)
    session.flush()
    _announce(session, outbox, unit)
    return unit


def update_unit(session, outbox, code, data, version):
    """Edit a unit; `version` must be the current one (else 409, nothing changes)."""
    unit = get_unit(session, code, lock=True)
    if unit.version != version:
        raise ConflictError(f"Unit {code} changed since version {version}; reload it.",
                            fields={"version": [f"Current version is {unit.version}."]})
    values = {**{k: v for k, v in snapshot(unit).items() if k in EDITABLE}, **_values(
        {**snapshot(unit), **data})}
    check_sector(values)
    check_parent(session, code, values["parent"])
    _apply(unit, values)
    unit.version, unit.updated_at = unit.version + 1, datetime.now(UTC)
    session.flush()
    _announce(session, outbox, unit)
    return unit


def deactivate_unit(session, outbox, code, version):
    """Mark a unit inactive (it keeps its history and cases)."""
    unit = get_unit(session, code, lock=True)
    if unit.version != version:
        raise ConflictError(f"Unit {code} changed since version {version}; reload it.",
                            fields={"version": [f"Current version is {unit.version}."]})
    unit.active, unit.version, unit.updated_at = False, unit.version + 1, datetime.now(UTC)
    session.flush()
    _announce(session, outbox, unit)
    return unit
