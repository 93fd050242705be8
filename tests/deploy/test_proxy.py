"""deploy/proxy/nginx.conf, run by a real nginx in front of echo servers: every route the
services declare reaches the service that declares it, and the edge behaves."""

import re

import pytest
import requests

from tests.deploy import support
from tests.deploy.nginx import EchoBackend, NginxProxy
from tests.support.mail import free_port

ROUTES = support.public_routes()


@pytest.fixture(scope="module")
def proxy():
    """nginx with the shipped configuration, each service replaced by an echo server."""
    backends = {service: EchoBackend(service).start() for service in support.SERVICES}
    nginx = NginxProxy({s: b.address for s, b in backends.items()})
    try:
        yield nginx.start()
    finally:
        nginx.stop()
        for backend in backends.values():
            backend.stop()


def through(proxy, method, path, **kwargs):
    """Send one request through the proxy."""
    return requests.request(method, proxy.url(path), timeout=30, **kwargs)


def test_nginx_accepts_the_configuration():
    nginx = NginxProxy({s: "127.0.0.1:9" for s in support.SERVICES})
    try:
        status, output = nginx.check()
    finally:
        nginx.stop()
    assert status == 0, output


def test_upstreams_are_the_compose_services_on_their_ports():
    ports = support.compose_ports(support.compose())
    declared = dict(re.findall(r"set \$(\w+) ([\w.:-]+);", support.NGINX_CONF.read_text()))
    assert declared == {service: f"{service}:{port}" for service, port in ports.items()}


def test_the_services_declare_routes_at_all():
    assert {service for service, _, _ in ROUTES} == set(support.SERVICES)


@pytest.mark.parametrize(("service", "method", "url"), ROUTES,
                         ids=[f"{s}-{m}-{u}" for s, m, u in ROUTES])
def test_every_route_reaches_the_service_that_declares_it(proxy, service, method, url):
    path = support.sample_path(url)
    response = through(proxy, method, path + "?lang=vi", data=b"{}")
    assert response.status_code == 200, response.text
    assert response.json()["service"] == service
    assert (response.json()["method"], response.json()["path"]) == (method, path + "?lang=vi")


@pytest.mark.parametrize("service", support.SERVICES)
@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/api/v1/openapi.json"])
def test_each_service_health_and_api_document_are_under_its_own_prefix(proxy, service, path):
    answer = through(proxy, "GET", f"/_/{service}{path}").json()
    assert (answer["service"], answer["path"]) == (service, path)


@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/api/v1/openapi.json",
                                  "/_/intake/metrics", "/nowhere", "/api/v2/cases"])
def test_metrics_and_unknown_paths_stay_inside_with_a_json_404(proxy, path):
    response = through(proxy, "GET", path)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_the_proxy_answers_its_own_health_check(proxy):
    assert through(proxy, "GET", "/_/proxy/healthz").json()["status"] == "ok"


def test_a_client_cannot_forge_its_address(proxy):
    answer = through(proxy, "POST", "/api/v1/feedback",
                     headers={"X-Forwarded-For": "203.0.113.7, 10.0.0.1"}).json()
    assert answer["x_forwarded_for"] == "127.0.0.1"


def test_the_host_and_a_given_request_id_pass_through(proxy):
    answer = through(proxy, "GET", "/track", headers={"X-Request-Id": "abc-123",
                                                      "Host": "gopy.example.vn"}).json()
    assert (answer["x_request_id"], answer["host"]) == ("abc-123", "gopy.example.vn")


def test_a_request_without_id_gets_one(proxy):
    assert re.fullmatch(r"[0-9a-f]{32}", through(proxy, "GET", "/track").json()["x_request_id"])


def test_an_import_of_fifty_megabytes_goes_through(proxy):
    body = b"x" * (50 * 1024 * 1024)
    response = through(proxy, "POST", "/api/v1/imports", data=body,
                       headers={"Content-Type": "text/csv"})
    assert response.status_code == 200
    assert response.json()["received"] == len(body)


def test_other_bodies_over_two_megabytes_get_a_json_413(proxy):
    response = through(proxy, "POST", "/api/v1/feedback", data=b"x" * (3 * 1024 * 1024),
                       headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_a_service_that_is_down_gives_a_json_503():
    nginx = NginxProxy({s: f"127.0.0.1:{free_port()}" for s in support.SERVICES}).start()
    try:
        response = requests.get(nginx.url("/api/v1/cases"), timeout=30)
    finally:
        nginx.stop()
    assert response.status_code == 503
    assert response.json()["error"] == "unavailable"
