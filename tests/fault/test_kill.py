"""SIGKILL each service in turn mid-load, then restart it: nothing lost, nothing doubled."""

import pytest

from tests.fault.verdict import Expect

pytestmark = [pytest.mark.fault, pytest.mark.e2e]


@pytest.mark.parametrize("service", ["intake", "cases", "notify", "reporting"])
def test_a_service_killed_mid_load_and_restarted_loses_and_doubles_nothing(scenario, service):
    run = scenario(f"SIGKILL {service} mid-load, then restart").start(total=200)
    run.note(f"load started ({run.when_accepted(0.3)})")
    if service == "notify":
        run.when_emailed(20)  # notify is in the middle of sending
    run.kill(service)
    run.restart(service)
    # notify killed mid-conversation may resend the one email in flight, same Message-ID
    run.finish(Expect(repeated_copies=1 if service == "notify" else 0))
