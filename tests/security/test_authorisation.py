"""The authorisation matrix, checked against the running services over real HTTP.

Routes are read from the services' own `@http` entrypoints: a route missing from the matrix
fails, so no endpoint is added without deciding who may call it.
"""

import pytest
import requests

from .callers import EVERYONE
from .matrix import MATRIX
from .routes import all_routes


def send(stack, entry, caller):
    """Call an entry's sample as one caller; redirects are answers, not followed."""
    service = entry.route.service
    return requests.request(entry.route.method, stack.url(service,
                                                          entry.path.format(**stack.ids)),
                            timeout=15, allow_redirects=False,
                            **entry.request_options(stack, caller))


def test_every_route_of_every_service_is_in_the_matrix():
    missing = all_routes() - {entry.route for entry in MATRIX}
    assert not missing, "decide who may call: " + ", ".join(map(str, sorted(missing)))


def test_the_matrix_names_only_routes_that_exist_and_every_caller():
    assert not {entry.route for entry in MATRIX} - all_routes()


@pytest.mark.e2e
@pytest.mark.parametrize("entry", MATRIX, ids=str)
def test_each_caller_gets_what_the_matrix_says(stack, entry):
    answers = {caller: send(stack, entry, caller) for caller in EVERYONE}
    wrong = {caller: (entry.expect[caller], answer.status_code, answer.text[:160])
             for caller, answer in answers.items() if answer.status_code != entry.expect[caller]}
    assert not wrong, "\n".join(f"{caller}: expected {want}, got {got}: {text}"
                                for caller, (want, got, text) in wrong.items())
    for caller, answer in answers.items():
        if answer.status_code in (401, 403) and entry.path.startswith("/api/"):
            assert set(answer.json()) == {"error", "message", "fields"}, (caller, answer.text)
