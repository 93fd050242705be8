"""Every environment variable the deployment sets is one the code reads, and every one the
code reads is documented and passed on."""

import re

import pytest

from tests.deploy import support

CODE_READS = support.variables_the_code_reads()
# Secrets the services run without (no Open311 client, no chat-bot bridge).
OPTIONAL_SECRETS = {"CHATBOT_SECRETS", "OPEN311_API_KEYS"}


def own_variables(service):
    """What the code reads, less the database URL and port of the other three services."""
    others = {f"{other.upper()}_{suffix}" for other in support.SERVICES if other != service
              for suffix in ("DATABASE_URL", "PORT")}
    return CODE_READS - others - support.IMAGE_VARIABLES


def readme_configuration_variables():
    """Variable names in the README's configuration table."""
    text = (support.REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


@pytest.mark.parametrize("service", support.SERVICES)
def test_compose_sets_only_variables_the_code_reads(service):
    environment = support.app_environment(support.compose(), service)
    assert set(environment) - CODE_READS == set()


@pytest.mark.parametrize("service", support.SERVICES)
def test_compose_passes_every_variable_the_code_reads(service):
    environment = support.app_environment(support.compose(), service)
    assert own_variables(service) - set(environment) == set()


def test_every_variable_the_code_reads_is_documented_in_env_example():
    assert CODE_READS - support.env_example_documented() == set()


def test_env_example_documents_only_real_variables():
    compose_text = support.COMPOSE_FILE.read_text()
    for name in support.env_example_documented() - CODE_READS:
        assert name.startswith("COMPOSE_") or "${" + name in compose_text, (
            f"{name} in .env.example is neither read by the code nor used by compose.yaml")


def test_every_env_example_setting_the_code_reads_reaches_the_services():
    settable = {name for name in support.env_example_values() if name in CODE_READS}
    for service in support.SERVICES:
        assert settable - set(support.app_environment(support.compose(), service)) == set()


def test_env_example_leaves_every_secret_empty_so_compose_refuses_to_start_without_them():
    values = support.env_example_values()
    secret_names = [n for n in values if re.search(r"(PASSWORD|SECRET)$", n)]
    assert secret_names
    for name in secret_names:
        assert values[name] == "", f"{name} has a value in .env.example"
        assert name in support.required_variables() | OPTIONAL_SECRETS, name


def test_compose_without_secrets_names_the_first_one_missing():
    env = support.env_example_values()
    with pytest.raises(support.MissingVariableError, match="set .* in deploy/.env"):
        support.compose(env)


def test_the_code_reads_the_environment_only_through_config_or_client_side():
    assert set(support.direct_environment_reads()) - support.CLIENT_SIDE_VARIABLES == set()


def test_every_readme_configuration_variable_is_read_by_the_code():
    assert readme_configuration_variables() - CODE_READS == set()


def test_every_variable_the_code_reads_is_in_the_readme_configuration_table():
    assert CODE_READS - readme_configuration_variables() == set()
