"""A one-line progress bar on stderr for long commands: share done, rate and time left."""

import sys
import time


class Progress:
    """Redraws `[####......]  40% 4,000/10,000 rows 1,200/s 5 s left` at most ten times a second."""

    def __init__(self, total, stream=None, enabled=True, unit="rows", width=30):
        self.total, self.stream, self.enabled = total, stream, enabled
        self.unit, self.width = unit, width
        self.started = time.monotonic()
        self.shown = -1.0

    def update(self, done, force=False):
        """Redraw for `done` items (skipped when the last redraw is under 0.1 s old)."""
        now = time.monotonic()
        if not self.enabled or (not force and now - self.shown < 0.1):
            return
        self.shown = now
        share = done / self.total if self.total else 1.0
        rate = done / max(now - self.started, 1e-6)
        left = (self.total - done) / rate if rate else 0.0
        bar = "#" * int(self.width * share)
        stream = self.stream or sys.stderr
        stream.write(f"\r[{bar:.<{self.width}}] {share:4.0%} {done:,}/{self.total:,} "
                     f"{self.unit} {rate:,.0f}/s {left:,.0f} s left ")
        stream.flush()

    def close(self, done=None):
        """Draw the final state (if given) and end the line."""
        if self.enabled:
            if done is not None:
                self.update(done, force=True)
            (self.stream or sys.stderr).write("\n")
