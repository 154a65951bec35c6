"""What must hold once a node has caught up: one state per case everywhere, every event once
in each projection, and each projection equal to a rebuild from the event stores."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass

from tests.chaos.node import Node
from tests.support.processes import ROOT

# The events each case must have exactly once in each store, whatever was retried or redelivered.
ONCE = {
    "intake": ("onewindow.case.submitted.v1", "onewindow.case.accepted.v1"),
    "approval": (
        "onewindow.work.opened.v1",
        "onewindow.case.reviewed.v1",
        "onewindow.case.decided.v1",
        "onewindow.case.decision_issued.v1",
        "onewindow.case.delivered.v1",
    ),
}
REBUILT = ("intake", "approval", "supervision")
PUBLISHERS = ("intake", "approval", "supervision", "linkage")


@dataclass
class Published:
    """The event ids each service published to `case-events`, from its outbox."""

    by_service: dict[str, set[str]]

    @property
    def all(self) -> set[str]:
        """Every published case event."""
        return set().union(*self.by_service.values())


async def _scalar(node: Node, service: str, query: str) -> int:
    conn = await node.db(service)
    try:
        return int(await conn.fetchval(query))
    finally:
        await conn.close()


async def _rows(node: Node, service: str, query: str) -> list[tuple[object, ...]]:
    conn = await node.db(service)
    try:
        return [tuple(r) for r in await conn.fetch(query)]
    finally:
        await conn.close()


async def cases(node: Node) -> int:
    """How many cases intake has."""
    return await _scalar(node, "intake", "SELECT count(*) FROM cases")


async def delivered(node: Node) -> int:
    """How many cases approval delivered a decision for."""
    return await _scalar(
        node, "approval", "SELECT count(*) FROM events WHERE type = 'onewindow.case.delivered.v1'"
    )


async def events_of(node: Node, service: str, stream: str, type_name: str) -> int:
    """How many events of one type a stream has in a service's store."""
    conn = await node.db(service)
    try:
        query = "SELECT count(*) FROM events WHERE stream_id = $1 AND type = $2"
        return int(await conn.fetchval(query, stream, type_name))
    finally:
        await conn.close()


async def published(node: Node) -> Published:
    """What each service's outbox holds for the case-events topic."""
    topic = f"{node.prefix}case-events"
    found = {}
    for service in PUBLISHERS:
        rows = await _rows(node, service, f"SELECT event_id FROM outbox WHERE topic = '{topic}'")
        found[service] = {str(r[0]) for r in rows}
    return Published(found)


async def backlog(node: Node) -> dict[str, int]:
    """Outbox rows not yet acknowledged by the broker, per service."""
    return {
        s: await _scalar(node, s, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
        for s in PUBLISHERS
    }


async def caught_up(node: Node, cases: int, *, skip: str = "") -> str:
    """'' once `cases` cases were delivered and every published event reached every
    projection, else what is still missing."""
    waiting = {k: v for k, v in (await backlog(node)).items() if v}
    if waiting:
        return f"outbox backlog {waiting}"
    done = await delivered(node)
    if done < cases:
        return f"{done} of {cases} cases delivered"
    sent = await published(node)
    inbox = {
        str(r[0])
        for r in await _rows(node, "supervision", "SELECT event_id FROM supervision_inbox")
    }
    parked = await _rows(node, "intake", f"SELECT event_id FROM events WHERE stream_id = '{skip}'")
    if missing := sent.all - inbox - {str(r[0]) for r in parked}:
        return f"{len(missing)} events not yet in supervision's inbox"
    timeline = {
        str(r[0]) for r in await _rows(node, "intake", "SELECT event_id FROM case_timeline")
    }
    if missing := sent.by_service["approval"] - timeline:
        return f"{len(missing)} approval events not yet on intake's timeline"
    return ""


async def wait_caught_up_except(
    node: Node, cases: int, *, parked_stream: str, within: float
) -> None:
    """As `wait_caught_up`, but a parked stream's events are not expected in supervision."""
    loop = asyncio.get_running_loop()
    started, last = loop.time(), ""
    while loop.time() - started < within:
        last = await caught_up(node, cases, skip=parked_stream)
        if not last:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"not caught up within {within:.0f}s: {last}")


