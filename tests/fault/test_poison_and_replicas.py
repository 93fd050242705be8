"""Poison in every queue; two replicas of every service with one of each killed."""

import pytest

from services.common.config import SERVICES
from tests.fault import poison
from tests.fault.scenario import FAULT_SETTINGS
from tests.fault.verdict import Expect
from tests.support.infra import amqp_uri as vhost_uri

pytestmark = [pytest.mark.fault, pytest.mark.e2e]


def test_poison_in_every_queue_is_dead_lettered_and_the_rest_keeps_flowing(scenario, vhost):
    run = scenario("poison in every service's queues mid-load").start(total=200)
    run.note(f"load started ({run.when_accepted(0.3)})")
    queues = [queue for service in SERVICES for queue in poison.queues_of(service)]
    injected = poison.inject(vhost_uri(vhost), queues)
    run.note(f"{injected} poison messages injected: an undecodable body and a "
             f"contract-breaking envelope into each of {len(queues)} queues of "
             f"{', '.join(SERVICES)}")
    run.finish(Expect(dead_letters=injected))
    origins = poison.dead_letters_by_queue(vhost_uri(vhost), FAULT_SETTINGS)
    print(f"   dead letters by queue: {len(origins)} queues, "
          f"{sorted(set(origins.values()))} each")
    assert origins == {queue: 2 for queue, _ in queues}


def test_two_replicas_of_every_service_with_one_of_each_killed(scenario):
    run = scenario("two replicas of every service, one of each SIGKILLed mid-load",
                   replicas=2).start(total=240)
    for service, fraction in zip(SERVICES, (0.2, 0.35, 0.5, 0.65), strict=True):
        run.when_accepted(fraction)
        run.kill(service, replica=1)
    # the killed notify replica may have been mid-conversation: one email again, same id
    run.finish(Expect(repeated_copies=1))
