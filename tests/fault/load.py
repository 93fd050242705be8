"""A steady, bounded load of submissions: a few clients posting feedback as real clients do.

Each submission has its own Idempotency-Key; on a connection error or a 5xx the client
retries the same request with the same key (against the next intake replica, as a load
balancer would), so an answer lost in a crash never becomes a second submission.
"""

import threading
import time
from dataclasses import dataclass, field

import eventlet
import requests

PLACES = ("thôn Đông", "xóm Bến", "tổ dân phố 4", "khu tập thể Z115", "bản Nà Hin",
          "ấp Phú Lợi", "phường Quyết Thắng", "xã Tân Cương")
MATTERS = ("đường vào bị ngập sau mưa", "đèn chiếu sáng hỏng nhiều ngày",
           "rác thải tồn đọng gây mùi", "nước sinh hoạt có màu đục",
           "cống thoát nước bị tắc", "cây đổ chắn lối đi", "tiếng ồn từ xưởng gỗ ban đêm")


def submission(number, run):
    """A distinct submission (distinct text, so none is folded as a duplicate of another)."""
    place, matter = PLACES[number % len(PLACES)], MATTERS[number % len(MATTERS)]
    return {"title": f"Phản ánh {run}-{number}: {matter} ở {place}",
            "body": f"Kiến nghị số {number} của đợt {run}: {matter} tại {place}, "
                    f"đề nghị chi bộ và chính quyền cơ sở xem xét, giải quyết.",
            "channel": "web"}


@dataclass
class Outcome:
    """What happened to one submission: its key, tracking code and how many tries it took."""

    key: str
    code: str | None = None
    status: int | None = None
    tries: int = 0
    folded: bool = False
    errors: list = field(default_factory=list)


class Load:
    """`clients` green clients posting `total` submissions at about `rate` per second."""

    def __init__(self, intake_urls, total=200, clients=4, rate=25.0, run="f",
                 give_up_after=180.0):
        self.intake_urls = list(intake_urls)
        self.total, self.clients, self.rate, self.run = total, clients, rate, run
        self.give_up_after = give_up_after
        self.outcomes = [Outcome(key=f"fault-{run}-{n}") for n in range(total)]
        self.stopped = threading.Event()
        self.threads = []
        self.started_at = self.finished_at = None

    @property
    def accepted(self):
        """Outcomes answered with a tracking code so far."""
        return [o for o in self.outcomes if o.code]

    @property
    def retries(self):
        """Requests sent again after a failure, over every submission."""
        return sum(max(o.tries - 1, 0) for o in self.outcomes)

    def start(self):
        """Start the clients; each takes every `clients`-th submission."""
        self.started_at = time.monotonic()
        self.threads = [eventlet.spawn(self._client, index) for index in range(self.clients)]
        return self

    def wait(self, timeout=300.0):
        """Wait until every client is done; return the outcomes."""
        with eventlet.Timeout(timeout):
            for thread in self.threads:
                thread.wait()
        self.finished_at = time.monotonic()
        return self.outcomes

    def stop(self):
        """Ask the clients to stop early (teardown after a failure)."""
        self.stopped.set()

    def _client(self, index):
        interval = self.clients / self.rate
        due = time.monotonic() + index * interval / self.clients
        for number in range(index, self.total, self.clients):
            if self.stopped.wait(max(0.0, due - time.monotonic())):
                return
            due += interval
            self._submit(number)

    def _submit(self, number):
        outcome = self.outcomes[number]
        body = submission(number, self.run)
        deadline = time.monotonic() + self.give_up_after
        while not self.stopped.is_set() and time.monotonic() < deadline:
            url = self.intake_urls[(number + outcome.tries) % len(self.intake_urls)]
            outcome.tries += 1
            try:
                response = requests.post(f"{url}/api/v1/feedback", json=body, timeout=15,
                                         headers={"Idempotency-Key": outcome.key})
            except requests.RequestException as exc:
                outcome.errors.append(type(exc).__name__)
            else:
                outcome.status = response.status_code
                if response.status_code < 500:
                    answer = response.json()
                    outcome.code = answer.get("tracking_code")
                    outcome.folded = bool(answer.get("duplicate_of_earlier"))
                    return
                outcome.errors.append(f"HTTP {response.status_code}")
            # a real client backs off a little before trying the same key again
            self.stopped.wait(min(0.1 * outcome.tries, 1.0))