async def wait_caught_up(node: Node, cases: int, *, within: float) -> float:
    """Poll `caught_up` until it holds; returns the seconds it took."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    last = ""
    while loop.time() - started < within:
        last = await caught_up(node, cases)
        if not last:
            return loop.time() - started
        await asyncio.sleep(0.5)
    raise AssertionError(f"not caught up within {within:.0f}s: {last}")


async def each_event_once(node: Node, case_ids: set[str]) -> dict[str, int]:
    """Each case's events exactly once in its store; each published event once in the
    inbox and on the timeline; returns the counts per store."""
    counts: dict[str, int] = {}
    for service, types in ONCE.items():
        listed = ", ".join(f"'{t}'" for t in types)
        rows = await _rows(
            node, service, f"SELECT stream_id, type FROM events WHERE type IN ({listed})"
        )
        per_case = Counter((str(stream), str(kind)) for stream, kind in rows)
        wrong = {k: n for k, n in per_case.items() if n != 1}
        assert not wrong, f"{service}: events not exactly once: {list(wrong.items())[:5]}"
        streams = {stream for stream, _ in per_case}
        assert streams == case_ids, f"{service}: {len(case_ids ^ streams)} cases differ"
        assert len(per_case) == len(case_ids) * len(types)
        counts[service] = len(rows)
    counts.update(await each_published_once(node))
    return counts


async def each_published_once(node: Node) -> dict[str, int]:
    """Every published case event exactly once in supervision's inbox, and every approval
    event once on intake's timeline; returns their sizes."""
    counts: dict[str, int] = {}
    sent = await published(node)
    inbox = await _rows(node, "supervision", "SELECT event_id FROM supervision_inbox")
    got = Counter(str(r[0]) for r in inbox)
    if got != Counter(sent.all):
        where = await _describe(node, set(got) ^ sent.all)
        raise AssertionError(f"inbox {len(got)} != published {len(sent.all)}: {where}")
    timeline = await _rows(node, "intake", "SELECT event_id FROM case_timeline")
    theirs = Counter(str(r[0]) for r in timeline)
    assert all(theirs[e] == 1 for e in sent.by_service["approval"]), "timeline misses events"
    assert max(theirs.values(), default=1) == 1
    counts["supervision inbox"] = len(inbox)
    counts["intake timeline"] = len(timeline)
    return counts


async def _describe(node: Node, event_ids: set[str]) -> list[tuple[object, ...]]:
    """Where the given events are: service, type and subject."""
    found: list[tuple[object, ...]] = []
    for service in PUBLISHERS:
        for event_id in sorted(event_ids)[:10]:
            found += [
                (service, *r)
                for r in await _rows(
                    node,
                    service,
                    f"SELECT type, stream_id FROM events WHERE event_id = '{event_id}'",
                )
            ]
    return found


async def same_state_everywhere(node: Node, cases: dict[str, str]) -> Counter[str]:
    """Every case decided the same way in intake, approval and supervision."""
    intake = dict(await _rows(node, "intake", "SELECT case_id, outcome FROM cases"))
    approval = {
        str(stream): str(data)
        for stream, data in await _rows(
            node,
            "approval",
            "SELECT stream_id, data->>'decision' FROM events"
            " WHERE type = 'onewindow.case.decided.v1'",
        )
    }
    supervision = dict(
        await _rows(node, "supervision", "SELECT case_id, decision FROM supervised_cases")
    )
    states: Counter[str] = Counter()
    for case_id in cases:
        seen = (intake.get(case_id), approval.get(case_id), supervision.get(case_id))
        assert len(set(seen)) == 1 and seen[0] is not None, f"{case_id}: {seen}"
        states[str(seen[0])] += 1
    numbers = dict(await _rows(node, "intake", "SELECT case_id, case_no FROM cases"))
    assert all(numbers.get(c) == no for c, no in cases.items()), "a 2xx case number was lost"
    return states


def onewindow(node: Node, service: str, *args: str) -> str:
    """Run the `onewindow` command on a service's database; returns its output."""
    done = subprocess.run(
        [sys.executable, "-m", "services.cli", *args],
        cwd=ROOT,
        env={**node.services[service].env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def projections_equal_rebuilds(node: Node) -> list[str]:
    """Each service's projection against a rebuild from its event store (dry runs)."""
    said = []
    for service in REBUILT:
        out = onewindow(node, service, service, "rebuild", "--dry-run")
        assert "identical to the projection before" in out, f"{service}: {out}"
        said.append(f"{service}: {out.strip().splitlines()[0].removeprefix(service + ': ')}")
    return said
