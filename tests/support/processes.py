"""The four services as real processes (uvicorn), for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from libs.events.broker import free_port

SERVICES = ("intake", "approval", "supervision", "linkage")
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Cluster:
    """Base URLs of the running services."""

    urls: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def url(self, service: str, path: str) -> str:
        """Absolute URL of `path` on `service`."""
        return self.urls[service] + path


@contextlib.contextmanager
def running_services(
    databases: dict[str, str], *, bootstrap: str, prefix: str, log_dir: Path, env: dict[str, str]
) -> Iterator[Cluster]:
    """Start the services as uvicorn processes; stop them all however the test ends."""
    cluster = Cluster()
    try:
        for service, database_url in databases.items():
            port = free_port()
            child_env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                "KAFKA_TOPIC_PREFIX": prefix,
                "KAFKA_SESSION_TIMEOUT_MS": "1000",
                "KAFKA_HEARTBEAT_INTERVAL_MS": "200",
                **env,
            }
            with (log_dir / f"{service}.log").open("wb") as log:  # the child keeps its own fd
                cmd = [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    f"services.{service}.main:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ]
                cluster.procs[service] = subprocess.Popen(
                    cmd, cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT
                )
            cluster.urls[service] = f"http://127.0.0.1:{port}"
        for service in databases:
            _wait_ready(cluster, service, log_dir)
        yield cluster
    finally:
        for proc in cluster.procs.values():
            proc.terminate()
        for proc in cluster.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_ready(cluster: Cluster, service: str, log_dir: Path, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if cluster.procs[service].poll() is not None:
            break
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(cluster.url(service, "/readyz"), timeout=2).status_code == 200:
                return
        time.sleep(0.1)  # a child process starting: nothing to await on
    log = (log_dir / f"{service}.log").read_text(errors="replace")[-3000:]
    raise AssertionError(f"{service} did not become ready:\n{log}")
