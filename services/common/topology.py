"""Broker topology: event exchanges, one durable queue per subscribing handler, retry delays
and the dead-letter queue. Everything is declared from here so producers never publish into
a void and every declaration carries the same arguments."""

from dataclasses import dataclass

from kombu import Exchange, Queue, binding

from .contracts import CASE_CHANGE_EVENTS, CONTRACTS

DEAD_LETTER_QUEUE = "dead-letters"
RETRY_DELAY_EXCHANGE = "retry.delay"
RETRY_RETURN_EXCHANGE = "retry.return"
RETRY_BACKOFF_FACTOR = 4


@dataclass(frozen=True)
class Subscription:
    """A consuming service's handler of one event type."""

    event_type: str
    consumer: str

    @property
    def queue_name(self):
        """The durable queue this handler consumes."""
        producer = CONTRACTS[self.event_type].producer
        return f"evt-{producer}-{self.event_type}--{self.consumer}"


SUBSCRIPTIONS = (
    Subscription("feedback_received", "cases"),
    Subscription("case_opened", "intake"),
    Subscription("unit_updated", "intake"),
    Subscription("case_opened", "notify"),
    Subscription("case_opened", "reporting"),
    Subscription("unit_updated", "reporting"),
    Subscription("periodic_report_received", "reporting"),
    *(Subscription(event_type, consumer) for event_type in CASE_CHANGE_EVENTS
      for consumer in ("intake", "reporting")),
    *(Subscription(event_type, "notify") for event_type in (
        *CASE_CHANGE_EVENTS, "unit_updated", "periodic_report_missing", "digest_compiled")),
)


def subscription(event_type, consumer):
    """Return the registered subscription or raise LookupError naming what is missing."""
    for sub in SUBSCRIPTIONS:
        if sub.event_type == event_type and sub.consumer == consumer:
            return sub
    raise LookupError(f"{consumer} is not subscribed to {event_type} in topology.SUBSCRIPTIONS")


def has_subscribers(event_type):
    """True when some service consumes this event type."""
    return any(sub.event_type == event_type for sub in SUBSCRIPTIONS)


def event_exchange(producer):
    """The topic exchange a service publishes its events to (nameko's convention)."""
    return Exchange(f"{producer}.events", type="topic", durable=True, delivery_mode=2)


def _queue_arguments(config):
    queue_type = config.get("QUEUE_TYPE", "classic")
    return {"x-queue-type": queue_type} if queue_type != "classic" else {}


def retry_delays_ms(config):
    """Delay before each retry: base, base*4, base*16, ... one per attempt after the first."""
    base = int(config.get("HANDLER_RETRY_DELAY_MS", 1000))
    attempts = int(config.get("HANDLER_MAX_ATTEMPTS", 5))
    return [base * RETRY_BACKOFF_FACTOR ** level for level in range(max(attempts - 1, 0))]


def handler_queue(sub, config):
    """The queue of one subscription, bound to its event and to the retry return path."""
    exchange = event_exchange(CONTRACTS[sub.event_type].producer)
    retry_return = Exchange(RETRY_RETURN_EXCHANGE, type="direct", durable=True)
    return Queue(
        sub.queue_name, durable=True, queue_arguments=_queue_arguments(config),
        bindings=[
            binding(exchange, routing_key=sub.event_type),
            binding(retry_return, routing_key=sub.queue_name),
        ],
    )


def delay_queue_name(delay_ms):
    """The delay queue holding messages for `delay_ms` before they return."""
    return f"retry.delay.{delay_ms}ms"


def delay_queues(config):
    """One queue per retry delay; expired messages go back to their queue via retry.return.

    Queues are named by their delay, so changing the delays declares new queues instead of
    clashing with the arguments of existing ones.
    """
    delay_exchange = Exchange(RETRY_DELAY_EXCHANGE, type="headers", durable=True)
    return [
        Queue(
            delay_queue_name(delay), exchange=delay_exchange,
            binding_arguments={"x-match": "all", "retry-delay-ms": delay}, durable=True,
            queue_arguments={
                **_queue_arguments(config),
                "x-message-ttl": delay,
                "x-dead-letter-exchange": RETRY_RETURN_EXCHANGE,
            },
        )
        for delay in sorted(set(retry_delays_ms(config)))
    ]


def dead_letter_queue(config):
    """The queue where messages end after their last failed attempt."""
    return Queue(DEAD_LETTER_QUEUE, durable=True, queue_arguments=_queue_arguments(config))


def declare_all(channel, config):
    """Declare every exchange, handler queue, retry queue and the dead-letter queue."""
    for sub in SUBSCRIPTIONS:
        handler_queue(sub, config).bind(channel).declare()
    for queue in delay_queues(config):
        queue.bind(channel).declare()
    dead_letter_queue(config).bind(channel).declare()
    for contract in CONTRACTS.values():
        event_exchange(contract.producer).bind(channel).declare()
