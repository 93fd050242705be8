"""The filters of a report request, resolved against the read model, and how they apply.

A case is in a unit subtree when the unit that must act on it (assigned unit) or the unit it
came from (origin unit) lies in that subtree. Periods are Vietnam calendar days, inclusive.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from marshmallow import ValidationError
from sqlalchemy import or_

from services.common.categories import category as find_category
from services.common.workdays import local_day

from .directory import find_unit, subtree_codes
from .labels import CHANNEL_LABELS, FILTER_LABELS, PRIORITY_LABELS, RESTRICTED_TITLE
from .models import CaseFact
from .settings import Settings


@dataclass
class ReportFilter:
    """A resolved request: period, unit subtree, category, priority, channel and options."""

    date_from: date | None = None
    date_to: date | None = None
    unit: object = None  # the DirectoryUnit at the top of the subtree
    unit_codes: list = field(default_factory=list)
    category: str | None = None
    priority: str | None = None
    channel: str | None = None
    by: str = "month"
    period: str | None = None
    limit: int | None = None
    viewer_role: str = "leader"
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    settings: Settings = field(default_factory=Settings)

    @property
    def today(self):
        """Today in Vietnam."""
        return local_day(self.now)

    def described(self):
        """The filters in force as {key: value} (for JSON) in a fixed order."""
        values = {"from": self.date_from.isoformat() if self.date_from else None,
                  "to": self.date_to.isoformat() if self.date_to else None,
                  "unit": self.unit.code if self.unit else None, "category": self.category,
                  "priority": self.priority, "channel": self.channel}
        return {key: value for key, value in values.items() if value is not None}

    def describe_vi(self):
        """The filters in force as one Vietnamese line (for spreadsheet title rows)."""
        parts = []
        if self.date_from:
            parts.append(f"{FILTER_LABELS['from']} {self.date_from:%d/%m/%Y}")
        if self.date_to:
            parts.append(f"{FILTER_LABELS['to']} {self.date_to:%d/%m/%Y}")
        if self.unit:
            parts.append(f"{FILTER_LABELS['unit']}: {self.unit.name} ({self.unit.code})")
        if self.category:
            name = find_category(self.category).name_vi
            parts.append(f"{FILTER_LABELS['category']}: {name}")
        if self.priority:
            parts.append(f"{FILTER_LABELS['priority']}: {PRIORITY_LABELS[self.priority]}")
        if self.channel:
            parts.append(f"{FILTER_LABELS['channel']}: {CHANNEL_LABELS[self.channel]}")
        return "; ".join(parts) or "Toàn bộ (không lọc)"


def build_filter(session, query, role="leader", now=None, settings=None):
    """Resolve a loaded ReportQuery; an unknown unit is a 422 naming `unit`."""
    unit = None
    if query.get("unit"):
        unit = find_unit(session, query["unit"].strip().upper())
        if unit is None:
            raise ValidationError({"unit": ["Unknown unit code."]})
    return ReportFilter(
        date_from=query.get("from_"), date_to=query.get("to"), unit=unit,
        unit_codes=subtree_codes(session, unit) if unit else [],
        category=query.get("category"), priority=query.get("priority"),
        channel=query.get("channel"), by=query.get("by") or "month",
        period=query.get("period"), limit=query.get("limit"), viewer_role=role,
        now=now or datetime.now(UTC), settings=settings or Settings())


def case_conditions(flt, day_column=CaseFact.opened_on):
    """WHERE conditions on case_facts: the period on `day_column` plus every other filter."""
    conditions = []
    if flt.date_from:
        conditions.append(day_column >= flt.date_from)
    if flt.date_to:
        conditions.append(day_column <= flt.date_to)
    if flt.unit is not None:
        conditions.append(or_(CaseFact.assigned_unit.in_(flt.unit_codes),
                              CaseFact.unit_code.in_(flt.unit_codes)))
    for name in ("category", "priority", "channel"):
        value = getattr(flt, name)
        if value:
            conditions.append(getattr(CaseFact, name) == value)
    return conditions


def visible_title(fact, role):
    """A case title as this reader may see it: leaders see all, clerks normal cases only."""
    if role == "leader" or (role == "clerk" and fact.sensitivity == "normal"):
        return fact.title
    return RESTRICTED_TITLE
