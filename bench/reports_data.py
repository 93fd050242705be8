"""Realistic case histories for bench/reports.py: two years of a bloc's grassroots matters.

Each case is a life of steps (opened, assigned, accepted, paused, transferred, overdue,
escalated, resolved on time or late, closed, reopened, merged, rejected) drawn from a seeded
random generator. The same life gives either a `case_facts` row computed with reporting's
own `facts.derive` (the bulk path, fed to `COPY`) or the envelopes cases would emit (the
sample path, fed through `feed.apply_event`), so the two can be compared.
"""

import contextlib
import json
import random
import uuid
from collections import namedtuple
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from services.common.categories import CATEGORIES
from services.common.contracts import new_event
from services.common.workdays import DEFAULT_DAYS, VIETNAM
from services.reporting.facts import derive

ROOT = Path(__file__).resolve().parent.parent
DIRECTORY = ROOT / "services" / "cases" / "data" / "directory.json"
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=VIETNAM).astimezone(UTC)
DAYS = 730  # cases are opened over the two years before NOW
HOUR = timedelta(hours=1)

PRIORITIES = (("normal", 78), ("urgent", 17), ("hot", 5))
CHANNELS = (("web", 30), ("api", 8), ("import", 12), ("open311", 3), ("chatbot", 7),
            ("meeting", 15), ("hotline", 10), ("periodic_report", 10), ("media", 5))
CATEGORY_WEIGHTS = {"party_building": 6, "ideology": 5, "political_task": 12, "inspection": 4,
                    "welfare": 20, "wages_insurance": 18, "environment": 10, "security": 7,
                    "mass_organisations": 6, "other": 12}
ON_TIME_SHARE = {"normal": 0.86, "urgent": 0.78, "hot": 0.68}
TITLES = ("Đề nghị sửa chữa nhà văn hóa", "Chậm trả lương người lao động",
          "Nợ đóng bảo hiểm xã hội", "Ô nhiễm nước thải khu công nghiệp",
          "Đường vào khu tập thể xuống cấp", "Phản ánh tư tưởng đảng viên",
          "Kiến nghị về chế độ phụ cấp", "Mất an ninh trật tự khu nhà trọ",
          "Chậm cấp giấy chứng nhận quyền sử dụng đất", "Tăng ca quá giờ quy định")
FACT_COLUMNS = (
    "case_id", "tracking_code", "title", "status", "priority", "sensitivity", "category",
    "unit_code", "assigned_unit", "deadline_at", "escalation_level", "version", "updated_at",
    "opened", "channel", "opened_at", "opened_on", "first_resolved_at", "resolved_at",
    "resolved_on", "resolved_deadline_at", "resolved_on_time", "resolution_days",
    "paused_days", "closed_at", "ended_at", "merged", "rejected", "reopen_count",
    "transfer_count", "first_overdue_at", "overdue_count")

Step = namedtuple("Step", "event_type action occurred_at state")


class PastNow(Exception):  # noqa: N818 - a signal, not an error
    """The next step of a life would happen after NOW: the life stops there."""


def directory_units():
    """The sample directory's units (as cases loads them)."""
    return json.loads(DIRECTORY.read_text(encoding="utf-8"))["units"]


def unit_envelopes(at):
    """`unit_updated` for every unit of the sample directory, as cases emits them."""
    return [new_event("unit_updated", {
        "code": u["code"], "name": u["name"], "kind": u["kind"], "sector": u.get("sector"),
        "parent": u.get("parent"), "emails": u.get("emails") or [],
        "webhook_url": u.get("webhook_url"), "active": True,
    }, aggregate_id=u["code"], correlation_id=f"unit:{u['code']}") | {
        "occurred_at": at.isoformat()} for u in directory_units()]


class Weighted:
    """Draws values with fixed weights, fast (one bisect on a cumulative table)."""

    def __init__(self, pairs):
        self.values = [value for value, _ in pairs]
        self.weights = [weight for _, weight in pairs]

    def draw(self, rng):
        """One value."""
        return rng.choices(self.values, self.weights)[0]


