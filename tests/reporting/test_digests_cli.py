"""`python -m services compile-digest`: a digest on demand, once; bad periods and settings
answered in one line; reporting refuses to start on a bad digest setting."""

import json
import os
import subprocess
import sys

from sqlalchemy import select

from services.common.contracts import load_event
from services.common.db import make_engine
from services.common.tables import outbox
from services.reporting.models import Digest

from .history import directory_events, report_event


def run(*args, **env):
    """Run the CLI with extra environment; (exit status, stdout, stderr)."""
    result = subprocess.run([sys.executable, "-m", "services", *args], capture_output=True,
                            text=True, timeout=120, env={**os.environ, **env})
    return result.returncode, result.stdout, result.stderr


def test_compiling_a_month_twice_stores_it_once(read_model):
    # September's reports fell due on 5 October 2026: CB-001 sent its own, three units did not
    read_model.feed([*directory_events(), report_event("CB-001", "2026-09", "2026-10-02 09:00")])
    env = {"REPORTING_DATABASE_URL": read_model.url,
           "REPORTING_PUBLIC_URL": "https://gopy.example.vn"}
    status, out, err = run("compile-digest", "--kind", "monthly", "--period", "2026-09", **env)
    assert (status, err) == (0, "")
    assert out.startswith("Compiled «Báo cáo tháng 09/2026» (id ")
    assert "Trong tháng 09/2026: tiếp nhận 0 vụ việc" in out
    assert "3 tổ chức cơ sở chưa gửi báo cáo tháng 09/2026." in out
    status, again, _ = run("compile-digest", "--kind", "monthly", "--period", "2026-09", **env)
    assert status == 0
    assert again.startswith("The monthly digest for 2026-09 already exists (id ")
    assert again.rstrip().endswith("nothing written.")
    engine = make_engine(read_model.url)
    with engine.connect() as connection:
        digests = connection.execute(select(Digest.id, Digest.kind)).all()
        bodies = connection.execute(select(outbox.c.body)).scalars().all()
    engine.dispose()
    assert [kind for _, kind in digests] == ["monthly"]
    [event] = [load_event(json.loads(body)) for body in bodies]
    assert event.event_type == "digest_compiled"
    assert event.payload["link"] == f"https://gopy.example.vn/reports/digests/{digests[0].id}"


def test_a_period_written_wrong_or_not_over_is_refused_in_one_line(read_model):
    env = {"REPORTING_DATABASE_URL": read_model.url}
    status, out, err = run("compile-digest", "--kind", "weekly", "--period", "2026-11", **env)
    assert (status, out) == (2, "")
    assert err == "error: '2026-11' is not a weekly period; write it like 2026-W47.\n"
    status, _, err = run("compile-digest", "--kind", "year", "--period", "2999", **env)
    assert status == 2
    assert err.startswith("error: the year period 2999 ends on 31/12/2999 and is not over yet")
    status, _, err = run("compile-digest", "--kind", "fortnight", "--period", "2026", **env)
    assert status == 2 and "invalid choice: 'fortnight'" in err


def test_reporting_does_not_start_with_a_bad_digest_setting(tmp_path):
    status, out, err = run("serve", "reporting", DIGEST_PERIODIC_AT="31 07:00",
                           VAR_DIR=str(tmp_path))
    assert (status, out) == (2, "")
    assert err.startswith("error: DIGEST_PERIODIC_AT='31 07:00': write a day of the month "
                          "from 1 to 28")
    assert len(err.splitlines()) == 1
