"""Nothing lost, nothing doubled: wait until the system has settled, then count everything.

Every accepted submission must be exactly one case; every case exactly one delivery per
recipient and channel, each email received under its own Message-ID; the summary report and
reporting's read model must count each case once; no outbox row may stay unsent and no
message may be left in a queue (dead letters only where the scenario put poison).
"""

import contextlib
import time
from collections import Counter
from dataclasses import dataclass

from tests.fault import ledger
from tests.support.waiting import wait_until


@dataclass
class Expect:
    """What a scenario may legitimately leave behind."""

    dead_letters: int = 0
    # an SMTP conversation cut between the server's "250 accepted" and notify's commit
    # cannot be known to have succeeded: that one email is sent again under the same
    # Message-ID (exactly once as far as the recipient can tell). Bounded by the cuts.
    repeated_copies: int = 0


@dataclass
class Check:
    """One line of the verdict."""

    label: str
    expected: object
    actual: object
    detail: str = ""

    @property
    def ok(self):
        """True when the actual value is the expected one."""
        if isinstance(self.expected, str) and self.expected.startswith("<="):
            return self.actual <= int(self.expected[2:])
        return self.actual == self.expected


def quiet(snapshot, codes, expect):
    """True when the counts have reached the accepted submissions and nothing is pending."""
    cases = {code for _, code in snapshot.cases}
    return (not snapshot.problems and cases >= codes
            and sum(1 for s in snapshot.submissions if s[2]) >= len(codes)
            and len(set(snapshot.facts)) >= len(codes)
            and snapshot.report_received is not None and snapshot.report_received >= len(codes)
            and snapshot.pending_deliveries == 0
            and snapshot.email_ids() <= set(snapshot.copies())
            and not any(snapshot.backlog.values()))


def settle(read, codes, expect, vhost, timeout=180.0):
    """Wait until quiet and the broker's queues are empty; return (final snapshot, seconds).

    A system that never settles is not an error here: the verdict then shows what is missing.
    """
    began = time.monotonic()

    def settled():
        if not quiet(read(None), codes, expect):
            return False
        depths = ledger.queue_depths(vhost)
        in_flight = sum(n for q, n in depths.items() if q != ledger.DEAD_LETTER_QUEUE)
        return in_flight == 0 and depths.get(ledger.DEAD_LETTER_QUEUE, 0) >= expect.dead_letters

    with contextlib.suppress(TimeoutError):
        wait_until(settled, timeout=timeout, interval=0.5, message="the system settles")
    return read(vhost), time.monotonic() - began


def verdict(snapshot, load, expect):
    """Every check of the promise, as lines of expected and actual counts."""
    outcomes = load.outcomes
    codes = {o.code for o in outcomes if o.code}
    n = len(outcomes)
    checks = [
        Check("submissions accepted with a tracking code", n, len(codes),
              _first([o.key for o in outcomes if not o.code])),
        Check("accepted answers that were not 202", 0,
              sum(1 for o in outcomes if o.code and o.status != 202)),
        Check("submissions folded into another", 0, sum(1 for o in outcomes if o.folded)),
    ]
    keys = Counter(s[0] for s in snapshot.submissions)
    stored = {s[0]: s[1] for s in snapshot.submissions}
    checks += [
        Check("submissions stored at intake", n, len(snapshot.submissions)),
        Check("idempotency keys stored twice", 0, sum(1 for c in keys.values() if c > 1)),
        Check("answers naming another submission", 0,
              sum(1 for o in outcomes if o.code and stored.get(o.key) != o.code)),
        Check("submissions following their case at intake", n,
              sum(1 for s in snapshot.submissions if s[2])),
    ]
    checks += _case_checks(snapshot, codes)
    checks += _delivery_checks(snapshot, expect)
    checks += [
        Check("summary report: received", len(snapshot.cases), snapshot.report_received),
        Check("read model rows", len(snapshot.cases), len(snapshot.facts)),
        Check("cases missing from the read model", 0,
              len({c for c, _ in snapshot.cases} - set(snapshot.facts))),
        Check("outbox rows never published", 0, sum(snapshot.backlog.values()),
              str(snapshot.backlog)),
        Check("messages left in queues", 0, snapshot.in_flight),
        Check("dead letters", expect.dead_letters, snapshot.dead_letters),
        Check("unreadable sources", 0, len(snapshot.problems), "; ".join(snapshot.problems)),
    ]
    return checks