class CaseWorld:
    """The bloc's units and the odds of everything that happens to a case."""

    def __init__(self, calendar, cases, seed=2026):
        units = directory_units()
        self.calendar, self.cases, self.seed = calendar, cases, seed
        by_code = {u["code"]: u for u in units}
        origins = [u for u in units if u["kind"] in ("grassroots_committee",
                                                    "grassroots_cell", "sub_cell")]
        sizes = random.Random(seed)
        # a few big committees hear much more than small cells
        self.origins = Weighted([(u["code"], sizes.choice((1, 1, 2, 3, 5, 8))) for u in origins])
        self.grassroots = {u["code"]: (u["parent"] if u["kind"] == "sub_cell" else u["code"])
                           for u in origins}
        self.departments = [u["code"] for u in units if u["kind"] == "department"]
        self.default_unit = {c.code: c.default_unit if c.default_unit in by_code else "VP"
                             for c in CATEGORIES}
        self.priorities = Weighted(PRIORITIES)
        self.channels = Weighted(CHANNELS)
        self.categories = Weighted(list(CATEGORY_WEIGHTS.items()))

    def life(self, index):
        """Case number `index` up to NOW (deterministic per index)."""
        return CaseLife(self, random.Random(self.seed * 1_000_003 + index), index)


class CaseLife:
    """One case's life, stopped at NOW: what cases would have emitted so far."""

    def __init__(self, world, rng, index):
        self.world, self.rng, self.steps = world, rng, []
        calendar = world.calendar
        # case numbers follow time, as rows are written when cases open
        opened_at = NOW - timedelta(days=DAYS * (1 - (index + rng.random()) / world.cases))
        priority = world.priorities.draw(rng)
        origin = world.origins.draw(rng)
        category = world.categories.draw(rng)
        sensitivity = rng.choices(("normal", "restricted", "confidential"), (95, 4, 1))[0]
        self.state = {
            "case_id": str(uuid.UUID(int=(world.seed << 64) + index)),
            "tracking_code": f"B{index:09d}", "title": rng.choice(TITLES), "status": "new",
            "priority": priority, "sensitivity": sensitivity, "category": category,
            "unit_code": origin, "assigned_unit": None, "coordinating_units": [],
            "escalation_level": 0, "escalated_units": [],
            "deadline_at": calendar.add_working_days(opened_at, DEFAULT_DAYS[priority])}
        self.opening = {"channel": world.channels.draw(rng), "opened_at": opened_at}
        self.at = opened_at
        self.step("case_opened", "open", 0)
        with contextlib.suppress(PastNow):
            self.unfold()

    def step(self, event_type, action, hours, **changes):
        """Move the clock on by `hours` and record an event; PastNow past NOW."""
        at = self.at + hours * HOUR
        if at > NOW:
            raise PastNow
        self.at = at
        self.state.update(changes)
        self.steps.append(Step(event_type, action, at, dict(self.state)))

    def assignee(self):
        """Who must act: the unit it came from, its committee, the category's unit or a
        department."""
        world, rng, origin = self.world, self.rng, self.state["unit_code"]
        return rng.choices((origin, world.grassroots[origin],
                            world.default_unit[self.state["category"]],
                            rng.choice(world.departments)), (40, 15, 35, 10))[0]

    def unfold(self):
        """new → merged / rejected, or assigned → in progress → resolved → closed."""
        rng = self.rng
        fate = rng.random()
        if fate < 0.03:
            return self.step("case_merged", "merge", rng.uniform(1, 30), status="merged")
        if fate < 0.07:
            return self.step("case_status_changed", "reject", rng.uniform(1, 30),
                             status="rejected")
        self.step("case_assigned", "assign", rng.uniform(0.5, 30), status="assigned",
                  assigned_unit=self.assignee())
        if rng.random() < 0.08:
            self.step("case_transferred", "transfer", rng.uniform(2, 48), status="assigned",
                      assigned_unit=self.assignee())
        self.step("case_status_changed", "accept", rng.uniform(1, 24), status="in_progress")
        if rng.random() < 0.2:
            self.step("case_commented", "comment", rng.uniform(1, 48))
        if rng.random() < 0.12:
            self.pause()
        self.work_until_resolved()
        closing = rng.uniform(2, 120)
        self.step("case_closed", "confirm", closing, status="closed")
        if rng.random() < 0.03:
            calendar, priority = self.world.calendar, self.state["priority"]
            self.step("case_reopened", "reopen", rng.uniform(48, 480), status="assigned",
                      deadline_at=calendar.add_working_days(
                          self.at, DEFAULT_DAYS[priority]))
            self.step("case_status_changed", "accept", rng.uniform(1, 24), status="in_progress")
            self.work_until_resolved()
            self.step("case_closed", "confirm", rng.uniform(2, 120), status="closed")

    def pause(self):
        """Ask for information and get it some working days later (the deadline moves)."""
        rng, calendar = self.rng, self.world.calendar
        self.step("case_status_changed", "request_info", rng.uniform(2, 72),
                  status="awaiting_info")
        paused_from = self.at
        self.step("case_status_changed", "provide_info", rng.uniform(24, 240),
                  status="in_progress")
        self.state["deadline_at"] = calendar.extend(self.state["deadline_at"], paused_from,
                                                    self.at)
        self.steps[-1] = self.steps[-1]._replace(state=dict(self.state))

    def work_until_resolved(self):
        """Resolve before the deadline, or after it (overdue, perhaps escalated, rarely
        stuck for months)."""
        rng, deadline = self.rng, self.state["deadline_at"]
        if rng.random() < ON_TIME_SHARE[self.state["priority"]]:
            left = max((deadline - self.at) / HOUR, 0.5)
            return self.step("case_resolved", "resolve", rng.uniform(0.2, 1.0) * left,
                             status="resolved")
        late_by = rng.expovariate(1 / 150) if rng.random() > 0.02 else rng.uniform(1500, 9000)
        self.step("case_overdue", "mark_overdue", max((deadline - self.at) / HOUR, 0) + 0.1)
        if rng.random() < 0.4:
            level = self.state["escalation_level"] + 1
            self.step("case_escalated", "escalate", 24, escalation_level=level,
                      escalated_units=[*self.state["escalated_units"], "DUK"])
        self.step("case_resolved", "resolve", late_by, status="resolved")


