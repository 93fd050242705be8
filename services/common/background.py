"""A background loop inside a service container: runs a unit of work on a timer or on demand."""

import logging
import threading
import time

from nameko.extensions import SharedExtension

log = logging.getLogger(__name__)


class Pulse:
    """Calls `work()` every `interval` seconds or as soon as `wake()` is called.

    `work` returns True while more is pending, so a backlog drains without waiting. A failing
    `work` is logged and retried after a growing pause (capped), never crashing the service.
    """

    def __init__(self, name, work, interval=1.0, max_backoff=30.0, coalesce=0.0):
        self.name = name
        self.work = work
        self.interval = interval
        self.coalesce = coalesce
        self.max_backoff = max_backoff
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self.failures = 0
        self.rounds = 0  # rounds completed, failed or not

    def wake(self):
        """Run the work soon, without waiting for the timer."""
        self._wake.set()

    def stop(self):
        """Ask the loop to end after the current round."""
        self._stopped.set()
        self._wake.set()

    def run(self):
        """Loop until stopped."""
        while not self._stopped.is_set():
            self.run_once()
            pause = self.interval if not self.failures else min(
                self.max_backoff, self.interval * 2 ** self.failures)
            woken = self._wake.wait(pause)
            self._wake.clear()
            if woken and self.coalesce:
                # let a burst of wake-ups gather so one round handles them together
                time.sleep(self.coalesce)

    def run_once(self):
        """Drain pending work; returns False when a round failed."""
        try:
            while self.work() and not self._stopped.is_set():
                pass
        except Exception as exc:  # noqa: BLE001 - a loop must survive any failure
            self.failures += 1
            log.warning("%s failed (attempt %s): %s", self.name, self.failures, exc)
            return False
        finally:
            self.rounds += 1
        self.failures = 0
        return True


class BackgroundLoop(SharedExtension):
    """Base for container-wide loops (outbox relay, delivery sender) started with the service."""

    interval = 1.0
    coalesce = 0.01

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pulse = None

    def work(self):
        """One round of work; return True if more is pending."""
        raise NotImplementedError

    def start(self):
        """Start the loop in a managed greenthread."""
        self.pulse = Pulse(type(self).__name__, self.work, self.interval,
                           coalesce=self.coalesce)
        self.container.spawn_managed_thread(self.pulse.run, identifier=type(self).__name__)

    def stop(self):
        """Stop the loop."""
        if self.pulse:
            self.pulse.stop()

    def kill(self):
        """Stop the loop."""
        self.stop()

    def wake(self):
        """Run the loop now."""
        if self.pulse:
            self.pulse.wake()
