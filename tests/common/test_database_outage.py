"""A database outage is a clear 503 with Retry-After, never a 500; service resumes after."""

import pytest
import requests
from sqlalchemy.engine import make_url

from tests.support.proxy import TcpProxy
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def db_proxy():
    proxy = TcpProxy(5432).start()
    yield proxy
    proxy.stop()


def test_api_answers_503_while_the_database_is_unreachable_and_recovers(
        db_proxy, start_service, make_database):
    url = make_url(make_database("cases")).set(host="127.0.0.1", port=db_proxy.port)
    cases = start_service("cases", database_url=url.render_as_string(hide_password=False))
    assert requests.get(cases.url("/api/v1/units"), timeout=10).status_code == 200

    db_proxy.cut()
    response = requests.get(cases.url("/api/v1/units"), timeout=30)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json()["error"] == "unavailable"
    assert "database" in response.json()["message"]

    db_proxy.restore()
    wait_until(lambda: requests.get(cases.url("/api/v1/units"), timeout=10).status_code == 200,
               timeout=20, message="cases answers again once the database is back")
