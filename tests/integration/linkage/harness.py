"""Nodes of several centers, each with its own broker process and databases.

Intake, approval and supervision run in the test's process; linkage runs as a real process
(uvicorn), so a test can SIGKILL and restart it. Centers sign their links with keys made here.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI

from libs.events.broker import TansuBroker, free_port
from libs.events.calendar import WorkCalendar
from libs.events.envelope import Envelope
from services.approval.adapters.notifier import LocalSink
from services.approval.config import Settings as ApprovalSettings
from services.approval.main import create as create_approval
from services.intake.config import Settings as IntakeSettings
from services.intake.main import create as create_intake
from services.linkage.adapters.keys import LinkKeys, private_pem, public_pem
from services.linkage.adapters.records import signed_row
from services.supervision.config import Center
from services.supervision.config import Settings as SupervisionSettings
from services.supervision.main import create as create_supervision
from tests.support.polling import eventually
from tests.support.services import bearer

ROOT = Path(__file__).resolve().parents[3]
CITY, COUNTY, TOWN = "350500", "350521", "350521100"
NAMES = {CITY: "泉州市政务服务中心", COUNTY: "惠安县政务服务中心", TOWN: "螺城镇便民服务中心"}
PARENTS = {CITY: "", COUNTY: CITY, TOWN: COUNTY}
DEPT = "EPB"
ITEM_CODE = "EPB-REPORTED-01"
ITEM: dict[str, Any] = {
    "name": "建设项目环境影响评价文件审批",
    "department": DEPT,
    "kind": "reported",
    "decided_by_center": CITY,
    "legal_limit_days": 20,
    "promised_limit_days": 15,
    "materials": [
        {"code": "APP", "name": "环评审批申请书", "required": True, "key": True},
        {"code": "EIA", "name": "环境影响报告书", "required": True, "key": True},
    ],
}
APPLICANT = {
    "name": "张三丰",
    "id_type": "resident",
    "id_no": "11010519491231002X",
    "phone": "13800001234",
}
LINK_KEYS = {code: Ed25519PrivateKey.generate() for code in NAMES}
SEAL_KEY = Ed25519PrivateKey.generate()  # the city's 环保局 seal


def staff(role: str, center: str, sub: str = "") -> dict[str, str]:
    """A bearer header of the department's staff at a center."""
    return bearer(role, sub=sub or f"{role}-{center}", center=center, department=DEPT)


@dataclass
class Linkage:
    """The linkage service of a node, as a process that can be killed and started again."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Start uvicorn and wait until /readyz answers 200."""
        self.spawn()
        await eventually(self._ready, within=60, interval=0.2)

    def spawn(self) -> None:
        """The uvicorn process, logging to `log`."""
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "services.linkage.main:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def _ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(self.log.read_text(errors="replace")[-3000:])
        with contextlib.suppress(httpx.HTTPError):
            async with httpx.AsyncClient() as http:
                return (await http.get(f"{self.url}/readyz", timeout=2)).status_code == 200
        return False

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, nothing committed after this instant."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    async def links(self) -> dict[str, dict[str, Any]]:
        """`GET /v1/links` by center."""
        async with httpx.AsyncClient() as http:
            response = await http.get(
                f"{self.url}/v1/links", headers=bearer("admin", center=""), timeout=5
            )
        assert response.status_code == 200, response.text
        return {link["center"]: link for link in response.json()}


@dataclass
class Node:
    """One center: its broker, its in-process services and its linkage process."""

    center: str
    broker: TansuBroker
    prefix: str
    http: dict[str, httpx.AsyncClient]
    apps: dict[str, FastAPI]
    linkage: Linkage

    @property
    def sink(self) -> LocalSink:
        """The notices approval sent to applicants."""
        sink = self.apps["approval"].state.approval.notifier
        assert isinstance(sink, LocalSink)
        return sink


def common(center: str, broker: TansuBroker, prefix: str) -> dict[str, Any]:
    return {
        "kafka_bootstrap_servers": broker.bootstrap,
        "kafka_topic_prefix": prefix,
        "kafka_session_timeout_ms": 1000,
        "kafka_heartbeat_interval_ms": 200,
        "center_code": center,
        "parent_center": PARENTS[center],
    }


