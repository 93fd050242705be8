"""`make run`: check dependencies, migrate every database, run the four services, stop on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

import requests

from services import preflight
from services.common import config
from services.common.migrations import upgrade


def check_dependencies(env):
    """Return the failed verdicts for the broker and every service database."""
    verdicts = [preflight.check_broker(config.amqp_uri(env))]
    verdicts += [preflight.check_database(s, config.database_url(s, env))
                 for s in config.SERVICES]
    return [v for v in verdicts if not v.ok]


def migrate_all(env):
    """Upgrade every service's database to the latest revision."""
    for service in config.SERVICES:
        upgrade(service, config.database_url(service, env))


def spawn(service, env):
    """Start one service as a child process."""
    return subprocess.Popen([sys.executable, "-m", "services", "serve", service], env=env)


def wait_healthy(service, env, process, timeout=60):
    """Wait until a service answers /healthz; False if it died or timed out."""
    url = f"http://127.0.0.1:{config.http_port(service, env)}/healthz"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


def stop_all(processes, grace=15):
    """SIGTERM every child, then SIGKILL any still running after the grace period."""
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes.values():
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(services=config.SERVICES):
    """Run the services until Ctrl-C or until one of them dies; return the exit status."""
    env = dict(os.environ)
    failed = check_dependencies(env)
    for verdict in failed:
        print(f"error: {verdict.detail}", file=sys.stderr)
    if failed:
        return 2
    migrate_all(env)
    processes = {}
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        for service in services:
            processes[service] = spawn(service, env)
        for service in services:
            if not wait_healthy(service, env, processes[service]):
                print(f"error: {service} did not start; see its log above", file=sys.stderr)
                return 1
        print("\nAll services are up:")
        for service in services:
            print(f"  {service:<10} http://localhost:{config.http_port(service, env)}/")
        print("Press Ctrl-C to stop.\n", flush=True)
        while True:
            for service, process in processes.items():
                if process.poll() is not None:
                    print(f"error: {service} exited with status {process.returncode}",
                          file=sys.stderr)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        stop_all(processes)
