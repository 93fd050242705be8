"""Hand-built event histories: the envelopes cases and intake would emit, at chosen times."""

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from services.common.contracts import load_event, new_event
from services.common.workdays import DEFAULT_DAYS, WorkingCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkingCalendar()


def vn(text):
    """An aware UTC datetime from a Vietnam wall-clock time 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=VN).astimezone(UTC)


def stamped(envelope, at):
    """The envelope with its occurred_at set to `at`."""
    envelope["occurred_at"] = at.isoformat()
    return envelope


def as_event(envelope):
    """A loaded Event, as a consumer gets it."""
    return load_event(envelope)


class CaseStory:
    """The events of one case's life, each action bumping the version like cases does."""

    def __init__(self, opened, *, code=None, priority="normal", category="welfare",
                 unit_code="CB-001", channel="web", title="Đề nghị sửa nhà văn hóa",
                 sensitivity="normal", case_id=None):
        self.case_id = case_id or str(uuid.uuid4())
        self.version = 0
        self.events = []
        self.opened_at = vn(opened)
        self.state = {
            "case_id": self.case_id, "tracking_code": code or f"T{self.case_id[:8].upper()}",
            "title": title, "status": "new", "priority": priority, "sensitivity": sensitivity,
            "category": category, "unit_code": unit_code, "assigned_unit": None,
            "coordinating_units": [], "escalation_level": 0, "escalated_units": [],
            "deadline_at": CALENDAR.add_working_days(vn(opened), DEFAULT_DAYS[priority]),
        }
        self._emit("case_opened", vn(opened), {
            "case_id": self.case_id, "tracking_code": self.state["tracking_code"],
            "submission_id": f"s-{self.case_id}", "title": title, "category": category,
            "unit_code": unit_code, "channel": channel, "priority": priority,
            "status": "new", "opened_at": vn(opened).isoformat()})

    def _emit(self, event_type, at, payload):
        self.version += 1
        envelope = new_event(event_type, payload, aggregate_id=self.case_id,
                             aggregate_version=self.version, correlation_id=self.case_id)
        self.events.append(stamped(envelope, at))
        return self

    def _change(self, event_type, action, at, status=None, details=None, **changes):
        from_status = self.state["status"]
        self.state.update(changes)
        if status:
            self.state["status"] = status
        state = {**self.state, "deadline_at": self.state["deadline_at"].isoformat()
                 if self.state["deadline_at"] else None}
        return self._emit(event_type, vn(at), {
            **state, "action": action, "from_status": from_status, "actor_id": "u-1",
            "actor_role": "clerk", "details": details or {}})

    @property
    def deadline(self):
        """The deadline in force now."""
        return self.state["deadline_at"]

    def assign(self, unit, at, priority=None):
        """Assign to a unit (triage may set the priority, restarting the deadline)."""
        changes = {"assigned_unit": unit}
        if priority:
            changes["priority"] = priority
            changes["deadline_at"] = CALENDAR.add_working_days(self.opened_at,
                                                               DEFAULT_DAYS[priority])
        return self._change("case_assigned", "assign", at, "assigned", **changes)

    def accept(self, at):
        """The unit's officer takes the case."""
        return self._change("case_status_changed", "accept", at, "in_progress")

    def request_info(self, at):
        """Ask for information: the clock pauses."""
        self.paused_at = vn(at)
        return self._change("case_status_changed", "request_info", at, "awaiting_info")

    def provide_info(self, at):
        """Information received: the deadline moves back by the working days paused."""
        deadline = CALENDAR.extend(self.state["deadline_at"], self.paused_at, vn(at))
        return self._change("case_status_changed", "provide_info", at, "in_progress",
                            deadline_at=deadline)

    def resolve(self, at):
        """The officer resolves the case."""
        return self._change("case_resolved", "resolve", at, "resolved",
                            details={"resolution": "Đã sửa xong"})

    def reject_resolution(self, at):
        """The unit head sends the resolution back."""
        return self._change("case_status_changed", "reject_resolution", at, "in_progress")

    def confirm(self, at):
        """The resolution is confirmed: closed."""
        return self._change("case_closed", "confirm", at, "closed")

    def reopen(self, at):
        """Reopened: back to the assigned unit with a fresh deadline."""
        deadline = CALENDAR.add_working_days(vn(at), DEFAULT_DAYS[self.state["priority"]])
        return self._change("case_reopened", "reopen", at, "assigned", deadline_at=deadline)

    def transfer(self, unit, at):
        """Move the case to another unit."""
        return self._change("case_transferred", "transfer", at, "assigned",
                            assigned_unit=unit, details={"to_unit": unit})

    def merge(self, into, at):
        """Merged into another case."""
        return self._change("case_merged", "merge", at, "merged",
                            details={"into_case_id": into})

    def reject(self, at):
        """Not taken up."""
        return self._change("case_status_changed", "reject", at, "rejected")

    def overdue(self, at):
        """The deadline timer marks the case overdue."""
        return self._change("case_overdue", "mark_overdue", at)

    def escalate(self, at, parent="DUK"):
        """Escalated one level."""
        return self._change("case_escalated", "escalate", at,
                            escalation_level=self.state["escalation_level"] + 1,
                            escalated_units=[*self.state["escalated_units"], parent])

    def comment(self, at):
        """An internal comment (no status change)."""
        return self._change("case_commented", "comment", at, details={"public": False})


def unit_event(code, name, kind, parent=None, version=1, active=True, at="2026-10-01 08:00"):
    """`unit_updated` as cases emits it (contacts included; reporting must drop them)."""
    return stamped(new_event("unit_updated", {
        "code": code, "name": name, "kind": kind, "sector": None, "parent": parent,
        "emails": [f"{code.lower()}@example.vn"], "webhook_url": None,
        "head_name": "Nguyễn Văn A", "head_title": "Bí thư", "active": active,
    }, aggregate_id=code, aggregate_version=version, correlation_id=f"unit:{code}"), vn(at))


DIRECTORY = (
    ("DUK", "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh", "bloc_committee", None),
    ("VP", "Văn phòng Đảng ủy Khối", "advisory_body", "DUK"),
    ("DB-001", "Đảng bộ Viễn thông Vân Lĩnh", "grassroots_committee", "DUK"),
    ("DB-001-CB01", "Chi bộ Trung tâm Kinh doanh", "sub_cell", "DB-001"),
    ("DB-001-CB02", "Chi bộ Trung tâm Điều hành thông tin", "sub_cell", "DB-001"),
    ("CB-001", "Chi bộ Bảo tàng tỉnh", "grassroots_cell", "DUK"),
    ("CB-002", "Chi bộ Trường Trung cấp Kinh tế", "grassroots_cell", "DUK"),
    ("CB-003", "Chi bộ Công ty Cấp nước", "grassroots_cell", "DUK"),
    ("SO-NV", "Sở Nội vụ tỉnh Vân Lĩnh", "department", None),
)


def directory_events():
    """The sample directory as `unit_updated` events, parents first."""
    return [unit_event(*unit) for unit in DIRECTORY]


def report_event(unit_code, period, submitted, items=3, needing_action=1):
    """`periodic_report_received` from intake."""
    return stamped(new_event("periodic_report_received", {
        "report_id": str(uuid.uuid4()), "unit_code": unit_code, "period": period,
        "submitted_at": vn(submitted).isoformat(), "items": items,
        "items_needing_action": needing_action,
    }, aggregate_id=f"report:{unit_code}:{period}"), vn(submitted))
