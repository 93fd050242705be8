"""Case rules that need no framework: how a submission becomes a new case."""

from dataclasses import dataclass
from datetime import datetime

INITIAL_STATUS = "new"
SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class NewCase:
    """The facts a new case starts with."""

    tracking_code: str
    submission_id: str
    title: str
    body: str
    category: str | None
    unit_code: str | None
    channel: str
    priority: str
    opened_at: datetime


def case_from_feedback(payload, received_at):
    """Derive a new case from a `feedback_received` payload."""
    return NewCase(
        tracking_code=payload["tracking_code"],
        submission_id=payload["submission_id"],
        title=payload["title"],
        body=payload["body"],
        category=payload.get("category"),
        unit_code=payload.get("unit_code"),
        channel=payload["channel"],
        priority="normal",
        opened_at=received_at,
    )