def linkage_env(
    center: str, broker: TansuBroker, prefix: str, database_url: str, parent: Node | None
) -> dict[str, str]:
    """The environment of a linkage process (as an operator would configure it)."""
    env = {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
        "KAFKA_TOPIC_PREFIX": prefix,
        "KAFKA_SESSION_TIMEOUT_MS": "1000",
        "KAFKA_HEARTBEAT_INTERVAL_MS": "200",
        "CENTER_CODE": center,
        "CENTER_NAME": NAMES[center],
        "PARENT_CENTER": PARENTS[center],
        "LINK_SIGNING_KEY": private_pem(LINK_KEYS[center]),
        "LINK_PUBLIC_KEYS": json.dumps(
            {code: public_pem(key.public_key()) for code, key in LINK_KEYS.items()}
        ),
        "LINK_HEARTBEAT_SECONDS": "0.5",
        "LINK_DOWN_AFTER_SECONDS": "2",
        "LINK_ALERT_AFTER_SECONDS": "3",
        "LINK_CHECK_SECONDS": "0.5",
    }
    if parent is not None:
        same_cluster = parent.broker is broker
        env["PARENT_KAFKA_BOOTSTRAP_SERVERS"] = "" if same_cluster else parent.broker.bootstrap
        env["PARENT_KAFKA_TOPIC_PREFIX"] = parent.prefix
    return env


@contextlib.asynccontextmanager
async def node(
    center: str,
    databases: Any,
    log_dir: Path,
    *,
    parent: Node | None = None,
    broker: TansuBroker | None = None,
    prefix: str = "",
) -> AsyncIterator[Node]:
    """A running node; with `broker` it shares that cluster (then `prefix` tells it apart)."""
    async with contextlib.AsyncExitStack() as stack:
        if broker is None:
            broker = stack.enter_context(TansuBroker())
        base = common(center, broker, prefix)
        apps = {
            "intake": create_intake(
                IntakeSettings(
                    database_url=await databases.create("intake"), center_name=NAMES[center], **base
                )
            ),
            "approval": create_approval(
                _approval_settings(base, await databases.create("approval"), log_dir, center),
                notifier=LocalSink(),
            ),
            "supervision": create_supervision(
                SupervisionSettings(
                    database_url=await databases.create("supervision"),
                    centers={c: Center(name=NAMES[c], parent=PARENTS[c]) for c in NAMES},
                    **base,
                )
            ),
        }
        http = {}
        for name, app in apps.items():
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            http[name] = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30)
            )
        env = linkage_env(center, broker, prefix, await databases.create("linkage"), parent)
        linkage = Linkage(env, log_dir / f"linkage-{center}.log")
        stack.callback(linkage.stop)
        await linkage.start()
        for name in apps:
            await eventually(lambda n=name: _ready(http[n]), within=60)
        yield Node(center, broker, prefix, http, apps, linkage)


def _approval_settings(
    base: dict[str, Any], url: str, log_dir: Path, center: str
) -> ApprovalSettings:
    seal = {"seal_keys": {DEPT: private_pem(SEAL_KEY)}} if center == CITY else {}
    return ApprovalSettings(
        database_url=url,
        seal_keys_dir=str(log_dir / f"seals-{center}"),
        seal_public_keys={f"{CITY}/{DEPT}": public_pem(SEAL_KEY.public_key())},
        delivery_poll_seconds=0.5,  # a notice waits at most this long: plenty here
        delivery_backoff_seconds=0.05,
        **seal,
        **base,
    )


async def _ready(http: httpx.AsyncClient) -> bool:
    return (await http.get("/readyz")).status_code == 200


async def publish_item(accepting: Node) -> None:
    """The reported item, as the accepting center's catalogue lists it (decided by the city)."""
    response = await accepting.http["intake"].put(
        f"/v1/catalog/items/{ITEM_CODE}",
        json=ITEM,
        headers=bearer("admin", center=accepting.center),
    )
    assert response.status_code in (200, 201), response.text


