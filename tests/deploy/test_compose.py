"""deploy/compose.yaml: valid against the compose specification, and every service is wired
the way the code and the proxy expect."""

import json
import os
import subprocess
from importlib import resources
from urllib.parse import urlsplit

import pytest

from services.cli import build_parser, cmd_serve
from tests.deploy import support

jsonschema = pytest.importorskip("jsonschema", reason="pip install check-jsonschema")

COMPOSE = support.compose()
INFRASTRUCTURE = ("rabbitmq", "postgres", "proxy", "mailpit")


def compose_spec_schema():
    """The compose-spec JSON schema that check-jsonschema ships (works offline)."""
    try:
        schemas = resources.files("check_jsonschema") / "builtin_schemas" / "vendor"
    except ModuleNotFoundError:
        pytest.skip("check-jsonschema is not installed (pip install check-jsonschema)")
    return json.loads((schemas / "compose-spec.json").read_text())


@pytest.mark.parametrize("stage", ["as written", "interpolated"])
def test_compose_file_is_valid_against_the_compose_specification(stage):
    document = support.compose_raw() if stage == "as written" else COMPOSE
    schema = compose_spec_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def test_docker_compose_accepts_the_file_with_a_filled_env_file(tmp_path):
    docker_compose = support.tool("docker-compose")
    if docker_compose is None:
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in support.env_file_for_tests().items()))
    result = subprocess.run(
        [docker_compose, "-f", str(support.COMPOSE_FILE), "--env-file", str(env_file),
         "config", "-q"], capture_output=True, text=True, timeout=60,
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_every_service_of_the_system_is_there():
    assert set(COMPOSE["services"]) == {*support.SERVICES, *INFRASTRUCTURE}


def test_the_four_services_run_one_image_built_from_the_dockerfile():
    images = {COMPOSE["services"][s]["image"] for s in support.SERVICES}
    assert len(images) == 1
    for service in support.SERVICES:
        build = COMPOSE["services"][service]["build"]
        assert (support.COMPOSE_FILE.parent / build["context"]).resolve() == support.REPO
        assert build["dockerfile"] == "deploy/Dockerfile"


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_command_is_the_cli_serve_command_for_it(service):
    command = COMPOSE["services"][service]["command"]
    assert command == ["serve", service]
    args = build_parser().parse_args(command)
    assert args.func is cmd_serve and args.service == service


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_waits_for_a_healthy_broker_and_database(service):
    definition = COMPOSE["services"][service]
    assert definition["restart"] == "unless-stopped"
    assert definition["depends_on"] == {"rabbitmq": {"condition": "service_healthy"},
                                        "postgres": {"condition": "service_healthy"}}


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_health_check_asks_readyz_with_the_image_script(service):
    test = COMPOSE["services"][service]["healthcheck"]["test"]
    assert test == ["CMD", "python", "/usr/local/bin/grassroots-healthcheck", "/readyz"]
    assert "COPY deploy/healthcheck.py /usr/local/bin/grassroots-healthcheck" in (
        support.DOCKERFILE.read_text())


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_listens_on_all_interfaces_and_trusts_only_the_proxy(service):
    environment = support.app_environment(COMPOSE, service)
    assert environment["HTTP_HOST"] == "0.0.0.0"
    assert environment["TRUST_FORWARDED_FOR"] == "true"
    assert "ports" not in COMPOSE["services"][service], "reach services through the proxy"


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_has_its_own_database_and_role(service):
    url = urlsplit(support.app_environment(COMPOSE, service)[f"{service.upper()}_DATABASE_URL"])
    assert url.scheme == "postgresql"
    assert (url.hostname, url.port, url.username, url.path) == (
        "postgres", 5432, service, f"/{service}")
    assert url.password == support.env_file_for_tests()[f"{service.upper()}_DB_PASSWORD"]
    postgres_env = COMPOSE["services"]["postgres"]["environment"]
    assert postgres_env[f"{service.upper()}_DB_PASSWORD"] == url.password


def test_services_reach_the_broker_with_its_own_user():
    env = support.env_file_for_tests()
    for service in support.SERVICES:
        url = urlsplit(support.app_environment(COMPOSE, service)["AMQP_URI"])
        assert (url.hostname, url.port) == ("rabbitmq", 5672)
        assert (url.username, url.password) == (env["RABBITMQ_USER"], env["RABBITMQ_PASSWORD"])
    rabbit_env = COMPOSE["services"]["rabbitmq"]["environment"]
    assert rabbit_env["RABBITMQ_DEFAULT_USER"] == env["RABBITMQ_USER"]
    assert rabbit_env["RABBITMQ_DEFAULT_PASS"] == env["RABBITMQ_PASSWORD"]


def test_every_image_tag_is_pinned():
    for name, definition in COMPOSE["services"].items():
        image, _, tag = definition["image"].rpartition(":")
        assert image and tag and tag != "latest" and any(c.isdigit() for c in tag), (
            f"{name}: {definition['image']}")


def test_broker_and_database_keep_their_data_in_named_volumes():
    assert "rabbitmq-data:/var/lib/rabbitmq" in COMPOSE["services"]["rabbitmq"]["volumes"]
    assert COMPOSE["services"]["rabbitmq"]["hostname"] == "rabbitmq"
    assert "-management" in COMPOSE["services"]["rabbitmq"]["image"]
    volumes = COMPOSE["services"]["postgres"]["volumes"]
    assert "postgres-data:/var/lib/postgresql/data" in volumes
    assert "./postgres/init:/docker-entrypoint-initdb.d:ro" in volumes
    assert set(COMPOSE["volumes"]) == {"rabbitmq-data", "postgres-data"}


def test_the_postgres_health_check_waits_for_the_last_database_the_init_script_creates():
    check = " ".join(COMPOSE["services"]["postgres"]["healthcheck"]["test"])
    assert "-h 127.0.0.1" in check and "-d reporting" in check
    assert support.SERVICES[-1] == "reporting"
    assert "intake cases notify reporting" in support.INIT_SCRIPT.read_text()


def test_management_and_mail_interfaces_are_published_on_loopback_only():
    for name in ("rabbitmq", "mailpit"):
        for port in COMPOSE["services"][name]["ports"]:
            assert port.startswith("127.0.0.1:"), port


def test_the_proxy_is_the_one_published_origin_with_the_shipped_configuration():
    proxy = COMPOSE["services"]["proxy"]
    assert proxy["ports"] == ["8080:8080"]
    assert proxy["volumes"] == ["./proxy/nginx.conf:/etc/nginx/nginx.conf:ro"]


def test_mail_goes_to_the_mail_catcher_unless_configured_otherwise():
    assert "mailcatcher" in COMPOSE["services"]["mailpit"]["profiles"]
    assert support.env_example_values()["COMPOSE_PROFILES"] == "mailcatcher"
    for service in support.SERVICES:
        assert support.app_environment(COMPOSE, service)["SMTP_URL"] == "smtp://mailpit:1025"
