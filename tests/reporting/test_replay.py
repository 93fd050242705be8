"""Rebuilding the read model from the outboxes of cases and intake."""

import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest

from services.common.db import make_engine
from services.common.migrations import upgrade
from services.common.outbox import write_event
from services.reporting import rebuild
from services.reporting.settings import Settings

from .history import vn
from .test_read_model import all_events, snapshot


@pytest.fixture(scope="module")
def producers(tmp_path_factory):
    """cases' and intake's databases whose outboxes hold a whole history (and noise)."""
    folder = tmp_path_factory.mktemp("producers")
    urls = {name: f"sqlite:///{folder / name}.db" for name in ("cases", "intake")}
    for name, url in urls.items():
        upgrade(name, url)
    events = all_events()
    for name, url in urls.items():
        engine = make_engine(url)
        with engine.begin() as connection:
            for envelope in events:
                if envelope["producer"] == name:
                    write_event(connection, envelope)
            if name == "intake":  # intake's own events are not reporting's business
                write_event(connection, {**events[0], "event_id": "feedback-noise",
                                         "event_type": "feedback_received",
                                         "producer": "intake"})
        engine.dispose()
    return urls, events


def test_a_replay_builds_the_same_read_model_as_live_delivery(producers, make_read_model):
    urls, events = producers
    live = make_read_model().feed(events)
    rebuilt = make_read_model()
    progress = io.StringIO()
    newest = vn("2026-11-19 10:00")  # the reopened case's second resolution
    counts = rebuild.replay(urls, rebuilt.url, Settings(), batch=7, stream=progress,
                           now=newest + timedelta(hours=2, minutes=5))
    assert snapshot(rebuilt) == snapshot(live)
    assert counts["replayed"] == counts["applied"] == len(events)
    assert counts["newest"] == newest
    assert counts["lag_seconds"] == 2 * 3600 + 5 * 60
    assert f"{len(events)}/{len(events)} events" in progress.getvalue()
    assert "2 h 5 min behind now" in rebuild.summary_line(counts)


def test_replaying_again_skips_what_is_there_and_reset_rebuilds_in_place(producers, read_model):
    urls, events = producers
    rebuild.replay(urls, read_model.url, Settings(), progress=False)
    before = snapshot(read_model)
    again = rebuild.replay(urls, read_model.url, Settings(), progress=False)
    assert (again["applied"], again["skipped"]) == (0, len(events))
    rebuilt = rebuild.replay(urls, read_model.url, Settings(), progress=False, wipe=True)
    assert rebuilt["applied"] == len(events)
    assert snapshot(read_model) == before


def test_without_intake_the_monthly_reports_are_left_out(producers, read_model):
    urls, _ = producers
    counts = rebuild.replay({"cases": urls["cases"]}, read_model.url, Settings(),
                           progress=False)
    assert snapshot(read_model)["periodic_reports"] == []
    assert counts["applied"] > 0


def test_the_command_shows_progress_on_stderr_and_the_lag_on_stdout(producers, tmp_path):
    urls, events = producers
    into = f"sqlite:///{tmp_path / 'rebuilt.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "services.reporting.replay", "--cases-url", urls["cases"],
         "--intake-url", urls["intake"], "--into", into],
        capture_output=True, text=True, timeout=120, env={**os.environ, "VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert f"{len(events)}/{len(events)} events" in result.stderr
    assert result.stdout.startswith(f"replayed {len(events)} events: {len(events)} applied")
    assert "behind now" in result.stdout


def test_an_unreachable_database_is_one_clear_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "services.reporting.replay", "--skip-intake", "--no-progress",
         "--cases-url", "postgresql://nobody@127.0.0.1:9/none",
         "--into", f"sqlite:///{tmp_path / 'r.db'}"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("replay failed: OperationalError")