async def accept_case(accepting: Node) -> str:
    """A complete reported case received and accepted at the window; its case id."""
    clerk = staff("clerk", accepting.center)
    created = await accepting.http["intake"].post(
        "/v1/cases",
        json={
            "item_code": ITEM_CODE,
            "applicant": APPLICANT,
            "materials": ["APP", "EIA"],
            "channel": "window",
        },
        headers=clerk,
    )
    assert created.status_code == 201, created.text
    case_id: str = created.json()["case_id"]
    accepted = await accepting.http["intake"].post(
        f"/v1/cases/{case_id}/accept", json={}, headers=clerk
    )
    assert accepted.status_code == 200, accepted.text
    return case_id


async def work(at: Node, case_id: str) -> dict[str, Any] | None:
    """The case as approval at that center holds it (None until it is there)."""
    response = await at.http["approval"].get(
        f"/v1/cases/{case_id}", headers=staff("reviewer", at.center)
    )
    return response.json() if response.status_code == 200 else None


async def pre_review(accepting: Node, case_id: str, *, wait: bool = False) -> None:
    """初审 at the accepting center: the reported case goes up (`wait`: until it is work)."""
    if wait:
        await eventually(lambda: work(accepting, case_id), within=60)
    reviewed = await accepting.http["approval"].post(
        f"/v1/cases/{case_id}/review",
        json={"opinion": "approve", "comment": "初审同意上报"},
        headers=staff("reviewer", accepting.center),
    )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["status"] == "escalated"


async def decide_above(deciding: Node, case_id: str) -> None:
    """一审一核 at the deciding center: a reviewer's opinion, then another person decides."""
    review = await deciding.http["approval"].post(
        f"/v1/cases/{case_id}/review",
        json={"opinion": "approve", "comment": "同意"},
        headers=staff("reviewer", deciding.center, "city-rev"),
    )
    assert review.status_code == 200, review.text
    decided = await deciding.http["approval"].post(
        f"/v1/cases/{case_id}/decide",
        json={"decision": "approved", "reasons": "符合审批条件"},
        headers=staff("approver", deciding.center, "city-app"),
    )
    assert decided.status_code == 200, decided.text


async def worklist(at: Node) -> list[dict[str, Any]]:
    """The department's open work at that center, every page of it."""
    items: list[dict[str, Any]] = []
    params = {"limit": "200"}
    while True:
        response = await at.http["approval"].get(
            "/v1/worklist", params=params, headers=staff("reviewer", at.center)
        )
        assert response.status_code == 200, response.text
        items += response.json()
        if "Next-Cursor" not in response.headers:
            return items
        params["cursor"] = response.headers["Next-Cursor"]


def signed_message(
    env: Envelope, *, sender: str, key: Ed25519PrivateKey
) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
    """A Kafka record as the linkage of `sender` signs it (with `key`, genuine or not)."""
    keys = LinkKeys(center=sender, private=key, public={})
    row = signed_row(env, topic="", keys=keys)
    headers = [(name, raw.encode()) for name, raw in row["headers"]]
    return row["key"].encode(), headers, row["value"]


async def send_raw(
    bootstrap: str, topic: str, record: tuple[bytes, list[tuple[str, bytes]], bytes]
) -> None:
    """Publish one record as it is."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        key, headers, value = record
        await producer.send_and_wait(topic, key=key, value=value, headers=headers)
    finally:
        await producer.stop()


def escalated_v1(case_id: str, *, center: str = COUNTY, to_center: str = CITY) -> Envelope:
    """`case.escalated` as a node still on v1 of the type emits it (an unmasked applicant name)."""
    now = datetime.now(UTC)
    deadline = WorkCalendar().deadline(now, 15)
    return Envelope(
        type="onewindow.case.escalated.v1",
        source=f"/centers/{center}/approval",
        subject=case_id,
        center=center,
        sequence=1,
        data={
            "case_id": case_id,
            "center": center,
            "to_center": to_center,
            "escalated_at": now.isoformat(),
            "item_code": ITEM_CODE,
            "department": DEPT,
            "case_no": f"{center}-{case_id}",
            "item_version": 1,
            "item_name": ITEM["name"],
            "kind": "reported",
            "accepted_at": now.isoformat(),
            "limit_days": 15,
            "deadline": deadline.at.isoformat(),
            "due_day": deadline.due_day.isoformat(),
            "applicant_name": "王五",
            "opinion": "approve",
        },
    )


def new_case_id() -> str:
    """A fresh case id (as intake makes them)."""
    return str(uuid.uuid4())
