"""One center's four services as processes on fixed ports, each one killable and restartable,
on a throwaway PostgreSQL cluster and a Tansu broker process of the test's own."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from libs.events.broker import TansuBroker, free_port
from tests.chaos.postgres import ThrowawayCluster
from tests.support.processes import ROOT, SERVICES
from tests.support.services import new_prefix


@dataclass
class Service:
    """A uvicorn process of one service, started again on the same port after a kill."""

    name: str
    port: int
    env: dict[str, str]
    log: Path
    launcher: Sequence[str] = ()  # a fault-injecting wrapper module, else plain uvicorn
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        """The service's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, fault: str = "") -> None:
        """Start the process (with `fault` armed when given); does not wait for readiness."""
        module = ["-m", "tests.chaos.faults", fault] if fault else ["-m", "uvicorn"]
        command = [
            sys.executable,
            *module,
            f"services.{self.name}.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--no-access-log",
        ]
        with self.log.open("ab") as log:
            log.write(f"\n=== start {self.starts + 1} {fault}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, whatever was in flight is cut off."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        """Terminate, then kill after a grace period."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()

    async def wait_ready(self, within: float) -> None:
        """Until `/readyz` answers 200; fail with the log's tail at the deadline."""
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(timeout=3) as http:
            while time.monotonic() < deadline:
                if self.proc is not None and self.proc.poll() is not None:
                    break
                try:
                    if (await http.get(self.url + "/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        tail = self.log.read_text(errors="replace")[-3000:]
        raise AssertionError(f"{self.name} not ready within {within}s:\n{tail}")

    def cpu_seconds(self) -> float:
        """CPU time the running process used (user and system)."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def wait_dead(self) -> int:
        """The exit code of a process that kills itself (an armed fault)."""
        assert self.proc is not None
        return await asyncio.to_thread(self.proc.wait)


@dataclass
class Node:
    """The broker, the cluster and the services; `db(name)` connects to a service's database."""

    postgres: ThrowawayCluster
    broker: TansuBroker
    prefix: str
    services: dict[str, Service] = field(default_factory=dict)

    def url(self, service: str, path: str) -> str:
        """Absolute URL of `path` on `service`."""
        return self.services[service].url + path

    def database_url(self, service: str) -> str:
        """The service's database."""
        return self.postgres.url(f"ow_{service}")

    async def db(self, service: str) -> asyncpg.Connection:
        """A direct connection to the service's database, for checks."""
        return await asyncpg.connect(self.database_url(service))

    async def start(self, names: Sequence[str] = SERVICES, *, within: float) -> None:
        """Start services and wait until each is ready."""
        for name in names:
            self.services[name].start()
        for name in names:
            await self.services[name].wait_ready(within)

    async def restart(self, name: str, *, within: float) -> None:
        """SIGKILL a service and start it again on its port."""
        self.services[name].kill()
        self.services[name].start()
        await self.services[name].wait_ready(within)

    def stop(self) -> None:
        """Stop every service process."""
        for service in self.services.values():
            service.stop()


async def _create_databases(cluster: ThrowawayCluster, names: Sequence[str]) -> None:
    conn = await asyncpg.connect(cluster.url())
    try:
        for name in names:
            await conn.execute(f'CREATE DATABASE "ow_{name}"')
    finally:
        await conn.close()


async def make_node(tmp: Path, *, env: dict[str, str] | None = None) -> Node:
    """Create the cluster, its databases and the broker; services are configured, not started."""
    cluster = ThrowawayCluster()
    cluster.create()
    cluster.start()
    await _create_databases(cluster, SERVICES)
    broker = TansuBroker(log=tmp / "broker.log")
    broker.start()
    node = Node(postgres=cluster, broker=broker, prefix=new_prefix())
    for name in SERVICES:
        child_env = {
            **os.environ,
            "DATABASE_URL": node.database_url(name),
            "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
            "KAFKA_TOPIC_PREFIX": node.prefix,
            "KAFKA_SESSION_TIMEOUT_MS": "3000",
            "KAFKA_HEARTBEAT_INTERVAL_MS": "500",
            "CENTER_CODE": "350500",
            "SEAL_KEYS_DIR": str(tmp / "seals"),
            "NOTIFY_SINK_FILE": str(tmp / "notices.jsonl"),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        node.services[name] = Service(name, free_port(), child_env, tmp / f"{name}.log")
    return node


def destroy(node: Node) -> None:
    """Stop everything the node started, however the test ended."""
    if node.broker.process is not None:
        node.broker.process.send_signal(signal.SIGCONT)  # a stopped broker cannot terminate
    node.stop()
    node.broker.stop()
    node.postgres.destroy()