def _first(items, limit=5):
    return ", ".join(map(str, list(items)[:limit]))


def _case_checks(snapshot, codes):
    per_code = Counter(code for _, code in snapshot.cases)
    return [
        Check("cases", len(codes), len(snapshot.cases)),
        Check("accepted submissions without a case", 0, len(codes - set(per_code)),
              _first(codes - set(per_code))),
        Check("submissions with two or more cases", 0,
              sum(1 for c in per_code.values() if c > 1),
              _first(c for c, k in per_code.items() if k > 1)),
        Check("cases of no accepted submission", 0, len(set(per_code) - codes)),
    ]


def _delivery_checks(snapshot, expect):
    per_target = Counter((d[0], d[1].lower(), d[2]) for d in snapshot.deliveries)
    case_ids = {c for c, _ in snapshot.cases}
    with_office_email = {d[0] for d in snapshot.deliveries if d[2] == "email"}
    with_inbox = {d[0] for d in snapshot.deliveries if d[2] == "inbox"}
    statuses = Counter(d[3] for d in snapshot.deliveries)
    sent_ids = snapshot.email_ids()
    copies = snapshot.copies()
    other = set(snapshot.other_emails)
    code_of = dict(snapshot.cases)
    case_of = {d[4]: code_of.get(d[0], "?") for d in snapshot.deliveries if d[2] == "email"}
    return [
        Check("deliveries per case, recipient and channel above one", 0,
              sum(1 for c in per_target.values() if c > 1)),
        Check("cases without an email delivery", 0, len(case_ids - with_office_email)),
        Check("cases without an inbox delivery", 0, len(case_ids - with_inbox)),
        Check("deliveries not sent", 0, len(snapshot.deliveries) - statuses["sent"],
              str(dict(statuses))),
        Check("emails received (distinct Message-IDs)", len(sent_ids),
              len(set(copies) & sent_ids)),
        Check("emails whose subject does not name their case", 0,
              sum(1 for m, subject in snapshot.mails
                  if m in case_of and case_of[m] not in subject),
              _first(subject for m, subject in snapshot.mails
                     if m in case_of and case_of[m] not in subject)),
        Check("other emails (digests) sent twice", 0,
              sum(n - 1 for n in Counter(s for m, s in set(snapshot.mails) if m in other)
                  .values()),
              _first({s for m, s in snapshot.mails if m in other})),
        Check("emails of no delivery", 0, len(set(copies) - sent_ids - other),
              _first(f"{m} {s!r}" for m, s in snapshot.mails if m not in sent_ids | other)),
        Check("repeated copies of one Message-ID", f"<={expect.repeated_copies}",
              sum(c - 1 for c in copies.values()),
              _first(m for m, c in copies.items() if c > 1)),
    ]


def report(title, events, load, settle_seconds, checks):
    """The scenario's account: what was done and every count checked, as printable text."""
    elapsed = (load.finished_at or time.monotonic()) - load.started_at
    lines = [f"== {title}",
             *(f"   {event}" for event in events),
             f"   load: {load.total} submissions from {load.clients} clients in {elapsed:.1f} s, "
             f"{load.retries} retried requests; settled {settle_seconds:.1f} s later",
             f"   {'check':<54}{'expected':>10}{'actual':>9}"]
    for check in checks:
        mark = "ok" if check.ok else "FAIL"
        detail = f"  ({check.detail})" if check.detail and not check.ok else ""
        lines.append(f"   {check.label:<54}{check.expected!s:>10}{check.actual!s:>9}  "
                     f"{mark}{detail}")
    return "\n".join(lines)
