"""`make run`: the broker, the four services on SQLite under var/, until Ctrl-C.

Environment: KAFKA_BOOTSTRAP_SERVERS (an existing broker; otherwise Tansu starts on
127.0.0.1:9092), CENTER_CODE (default 350500), INTAKE_DATABASE_URL, APPROVAL_DATABASE_URL,
SUPERVISION_DATABASE_URL, LINKAGE_DATABASE_URL (default sqlite under var/). Everything else
in the environment (KAFKA_TOPIC_PREFIX, AUTH_MODE, ...) is passed on to the services.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from libs.events.broker import BrokerError, TansuBroker  # noqa: E402

HOST = "127.0.0.1"
BROKER_PORT = 9092
SERVICES = {"intake": 8001, "approval": 8002, "supervision": 8003, "linkage": 8004}
READY_TIMEOUT = 90.0
STOP_TIMEOUT = 5.0
VAR = ROOT / "var"
LOGS = VAR / "log"
SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Stop(Exception):
    """SIGINT or SIGTERM arrived: stop everything and exit 0."""


class Failed(Exception):
    """Something did not start, or died: stop everything and exit 1."""


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path


# The handler only records the signal: raising from it could interrupt a spawn half-way and
# leave a process nobody tracks. Every wait loop calls `checkpoint`, which acts on it.
received: list[str] = []


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    received.append(signal.Signals(signum).name)


def port_in_use(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.2):
            return True
    except OSError:
        return False


# The demonstration centers' names, named by `onewindow seed` unless CENTER_NAME says otherwise.
DEMO_CENTER_NAMES = {
    "350500": "泉州市行政服务中心",
    "350521": "惠安县行政服务中心",
    "350521100": "螺城镇便民服务中心",
}


def service_env(bootstrap: str, center: str) -> dict[str, str]:
    """The environment shared by the services (and the seed command)."""
    env = dict(os.environ, KAFKA_BOOTSTRAP_SERVERS=bootstrap, CENTER_CODE=center)
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("CENTER_NAME", DEMO_CENTER_NAMES.get(center, ""))
    for name in SERVICES:
        key = f"{name.upper()}_DATABASE_URL"
        env[key] = os.environ.get(key) or f"sqlite:///{VAR / name}.db"
    return env


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def seed(env: dict[str, str]) -> None:
    """Run `onewindow seed` once if the CLI has that subcommand; it decides what to do."""
    cli = [
        sys.executable,
        "-c",
        "import sys; from services.cli import main; sys.exit(main())",
        "seed",
    ]
    # The catalogue lives in intake's database.
    seed_env = dict(env, DATABASE_URL=env["INTAKE_DATABASE_URL"])
    probe = subprocess.run(
        [*cli, "--help"], cwd=ROOT, env=seed_env, capture_output=True, stdin=subprocess.DEVNULL
    )
    if probe.returncode != 0:
        print("seed: no `onewindow seed` command yet, skipped")
        return
    print("seed: running `onewindow seed`")
    result = subprocess.run(
        cli, cwd=ROOT, env=seed_env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if result.returncode != 0:
        print(f"seed: failed with exit code {result.returncode}:\n{result.stdout}{result.stderr}")


def start_service(name: str, port: int, env: dict[str, str], log_dir: Path = LOGS) -> Child:
    log = log_dir / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        f"services.{name}.main:app",
        "--host",
        HOST,
        "--port",
        str(port),
    ]
    child_env = dict(env, DATABASE_URL=env[f"{name.upper()}_DATABASE_URL"])
    with log.open("wb") as out:
        # Own session and process group: we signal the whole group, uvicorn's workers too.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Child(name, process, log)


def checkpoint(children: list[Child], broker: TansuBroker | None) -> None:
    """Raise Stop if a signal arrived, Failed if the broker or a service died."""
    if received:
        raise Stop(received[0])
    if broker is not None and not broker.running:
        raise Failed(f"the broker stopped unexpectedly (log: {broker.log})")
    for child in children:
        code = child.process.poll()
        if code is not None:
            raise Failed(
                f"{child.name} exited with code {code}; last lines of {child.log}:\n"
                f"{tail(child.log)}"
            )


def is_ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/readyz", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_ready(children: list[Child], broker: TansuBroker | None) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    waiting = {child.name for child in children}
    while waiting:
        checkpoint(children, broker)
        waiting = {name for name in waiting if not is_ready(SERVICES[name])}
        if waiting and time.monotonic() > deadline:
            raise Failed(f"not ready after {READY_TIMEOUT:.0f}s: {', '.join(sorted(waiting))}")
        if waiting:
            time.sleep(0.3)


def signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_all(children: list[Child], broker: TansuBroker | None) -> None:
    """SIGTERM every service's process group, SIGKILL what is left, then stop the broker."""
    for child in children:
        signal_group(child.process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        try:
            child.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{child.name} did not stop in {STOP_TIMEOUT:.0f}s, killing it")
        # Also reaps anything the leader left behind in its group.
        signal_group(child.process, signal.SIGKILL)
        child.process.wait()
    if broker is not None:
        broker.stop(STOP_TIMEOUT)


def banner(bootstrap: str, center: str, started_broker: bool) -> str:
    cli = Path(sys.executable).parent / "onewindow"
    cli_text = "onewindow"
    if cli.exists():
        cli_text = str(cli.relative_to(Path.cwd()) if cli.is_relative_to(Path.cwd()) else cli)
    rows = [f"onewindow is running: center {center}, broker {bootstrap}"]
    if started_broker:
        rows[0] += " (Tansu, in memory)"
    for name, port in SERVICES.items():
        base = f"http://{HOST}:{port}"
        rows.append(f"  {name:<12} {base:<24} API docs {base}/docs")
    rows += [
        f"  dashboard    http://{HOST}:{SERVICES['supervision']}/",
        f"  token        {cli_text} token --sub demo --role admin --center {center}",
        f"  logs         {os.path.relpath(LOGS, Path.cwd())}/",
        "Ctrl-C stops everything.",
    ]
    return "\n".join(rows)


def run(children: list[Child], holder: list[TansuBroker]) -> int:
    busy = [port for port in SERVICES.values() if port_in_use(port)]
    if busy:
        raise Failed(f"port(s) {busy} already in use: is another `make run` running?")
    LOGS.mkdir(parents=True, exist_ok=True)
    center = os.environ.get("CENTER_CODE") or "350500"
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "")
    broker: TansuBroker | None = None
    if not bootstrap:
        broker = TansuBroker(port=BROKER_PORT, host=HOST, log=LOGS / "broker.log")
        holder.append(broker)
        broker.start()
        bootstrap = broker.bootstrap
    env = service_env(bootstrap, center)
    seed(env)
    for name, port in SERVICES.items():
        checkpoint(children, broker)
        children.append(start_service(name, port, env))
    wait_ready(children, broker)
    print(banner(bootstrap, center, broker is not None), flush=True)
    while True:
        checkpoint(children, broker)
        time.sleep(0.5)


def main() -> int:
    for sig in SIGNALS:
        signal.signal(sig, _on_signal)
    children: list[Child] = []
    holder: list[TansuBroker] = []
    try:
        return run(children, holder)
    except Stop as stop:
        print(f"\n{stop}: stopping")
        return 0
    except (Failed, BrokerError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        for sig in SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        stop_all(children, holder[0] if holder else None)


if __name__ == "__main__":
    sys.exit(main())
