"""The one entry for every event reporting consumes, live (nameko handlers) or replayed."""

from services.common.consuming import claim
from services.common.topology import subscription

from . import compliance, directory, facts

CONSUMER = "reporting"


def apply_event(session, event, settings):
    """Claim the event for reporting's queue of its type and fold it into the read model.

    Returns False when it had been handled before (nothing changes).
    """
    if event.consumer is None:
        event.consumer = subscription(event.event_type, CONSUMER).queue_name
    if not claim(session, event):
        return False
    if event.event_type == "unit_updated":
        directory.apply_unit_updated(session, event)
    elif event.event_type == "periodic_report_received":
        compliance.apply_periodic_report(session, event)
    else:
        facts.apply_case_event(session, event, settings)
    return True
