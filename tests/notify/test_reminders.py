"""When reminders fall due: fractions of the allowed time, then each day overdue."""

from datetime import UTC, datetime, timedelta

import pytest

from services.notify.reminders import parse_fractions, reminder_due, reminder_id

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
DEADLINE = START + timedelta(days=10)
HALF, EIGHTY = START + timedelta(days=5), START + timedelta(days=8)


@pytest.mark.parametrize(("now", "kind", "next_at"), [
    (START, None, HALF),
    (HALF - timedelta(seconds=1), None, HALF),
    (HALF, "due:50", EIGHTY),
    (EIGHTY + timedelta(hours=1), "due:80", DEADLINE + timedelta(days=1)),
    (DEADLINE, None, DEADLINE + timedelta(days=1)),
    (DEADLINE + timedelta(days=1), "overdue:1", DEADLINE + timedelta(days=2)),
    (DEADLINE + timedelta(days=3, hours=5), "overdue:3", DEADLINE + timedelta(days=4)),
])
def test_the_reminder_owed_and_the_next_look(now, kind, next_at):
    assert reminder_due(START, DEADLINE, (0.5, 0.8), now) == (kind, next_at)


def test_fractions_are_read_as_percentages_or_fractions():
    assert parse_fractions("80, 50") == parse_fractions("0.5,0.8") == (0.5, 0.8)
    assert parse_fractions("") == (0.5, 0.8)
    with pytest.raises(ValueError):
        parse_fractions("150")


def test_every_replica_names_a_reminder_the_same():
    assert reminder_id("c-1", START, "due:50") == reminder_id("c-1", START, "due:50")
    assert reminder_id("c-1", START, "due:50") != reminder_id("c-1", START, "due:80")
