"""`make run-multi`: three centers on one machine, linked, each its own broker and SQLite files.

    city      350500     ports 8001-8004, broker 127.0.0.1:9092
    county    350521     ports 8101-8104, broker 127.0.0.1:9192, parent 350500
    township  350521100  ports 8201-8204, broker 127.0.0.1:9292, parent 350521

Everything of a center lives under var/<center>/ (databases, seal keys, link key, logs). The
catalogues are seeded so that reported items (上报件) of the county are decided by the city and
those of the township by the county. Ctrl-C stops all of it. Reuses scripts/run.py's machinery.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (scripts/run.py: spawning, signals, readiness, stopping)
from run import HOST, ROOT, VAR, Child, Failed, Stop  # noqa: E402

from libs.events.broker import BrokerError, TansuBroker  # noqa: E402

SERVICE_NAMES = ("intake", "approval", "supervision", "linkage")


@dataclass(frozen=True)
class Center:
    code: str
    name: str
    parent: str
    base_port: int  # intake on base+1 … linkage on base+4
    broker_port: int

    @property
    def var(self) -> Path:
        return VAR / self.code

    def port(self, service: str) -> int:
        return self.base_port + SERVICE_NAMES.index(service) + 1


CENTERS = (
    Center("350500", "泉州市政务服务中心", "", 8000, 9092),
    Center("350521", "惠安县政务服务中心", "350500", 8100, 9192),
    Center("350521100", "螺城镇便民服务中心", "350521", 8200, 9292),
)
BY_CODE = {c.code: c for c in CENTERS}


def departments() -> list[str]:
    """Every department of the seed catalogue (each gets a seal key at every center)."""
    from services.intake.application.seed_catalog import seed_items

    return sorted({spec.department for _, spec in seed_items("350521", "350500")})


def keys() -> tuple[dict[str, str], dict[str, str]]:
    """Make the centers' link and seal keys once; their public halves, for every node."""
    from services.approval.adapters.seals import SealKeys
    from services.linkage.adapters.keys import public_pem, signing_key

    link, seals = {}, {}
    for center in CENTERS:
        key = signing_key("", center.var / "link.pem", generate=True)
        link[center.code] = public_pem(key.public_key())
        made = SealKeys(configured={}, directory=center.var / "seals", generate=True)
        for department in departments():
            seals[f"{center.code}/{department}"] = made.key_for(department).public_pem
    return link, seals


def node_env(center: Center, link: dict[str, str], seals: dict[str, str]) -> dict[str, str]:
    """The environment of one center's four services."""
    env = dict(
        os.environ,
        PYTHONUNBUFFERED="1",
        CENTER_CODE=center.code,
        CENTER_NAME=center.name,
        PARENT_CENTER=center.parent,
        KAFKA_BOOTSTRAP_SERVERS=f"{HOST}:{center.broker_port}",
        KAFKA_TOPIC_PREFIX="",
        SEAL_KEYS_DIR=str(center.var / "seals"),
        SEAL_PUBLIC_KEYS=json.dumps(seals),
        NOTIFY_SINK_FILE=str(center.var / "notices.jsonl"),
        LINK_SIGNING_KEY_FILE=str(center.var / "link.pem"),
        LINK_PUBLIC_KEYS=json.dumps(link),
        CENTERS=json.dumps({c.code: {"name": c.name, "parent": c.parent} for c in CENTERS}),
    )
    if center.parent:
        parent = BY_CODE[center.parent]
        env["PARENT_KAFKA_BOOTSTRAP_SERVERS"] = f"{HOST}:{parent.broker_port}"
        env["PARENT_KAFKA_TOPIC_PREFIX"] = ""
    for name in SERVICE_NAMES:
        env[f"{name.upper()}_DATABASE_URL"] = f"sqlite:///{center.var / name}.db"
    return env


def wait_ready(children: list[Child], ports: dict[str, int], brokers: list[TansuBroker]) -> None:
    deadline = time.monotonic() + run.READY_TIMEOUT * 2
    waiting = set(ports)
    while waiting:
        check(children, brokers)
        waiting = {name for name in waiting if not run.is_ready(ports[name])}
        if waiting and time.monotonic() > deadline:
            raise Failed(f"not ready in time: {', '.join(sorted(waiting))}")
        if waiting:
            time.sleep(0.3)


def check(children: list[Child], brokers: list[TansuBroker]) -> None:
    run.checkpoint(children, None)
    for broker in brokers:
        if not broker.running:
            raise Failed(f"a broker stopped unexpectedly (log: {broker.log})")


def banner() -> str:
    rows = ["onewindow: three linked centers are running (Tansu brokers, in memory)"]
    for c in CENTERS:
        parent = f", parent {c.parent}" if c.parent else ""
        rows.append(f"  {c.code} {c.name}: broker {HOST}:{c.broker_port}{parent}")
        rows += [f"    {s:<12} http://{HOST}:{c.port(s)}" for s in SERVICE_NAMES]
    rows += [
        "  walk-through: README.md, 'Several centers on one machine'",
        "Ctrl-C stops everything.",
    ]
    return "\n".join(rows)


def start(children: list[Child], brokers: list[TansuBroker]) -> int:
    busy = [c.port(s) for c in CENTERS for s in SERVICE_NAMES if run.port_in_use(c.port(s))]
    busy += [c.broker_port for c in CENTERS if run.port_in_use(c.broker_port)]
    if busy:
        raise Failed(f"port(s) {busy} already in use: is another `make run` running?")
    for center in CENTERS:
        (center.var / "log").mkdir(parents=True, exist_ok=True)
    link, seals = keys()
    ports: dict[str, int] = {}
    for center in CENTERS:
        broker = TansuBroker(
            port=center.broker_port, host=HOST, log=center.var / "log" / "broker.log"
        )
        brokers.append(broker)
        broker.start()
        env = node_env(center, link, seals)
        run.seed(env)
        for name in SERVICE_NAMES:
            check(children, brokers)
            child = run.start_service(name, center.port(name), env, center.var / "log")
            children.append(Child(f"{center.code}/{name}", child.process, child.log))
            ports[f"{center.code}/{name}"] = center.port(name)
    wait_ready(children, ports, brokers)
    print(banner(), flush=True)
    while True:
        check(children, brokers)
        time.sleep(0.5)


def main() -> int:
    for sig in run.SIGNALS:
        signal.signal(sig, run._on_signal)
    children: list[Child] = []
    brokers: list[TansuBroker] = []
    try:
        return start(children, brokers)
    except Stop as stop:
        print(f"\n{stop}: stopping")
        return 0
    except (Failed, BrokerError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        for sig in run.SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        run.stop_all(children, None)
        for broker in brokers:
            broker.stop(run.STOP_TIMEOUT)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
