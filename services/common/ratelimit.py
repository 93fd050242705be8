"""Per-client rate limits for public endpoints: token buckets, 429 with Retry-After."""

import math
import time
from collections import OrderedDict

from nameko.extensions import DependencyProvider

from .web import TooManyRequestsError

MAX_CLIENTS = 100_000


class TokenBuckets:
    """One bucket per (client, scope): `per_minute` requests, refilled continuously."""

    def __init__(self, per_minute, clock=time.monotonic, max_clients=MAX_CLIENTS):
        self.capacity = float(per_minute)
        self.refill = per_minute / 60.0
        self.clock = clock
        self.max_clients = max_clients
        self.buckets = OrderedDict()

    def take(self, key, cost=1.0):
        """Spend from a bucket; return 0 when allowed, else seconds until it would be."""
        if self.capacity <= 0:
            return 0
        now = self.clock()
        tokens, seen = self.buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - seen) * self.refill)
        wait = 0 if tokens >= cost else math.ceil((cost - tokens) / self.refill)
        self.buckets[key] = (tokens - cost if not wait else tokens, now)
        while len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)
        return wait


def client_address(request, trust_forwarded_for=False):
    """Who is asking: the peer address, or the address our own proxy saw (the last entry of
    X-Forwarded-For, the one a client cannot forge)."""
    if trust_forwarded_for and request.headers.get("X-Forwarded-For"):
        return request.headers["X-Forwarded-For"].split(",")[-1].strip()
    return request.remote_addr or "unknown"


class RateLimit(DependencyProvider):
    """Inject `check(request, scope)` that raises 429 when a client exceeds its share.

    Limits are per process (each replica counts its own); RATE_LIMIT_PER_MINUTE=0 turns
    them off. Behind the deployment's proxy set TRUST_FORWARDED_FOR=true.
    """

    def setup(self):
        """Read the limit and whether to trust X-Forwarded-For."""
        config = self.container.config
        self.buckets = TokenBuckets(int(config.get("RATE_LIMIT_PER_MINUTE", 30)))
        self.trust = str(config.get("TRUST_FORWARDED_FOR", "")).lower() in ("1", "true", "yes")

    def get_dependency(self, worker_ctx):
        """Return the check function."""
        def check(request, scope="public", cost=1.0):
            key = (client_address(request, self.trust), scope)
            wait = self.buckets.take(key, cost)
            if wait:
                raise TooManyRequestsError(
                    f"Too many requests from your address; try again in {wait} seconds.",
                    headers={"Retry-After": str(wait)})
        return check
