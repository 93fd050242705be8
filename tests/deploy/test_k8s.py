"""deploy/k8s: valid against the Kubernetes schemas (offline), the operator resources have
the structure their CRDs require, and the wiring matches the code and the proxy."""

import re
import subprocess
from urllib.parse import urlsplit

import pytest
import yaml

from tests.deploy import support

# Oldest and newest Kubernetes the manifests are checked against.
KUBERNETES_VERSIONS = ("1.30.0", "1.34.0")
CODE_READS = support.variables_the_code_reads()
KUSTOMIZATION = yaml.safe_load((support.K8S_DIR / "kustomization.yaml").read_text())
DOCUMENTS = [doc for name in KUSTOMIZATION["resources"]
             for doc in support.yaml_documents(support.K8S_DIR / name)]
OPERATOR_GROUPS = ("rabbitmq.com/", "postgresql.cnpg.io/")


def of_kind(kind, api_prefix=""):
    """{name: document} of one kind."""
    return {d["metadata"]["name"]: d for d in DOCUMENTS
            if d["kind"] == kind and d["apiVersion"].startswith(api_prefix)}


DEPLOYMENTS = of_kind("Deployment")
CONFIG = of_kind("ConfigMap")["grassroots-config"]["data"]
SECRETS = of_kind("Secret")
RABBIT = of_kind("RabbitmqCluster", "rabbitmq.com/v1beta1")
PG = of_kind("Cluster", "postgresql.cnpg.io/v1")
PG_DATABASES = of_kind("Database", "postgresql.cnpg.io/v1")


def container(service):
    """The one container of a service's Deployment."""
    (only,) = DEPLOYMENTS[service]["spec"]["template"]["spec"]["containers"]
    return only


def plain_env(service):
    """{name: value} of a container's literal env entries."""
    return {e["name"]: e["value"] for e in container(service)["env"] if "value" in e}


