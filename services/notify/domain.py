"""Who hears what, and when. No framework imports.

`RULES` is the one place that says who is told of each kind of message: the audiences (a
unit, the office, leadership, digest subscribers, the reporter). How an audience is reached —
email, webhook, in-app inbox, in which language, outside which quiet hours — is that
audience's `Preference`, never a rule.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
OFFICE, LEADERSHIP, REPORTER, DIGEST = "office", "leadership", "reporter", "digest"
CHANNELS = ("email", "webhook", "inbox")
LANGUAGES = ("vi", "en")
URGENT_KINDS = frozenset({"case_escalated"})
URGENT_PRIORITIES = frozenset({"urgent", "hot"})
OFFICE_NAME, LEADERSHIP_NAME = "Văn phòng Đảng ủy Khối", "Thường trực Đảng ủy Khối"


def unit_box(code):
    """The audience (and inbox) of one directory unit."""
    return f"unit:{code}"


@dataclass(frozen=True)
class Recipient:
    """Someone to tell, on one channel, in one language."""

    address: str
    channel: str = "email"
    name: str = OFFICE_NAME
    audience: str = OFFICE
    lang: str = "vi"
    quiet: tuple | None = None


@dataclass(frozen=True)
class Preference:
    """How an audience (office, leadership, a unit) or a signed-in user wants to be told."""

    owner: str
    channels: frozenset = frozenset(CHANNELS)
    language: str = "vi"
    quiet_start: str | None = None
    quiet_end: str | None = None
    email: str | None = None
    follows: str | None = None
    digests: bool = False
    name: str | None = None

    @property
    def quiet(self):
        """The quiet window as (start, end) "HH:MM" in Vietnam time, or None."""
        return (self.quiet_start, self.quiet_end) if self.quiet_start and self.quiet_end \
            else None


def _details(payload):
    return payload.get("details") or {}


def _unit(code):
    return [unit_box(code)] if code else []


def _assigned(p):
    return _unit(p.get("assigned_unit"))


RULES = {
    "case_opened": lambda p: [OFFICE] + ([LEADERSHIP] if p.get("priority") == "hot" else []),
    "case_assigned": lambda p: _assigned(p) + [
        unit_box(code) for code in p.get("coordinating_units") or []],
    "case_transferred": lambda p: _unit(_details(p).get("from_unit")) + _assigned(p),
    "case_overdue": lambda p: _assigned(p) + [OFFICE],
    "case_escalated": lambda p: [
        unit_box(code) for code in (p.get("escalated_units") or [])[-1:]] + [LEADERSHIP, OFFICE],
    "case_reopened": _assigned,
    "case_commented": lambda p: _assigned(p) if _details(p).get("public") else [],
    "case_resolved": lambda p: [OFFICE, REPORTER],
    "reminder_due": _assigned,
    "reminder_overdue": lambda p: _assigned(p) + [OFFICE],
    "periodic_report_missing": lambda p: _unit(p.get("unit_code")),
    "digest_compiled": lambda p: [LEADERSHIP, DIGEST],
}
EVENT_KINDS = tuple(kind for kind in RULES if not kind.startswith("reminder_"))


def inbox_of(role, unit_code):
    """The in-app inbox a signed-in user reads: their unit's, the office's or leadership's."""
    if role in ("officer", "unit_head") and unit_code:
        return unit_box(unit_code)
    return {"clerk": OFFICE, "leader": LEADERSHIP}.get(role)


def is_urgent(kind, payload):
    """Urgent messages ignore quiet hours: hot or urgent matters, and escalations."""
    return kind in URGENT_KINDS or payload.get("priority") in URGENT_PRIORITIES


def _default(owner):
    return Preference(owner=owner)


def _reach(audience, settings, units, pref):
    """The organisational addresses of one audience, on the channels it chose."""
    wants = pref.channels
    found = []
    if audience in (OFFICE, LEADERSHIP):
        name = OFFICE_NAME if audience == OFFICE else LEADERSHIP_NAME
        address = settings.get("OFFICE_EMAIL" if audience == OFFICE else "LEADERSHIP_EMAIL")
        if address and "email" in wants:
            found.append((address, "email", name))
        if "inbox" in wants:
            found.append((audience, "inbox", name))
        return found
    if audience.startswith("unit:"):
        unit = units(audience.removeprefix("unit:"))
        if not unit or not unit.get("active", True):
            return []
        if "email" in wants:
            found += [(address, "email", unit["name"]) for address in unit.get("emails") or []]
        if unit.get("webhook_url") and "webhook" in wants:
            found.append((unit["webhook_url"], "webhook", unit["name"]))
        if "inbox" in wants:
            found.append((audience, "inbox", unit["name"]))
    return found


def recipients_for(event, settings, units=lambda code: None, prefs=None, followers=None):
    """The recipients of an event (or reminder) by RULES, each address and channel once.

    `units(code)` looks up the directory copy; `prefs(owner)` an audience's Preference;
    `followers(audience)` the users who asked for that audience's messages by email.
    """
    prefs = prefs or _default
    followers = followers or (lambda audience: ())
    rule = RULES.get(event.event_type)
    unique = {}
    for audience in rule(event.payload) if rule else []:
        if audience == REPORTER:
            case_id = event.payload.get("case_id")
            found = [Recipient(f"reporter:{case_id}", "email", "", REPORTER)] if case_id else []
        else:
            pref = prefs(audience) or _default(audience)
            found = [Recipient(address, channel, name, audience, pref.language, pref.quiet)
                     for address, channel, name in _reach(audience, settings, units, pref)]
            found += [Recipient(user.email, "email", user.name or user.email, user.owner,
                                user.language, user.quiet)
                      for user in followers(audience)
                      if user.email and "email" in user.channels]
        for recipient in found:
            unique.setdefault((recipient.address.lower(), recipient.channel), recipient)
    return list(unique.values())


def _minutes(hhmm):
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def quiet_until(now, quiet):
    """When a quiet window holding `now` (UTC) ends, in UTC; None when `now` is not in one."""
    if not quiet:
        return None
    local = now.astimezone(VIETNAM)
    start, end, current = _minutes(quiet[0]), _minutes(quiet[1]), local.hour * 60 + local.minute
    inside = start <= current < end if start < end else (current >= start or current < end)
    if start == end or not inside:
        return None
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    release = midnight + timedelta(minutes=end)
    if release <= local:
        release += timedelta(days=1)
    return release.astimezone(now.tzinfo)


def send_after(now, kind, payload, recipient):
    """When a delivery may go out: now, or at the end of the recipient's quiet hours."""
    if recipient.channel == "inbox" or is_urgent(kind, payload):
        return now
    return quiet_until(now, recipient.quiet) or now


def local_time(value: datetime | None):
    """A UTC time as Vietnam shows it: HH:MM dd/mm/yyyy."""
    return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y") if value else None