def fact_row(life, calendar):
    """The `case_facts` row reporting keeps for a life (current state + derived figures)."""
    steps = life.steps
    state, last = steps[0].state, steps[-1]
    fact = SimpleNamespace(
        case_id=state["case_id"], tracking_code=last.state["tracking_code"],
        title=last.state["title"], status=last.state["status"],
        priority=last.state["priority"], category=last.state["category"],
        unit_code=last.state["unit_code"], version=len(steps), updated_at=last.occurred_at,
        opened=True, channel=life.opening["channel"], opened_at=steps[0].occurred_at,
        sensitivity="normal", assigned_unit=None, deadline_at=None, escalation_level=0)
    if len(steps) > 1:  # case_opened alone does not carry these
        fact.sensitivity, fact.assigned_unit = last.state["sensitivity"], \
            last.state["assigned_unit"]
        fact.deadline_at = last.state["deadline_at"]
        fact.escalation_level = last.state["escalation_level"]
    timeline = [SimpleNamespace(event_type=s.event_type, occurred_at=s.occurred_at,
                                status=s.state["status"],
                                deadline_at=None if s.event_type == "case_opened"
                                else s.state["deadline_at"]) for s in steps]
    derive(fact, timeline, calendar)
    return fact


def envelopes(life):
    """The events cases would have emitted for a life, in version order."""
    found, steps, channel = [], life.steps, life.opening["channel"]
    for version, step in enumerate(steps, 1):
        state = step.state
        if step.event_type == "case_opened":
            payload = {key: state[key] for key in ("case_id", "tracking_code", "title",
                                                   "category", "unit_code", "priority",
                                                   "status")}
            payload.update(submission_id=f"s-{state['case_id']}", channel=channel,
                           opened_at=step.occurred_at.isoformat())
        else:
            payload = {**state, "deadline_at": state["deadline_at"].isoformat(),
                       "action": step.action, "actor_id": "u-bench", "actor_role": "clerk",
                       "from_status": steps[version - 2].state["status"]}
        envelope = new_event(step.event_type, payload, aggregate_id=state["case_id"],
                             aggregate_version=version, correlation_id=state["case_id"])
        envelope["occurred_at"] = step.occurred_at.isoformat()
        found.append(envelope)
    return found