def test_kustomization_lists_every_manifest():
    manifests = {p.name for p in support.K8S_DIR.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(KUSTOMIZATION["resources"]) == manifests


def test_kubectl_kustomize_builds_the_manifests():
    kubectl = support.tool("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    result = subprocess.run([kubectl, "kustomize", str(support.K8S_DIR)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    built = [d for d in yaml.safe_load_all(result.stdout) if d]
    assert len(built) == len(DOCUMENTS)
    assert {d["metadata"].get("namespace") for d in built if d["kind"] != "Namespace"} == {
        "grassroots"}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("document", [d for d in DOCUMENTS
                                      if not d["apiVersion"].startswith(OPERATOR_GROUPS)],
                         ids=lambda d: f"{d['kind']}-{d['metadata']['name']}")
def test_manifest_is_valid_against_the_kubernetes_schema(document, version):
    kubernetes_validate = pytest.importorskip(
        "kubernetes_validate", reason="pip install kubernetes-validate")
    kubernetes_validate.validate(document, version, strict=True)


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_runs_several_replicas_of_the_one_image(service):
    deployment = DEPLOYMENTS[service]
    assert deployment["spec"]["replicas"] >= 2
    assert container(service)["args"] == ["serve", service]
    images = {container(s)["image"] for s in support.SERVICES}
    assert len(images) == 1
    image = images.pop()
    assert image.rpartition(":")[0] == KUSTOMIZATION["images"][0]["name"]
    assert not image.endswith(":latest")


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_is_probed_on_readyz_and_healthz(service):
    spec = container(service)
    assert spec["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert spec["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert spec["startupProbe"]["httpGet"]["path"] == "/healthz"
    port = int(plain_env(service)[f"{service.upper()}_PORT"])
    assert spec["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_runs_as_non_root_with_bounded_resources(service):
    pod = DEPLOYMENTS[service]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    spec = container(service)
    assert spec["securityContext"]["allowPrivilegeEscalation"] is False
    assert spec["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert set(spec["resources"]) == {"requests", "limits"}


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_has_a_service_and_a_disruption_budget(service):
    labels = DEPLOYMENTS[service]["spec"]["template"]["metadata"]["labels"]
    selector = of_kind("Service")[service]["spec"]["selector"]
    assert selector.items() <= labels.items()
    assert of_kind("Service")[service]["spec"]["ports"][0]["targetPort"] == "http"
    budget = of_kind("PodDisruptionBudget")[service]["spec"]["selector"]["matchLabels"]
    assert budget.items() <= labels.items()


def test_the_config_map_and_secret_set_only_variables_the_code_reads():
    assert set(CONFIG) - CODE_READS == set()
    assert set(SECRETS["grassroots-secrets"]["stringData"]) - CODE_READS == set()


def test_services_declare_quorum_queues_on_the_rabbitmq_cluster():
    assert CONFIG["QUEUE_TYPE"] == "quorum"
    assert CONFIG["TRUST_FORWARDED_FOR"] == "true" and CONFIG["HTTP_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_deployment_sets_only_variables_the_code_reads_or_builds_urls_from(service):
    env = container(service)["env"]
    referenced = {name for e in env for name in re.findall(r"\$\((\w+)\)", e.get("value", ""))}
    for entry in env:
        assert entry["name"] in CODE_READS or entry["name"] in referenced, entry["name"]
    assert {f"{service.upper()}_PORT", f"{service.upper()}_DATABASE_URL", "AMQP_URI"} <= {
        e["name"] for e in env}


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_reaches_its_own_database_on_the_primary(service):
    url = urlsplit(plain_env(service)[f"{service.upper()}_DATABASE_URL"])
    (cluster,) = PG
    assert (url.hostname, url.port, url.username, url.path) == (
        f"{cluster}-rw", 5432, service, f"/{service}")
    assert url.password == "$(DB_PASSWORD)"
    (password,) = [e for e in container(service)["env"] if e["name"] == "DB_PASSWORD"]
    secret = SECRETS[password["valueFrom"]["secretKeyRef"]["name"]]
    assert secret["type"] == "kubernetes.io/basic-auth"
    assert secret["stringData"]["username"] == service


@pytest.mark.parametrize("service", support.SERVICES)
def test_each_service_reaches_the_broker_with_the_operator_made_user(service):
    (cluster,) = RABBIT
    url = urlsplit(plain_env(service)["AMQP_URI"])
    assert (url.hostname, url.port) == (cluster, 5672)
    refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in container(service)["env"]
            if e["name"].startswith("RABBITMQ_")}
    assert refs == {f"{cluster}-default-user"}


def test_every_secret_a_deployment_uses_is_in_the_manifests_or_made_by_an_operator():
    (cluster,) = RABBIT
    for service in support.SERVICES:
        spec = container(service)
        names = {e["valueFrom"]["secretKeyRef"]["name"] for e in spec["env"] if "valueFrom" in e}
        names |= {s["secretRef"]["name"] for s in spec["envFrom"] if "secretRef" in s}
        assert names - set(SECRETS) == {f"{cluster}-default-user"}


def test_the_rabbitmq_cluster_has_three_nodes_on_a_pinned_management_image():
    ((name, cluster),) = RABBIT.items()
    spec = cluster["spec"]
    assert spec["replicas"] == 3
    assert re.fullmatch(r"rabbitmq:\d+\.\d+\.\d+-management", spec["image"])
    assert spec["persistence"]["storage"]
    compose_image = support.compose()["services"]["rabbitmq"]["image"]
    assert spec["image"] == compose_image


def test_the_postgres_cluster_has_a_primary_and_a_standby_on_a_pinned_image():
    ((name, cluster),) = PG.items()
    spec = cluster["spec"]
    assert spec["instances"] == 2
    assert re.fullmatch(r"ghcr\.io/cloudnative-pg/postgresql:\d+\.\d+", spec["imageName"])
    compose_major = support.compose()["services"]["postgres"]["image"].split(":")[1].split(".")[0]
    assert spec["imageName"].split(":")[1].split(".")[0] == compose_major
    assert spec["storage"]["size"]


def test_every_service_database_is_bootstrapped_and_owned_by_its_own_role():
    ((cluster_name, cluster),) = PG.items()
    initdb = cluster["spec"]["bootstrap"]["initdb"]
    owners = {initdb["database"]: initdb["owner"]}
    role_secrets = {initdb["owner"]: initdb["secret"]["name"]}
    for role in cluster["spec"]["managed"]["roles"]:
        assert role["ensure"] == "present" and role["login"] is True
        role_secrets[role["name"]] = role["passwordSecret"]["name"]
    for database in PG_DATABASES.values():
        assert database["spec"]["cluster"]["name"] == cluster_name
        owners[database["spec"]["name"]] = database["spec"]["owner"]
    assert owners == {service: service for service in support.SERVICES}
    for role, secret in role_secrets.items():
        assert SECRETS[secret]["type"] == "kubernetes.io/basic-auth"
        assert SECRETS[secret]["stringData"]["username"] == role


def test_secrets_hold_placeholders_only():
    for secret in SECRETS.values():
        for key, value in secret["stringData"].items():
            if key != "username" and value:
                assert "CHANGE-ME" in value, f"{secret['metadata']['name']}.{key}"


# ── Ingress: the same routes as the proxy ────────────────────────────────────────────────


def ingress_rules():
    """(path, pathType, service, port name) of every Ingress path on the one host."""
    rules = []
    hosts = set()
    for ingress in of_kind("Ingress").values():
        for rule in ingress["spec"]["rules"]:
            hosts.add(rule["host"])
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                rules.append((path["path"], path["pathType"], backend["name"],
                              backend["port"]["name"]))
    assert len(hosts) == 1
    return rules


def ingress_route(path):
    """The service ingress-nginx sends a path to (Exact, regexes longest first, Prefix)."""
    rules = ingress_rules()
    for rule_path, kind, service, _ in rules:
        if kind == "Exact" and path == rule_path:
            return service
    regexes = sorted((r for r in rules if r[1] == "ImplementationSpecific"),
                     key=lambda r: -len(r[0]))
    for rule_path, _, service, _ in regexes:
        if re.match(rule_path, path, re.IGNORECASE):
            return service
    best = None
    for rule_path, kind, service, _ in rules:
        prefix = rule_path.rstrip("/")
        if kind == "Prefix" and (path == prefix or path.startswith(prefix + "/")) and (
                best is None or len(prefix) > len(best[0])):
            best = (prefix, service)
    return best[1] if best else None


def test_every_ingress_backend_is_a_service_port_of_the_manifests():
    services = of_kind("Service")
    for _, _, service, port in ingress_rules():
        assert port in {p["name"] for p in services[service]["spec"]["ports"]}


@pytest.mark.parametrize(("service", "method", "url"), support.public_routes(),
                         ids=[f"{s}-{m}-{u}" for s, m, u in support.public_routes()])
def test_every_route_reaches_the_service_that_declares_it_through_the_ingress(
        service, method, url):
    assert ingress_route(support.sample_path(url)) == service


@pytest.mark.parametrize("path", support.PER_SERVICE_PATHS)
def test_per_service_paths_stay_inside_the_cluster(path):
    assert ingress_route(path) is None


def test_imports_have_a_larger_body_limit_than_the_rest():
    limits = {}
    for ingress in of_kind("Ingress").values():
        size = ingress["metadata"]["annotations"].get(
            "nginx.ingress.kubernetes.io/proxy-body-size")
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                limits[path["path"]] = size
    assert limits["/api/v1/imports"] == "60m"
    assert limits["/api/v1/feedback"] == "2m"
