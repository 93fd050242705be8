"""Polling with a deadline instead of sleeping."""

import time


def wait_until(predicate, timeout=20.0, interval=0.05, message="condition"):
    """Poll `predicate` until it returns a truthy value; return it or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise TimeoutError(f"{message} not met after {timeout}s (last value: {last!r})")
