"""Token buckets: a burst up to the limit, then Retry-After until the bucket refills."""

from types import SimpleNamespace

from services.common.ratelimit import TokenBuckets, client_address


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_client_gets_its_burst_then_is_told_when_to_come_back():
    clock = Clock()
    buckets = TokenBuckets(per_minute=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == 20
    assert buckets.take("b") == 0
    clock.now += 20
    assert buckets.take("a") == 0
    assert buckets.take("a") == 20


def test_a_zero_limit_means_no_limit():
    buckets = TokenBuckets(per_minute=0)
    assert all(buckets.take("a") == 0 for _ in range(1000))


def test_the_table_of_clients_stays_bounded():
    buckets = TokenBuckets(per_minute=5, max_clients=100)
    for n in range(1000):
        buckets.take(f"client-{n}")
    assert len(buckets.buckets) == 100


def test_forwarded_for_is_trusted_only_when_configured():
    request = SimpleNamespace(remote_addr="10.0.0.9",
                              headers={"X-Forwarded-For": "198.51.100.7, 10.0.0.2"})
    assert client_address(request) == "10.0.0.9"
    assert client_address(request, trust_forwarded_for=True) == "10.0.0.2"
    proxied = SimpleNamespace(remote_addr="10.0.0.5", headers={"X-Forwarded-For": "203.0.113.9"})
    assert client_address(proxied, trust_forwarded_for=True) == "203.0.113.9"
