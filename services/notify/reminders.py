"""When to urge: reminders at fractions of the allowed time, then daily while overdue.

No framework imports. A case's clock runs from `started` (its assignment, transfer or
reopening) to `deadline`; a pause in `awaiting_info` moves the deadline, not the start.
"""

import uuid
from datetime import timedelta

DAY = timedelta(days=1)
ACTIVE_STATUSES = frozenset({"assigned", "in_progress"})
DEFAULT_FRACTIONS = (0.5, 0.8)
NAMESPACE = uuid.UUID("5b0c1c6e-8a43-4c5e-9d8e-2f1f4b8f3a10")


def parse_fractions(text):
    """`"50,80"` (percent) or `"0.5,0.8"` → sorted fractions strictly between 0 and 1."""
    if not text:
        return DEFAULT_FRACTIONS
    values = []
    for part in str(text).split(","):
        value = float(part.strip())
        value = value / 100 if value >= 1 else value
        if not 0 < value < 1:
            raise ValueError(f"reminder fraction out of range: {part!r}")
        values.append(value)
    return tuple(sorted(set(values)))


def reminder_due(started, deadline, fractions, now):
    """The reminder now owed, if any, and when to look again.

    Returns (kind, next_at): kind is `due:<percent>` for the latest fraction passed before the
    deadline, `overdue:<days>` for each full day past it, or None.
    """
    if now >= deadline:
        days = (now - deadline) // DAY
        return (f"overdue:{days}" if days >= 1 else None), deadline + DAY * (days + 1)
    kind, next_at = None, deadline + DAY
    total = deadline - started
    for fraction in fractions:
        at = started + total * fraction
        if at <= now:
            kind = f"due:{round(fraction * 100)}"
        else:
            next_at = min(next_at, at)
    return kind, next_at


def reminder_payload(kind, clock):
    """The message variables of a reminder: the case's facts plus percent or overdue days."""
    name, _, number = kind.partition(":")
    payload = dict(clock)
    payload["percent" if name == "due" else "overdue_days"] = int(number)
    return ("reminder_due" if name == "due" else "reminder_overdue"), payload


def reminder_id(case_id, started, kind):
    """A stable id for one reminder of one clock cycle, so every replica names it the same."""
    return str(uuid.uuid5(NAMESPACE, f"{case_id}|{started.isoformat()}|{kind}"))
