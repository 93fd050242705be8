"""The declared broker topology matches the handlers the services actually have."""

import inspect

from services.common.config import SERVICES
from services.common.consuming import EventConsumer
from services.common.topology import SUBSCRIPTIONS, retry_delays_ms
from services.registry import service_class


def handlers_in_code():
    found = set()
    for name in SERVICES:
        cls = service_class(name)
        for _, method in inspect.getmembers(cls, callable):
            for extension in getattr(method, "nameko_entrypoints", ()):
                if isinstance(extension, EventConsumer):
                    found.add((extension.event_type, name))
    return found


def test_every_handler_has_a_declared_queue_and_every_queue_a_handler():
    assert handlers_in_code() == {(s.event_type, s.consumer) for s in SUBSCRIPTIONS}


def test_queue_names_are_unique():
    names = [s.queue_name for s in SUBSCRIPTIONS]
    assert len(names) == len(set(names))


def test_retry_delays_grow_and_stop_before_the_last_attempt():
    assert retry_delays_ms({"HANDLER_MAX_ATTEMPTS": 4, "HANDLER_RETRY_DELAY_MS": 100}) == [
        100, 400, 1600]
    assert retry_delays_ms({"HANDLER_MAX_ATTEMPTS": 1}) == []
