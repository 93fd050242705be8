"""What the deployment tests share: the files under deploy/, compose interpolation, the
environment variables the code reads and the HTTP routes the services declare."""

import inspect
import re
import secrets
import shutil
import sys
from pathlib import Path

import yaml

from services.common import config

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"
ENTRYPOINT = DEPLOY / "entrypoint.sh"
HEALTHCHECK = DEPLOY / "healthcheck.py"
COMPOSE_FILE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
NGINX_CONF = DEPLOY / "proxy" / "nginx.conf"
INIT_SCRIPT = DEPLOY / "postgres" / "init" / "10-service-databases.sh"
K8S_DIR = DEPLOY / "k8s"
# The bin directory of the running interpreter: its `python` and tools such as hadolint.
VENV_BIN = Path(sys.executable).parent

SERVICES = config.SERVICES
# Served by every service for itself: not routed by path alone (see deploy/proxy/nginx.conf).
PER_SERVICE_PATHS = ("/healthz", "/readyz", "/metrics", "/api/v1/openapi.json")
# Read by `python -m services import` on a clerk's own machine, never by a service.
CLIENT_SIDE_VARIABLES = {"GRASSROOTS_TOKEN", "GRASSROOTS_PASSWORD"}
# Set by the image (ENV in deploy/Dockerfile), so compose need not pass it.
IMAGE_VARIABLES = {"VAR_DIR"}


def tool(name):
    """Path of a command-line tool in the virtualenv or on PATH, or None."""
    local = VENV_BIN / name
    return str(local) if local.exists() else shutil.which(name)


def yaml_documents(path):
    """Every non-empty YAML document of a file."""
    return [doc for doc in yaml.safe_load_all(Path(path).read_text()) if doc]


# ── .env.example ─────────────────────────────────────────────────────────────────────────

_ASSIGNMENT = re.compile(r"^(#?)([A-Z][A-Z0-9_]*)=(.*)$")


def env_example_assignments():
    """(name, value, commented) for every `NAME=value` or `#NAME=value` line."""
    found = []
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = _ASSIGNMENT.match(line)
        if match:
            found.append((match.group(2), match.group(3), bool(match.group(1))))
    return found


def env_example_values():
    """The variables .env.example sets (uncommented lines) and their values."""
    return {name: value for name, value, commented in env_example_assignments() if not commented}


def env_example_documented():
    """Every variable .env.example documents, set or commented."""
    return {name for name, _, _ in env_example_assignments()}


# ── compose ──────────────────────────────────────────────────────────────────────────────

_VARIABLE = re.compile(r"\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\})")


class MissingVariableError(ValueError):
    """A `${NAME:?message}` whose variable is unset or empty."""


def interpolate(text, env):
    """Compose's variable substitution: $$, ${X}, ${X-d}, ${X:-d}, ${X?e}, ${X:?e}."""

    def substitute(match):
        """The replacement of one $-expression."""
        escaped, name, operator, argument = match.groups()
        if escaped:
            return "$"
        value = env.get(name)
        missing = value is None or (value == "" and operator and operator.startswith(":"))
        if operator and operator.endswith("?") and missing:
            raise MissingVariableError(f"{name}: {argument}")
        if operator and operator.endswith("-") and missing:
            return argument
        return value or ""

    return _VARIABLE.sub(substitute, text)


def interpolated(node, env):
    """A parsed YAML tree with every string interpolated."""
    if isinstance(node, dict):
        return {key: interpolated(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolated(value, env) for value in node]
    return interpolate(node, env) if isinstance(node, str) else node


def required_variables():
    """Variables compose.yaml refuses to run without (`${NAME:?...}`)."""
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?", COMPOSE_FILE.read_text()))


_MADE_UP = {}


def env_file_for_tests():
    """.env.example, each required variable it leaves empty made up (once per run)."""
    env = env_example_values()
    for name in required_variables():
        if not env.get(name):
            env[name] = _MADE_UP.setdefault(name, "t" + secrets.token_hex(12))
    return env


def compose_raw():
    """compose.yaml as parsed (anchors merged), before interpolation."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose(env=None):
    """compose.yaml interpolated as compose would with a deploy/.env."""
    return interpolated(compose_raw(), env_file_for_tests() if env is None else env)


def app_environment(compose_doc, service):
    """The environment compose gives one of the four services, as strings."""
    environment = compose_doc["services"][service]["environment"]
    return {key: "" if value is None else str(value) for key, value in environment.items()}


# ── what the code reads ──────────────────────────────────────────────────────────────────


class RecordingEnv(dict):
    """An empty environment that remembers every name asked of it."""

    def __init__(self):
        super().__init__()
        self.asked = set()

    def get(self, key, default=None):
        """Remember the name, answer the default."""
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        """Remember the name, then look it up."""
        self.asked.add(key)
        return super().__getitem__(key)


def variables_the_code_reads():
    """Every environment variable services/common/config.py reads for any service."""
    env = RecordingEnv()
    for service in SERVICES:
        config.service_config(service, env)
        config.database_url(service, env)
        config.http_port(service, env)
    config.amqp_uri(env)
    config.var_dir(env)
    return env.asked


_DIRECT_READ = re.compile(
    r"""(?:environ\.get|environ\[|getenv)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")


def direct_environment_reads():
    """{name: files} of environment variables read outside services/common/config.py."""
    found = {}
    for path in sorted((REPO / "services").rglob("*.py")):
        if path.name == "config.py" and path.parent.name == "common":
            continue
        for name in _DIRECT_READ.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(REPO)))
    return found


# ── HTTP routes ──────────────────────────────────────────────────────────────────────────


def declared_routes():
    """(service, method, url) of every @http entrypoint of the four services."""
    from services.registry import service_class

    routes = set()
    for service in SERVICES:
        for _, member in inspect.getmembers(service_class(service)):
            for entrypoint in getattr(member, "nameko_entrypoints", ()):
                if hasattr(entrypoint, "url") and hasattr(entrypoint, "method"):
                    routes.add((service, entrypoint.method, entrypoint.url))
    return sorted(routes)


def public_routes():
    """Declared routes that the proxy must send to their service by path."""
    return [route for route in declared_routes() if route[2] not in PER_SERVICE_PATHS]


def sample_path(url):
    """A concrete path for a werkzeug rule: every <converter:name> becomes `x1`."""
    return re.sub(r"<[^>]+>", "x1", url)


def compose_ports(compose_doc):
    """{service: HTTP port} from the environment compose gives each service."""
    return {service: int(app_environment(compose_doc, service)[f"{service.upper()}_PORT"])
            for service in SERVICES}
