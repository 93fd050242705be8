"""All four services as processes, one or more replicas each, that a test can SIGKILL and
restart. Each process logs to a file of its own (printed when a scenario fails)."""

import subprocess
import sys
import time

from services.common.config import SERVICES
from services.launcher import wait_healthy
from tests.support.mail import free_port


class FaultCluster:
    """Replicas of the four services sharing one environment (broker, databases, SMTP)."""

    def __init__(self, env, log_dir, replicas=1):
        self.env = env
        self.log_dir = log_dir
        self.replicas = replicas
        self.ports = {(service, replica): free_port()
                      for service in SERVICES for replica in range(replicas)}
        self.processes = {}

    def replica_env(self, service, replica):
        """The environment of one replica: the shared one with its own HTTP port."""
        return {**self.env, f"{service.upper()}_PORT": str(self.ports[service, replica])}

    def url(self, service, path="", replica=0):
        """Absolute URL of a path on one replica of a service."""
        return f"http://127.0.0.1:{self.ports[service, replica]}{path}"

    def urls(self, service):
        """Base URLs of every replica of a service."""
        return [self.url(service, replica=r) for r in range(self.replicas)]

    def _spawn(self, service, replica):
        log = open(self.log_dir / f"{service}-{replica}.log", "ab")  # noqa: SIM115 - the child keeps it
        process = subprocess.Popen([sys.executable, "-m", "services", "serve", service],
                                   env=self.replica_env(service, replica),
                                   stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.processes[service, replica] = process
        return process

    def _wait_healthy(self, service, replica):
        process = self.processes[service, replica]
        if not wait_healthy(service, self.replica_env(service, replica), process, timeout=90):
            raise RuntimeError(f"{service} replica {replica} did not become healthy; "
                               f"see {self.log_dir / f'{service}-{replica}.log'}")

    def start(self):
        """Start every replica of every service and wait until each answers /healthz."""
        for key in self.ports:
            self._spawn(*key)
        for key in self.ports:
            self._wait_healthy(*key)
        return self

    def kill(self, service, replica=0):
        """SIGKILL one replica (no goodbye: in-flight work and unacked messages are cut)."""
        process = self.processes[service, replica]
        process.kill()
        process.wait()

    def restart(self, service, replica=0):
        """Start a killed replica again; return the seconds until it was healthy."""
        began = time.monotonic()
        self._spawn(service, replica)
        self._wait_healthy(service, replica)
        return time.monotonic() - began

    def stop(self):
        """SIGTERM every replica, SIGKILL what does not stop in time."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_tail(self, lines=15):
        """The last lines of every replica's log, for a failure message."""
        parts = []
        for service, replica in self.ports:
            path = self.log_dir / f"{service}-{replica}.log"
            text = path.read_text(errors="replace").splitlines() if path.exists() else []
            parts.append(f"--- {path.name}\n" + "\n".join(text[-lines:]))
        return "\n".join(parts)
