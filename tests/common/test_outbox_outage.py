"""A broker outage delays events and loses none: the relay publishes them once it is back."""

import pytest
import requests

from services.common.db import make_engine
from services.common.outbox import backlog
from tests.support.broker import count, declare
from tests.support.proxy import TcpProxy
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

QUEUE = "evt-intake-feedback_received--cases"


@pytest.fixture
def proxy():
    proxy = TcpProxy(5672).start()
    yield proxy
    proxy.stop()


def unsent(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        value = backlog(connection)
    engine.dispose()
    return value


def test_events_written_while_the_broker_is_unreachable_are_published_later(
        proxy, start_service, amqp_uri, vhost):
    # `proxy` comes first so it is torn down last: the container must stop while it is up
    declare(amqp_uri)
    through_proxy = f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}"
    intake = start_service("intake", AMQP_URI=through_proxy)
    proxy.cut()
    codes = []
    for n in range(3):
        response = requests.post(intake.url("/api/v1/feedback"), timeout=10, json={
            "title": f"Phản ánh trong lúc mất kết nối {n}", "body": "Nội dung"})
        assert response.status_code == 202
        codes.append(response.json()["tracking_code"])
    assert unsent(intake.database_url) == 3
    assert count(amqp_uri, QUEUE) == 0
    proxy.restore()
    wait_until(lambda: count(amqp_uri, QUEUE) == 3, timeout=40, message="events published")
    assert unsent(intake.database_url) == 0
