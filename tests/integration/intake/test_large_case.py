"""Resource abuse (OWASP API4): a case of 10,000 events is read with bounded memory and time."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from libs.events.contract import CaseSupplemented, CaseSupplementRequested
from libs.events.registry import Event
from tests.integration.intake.harness import CLERK, Intake

pytestmark = pytest.mark.integration

EVENTS = 10_000
PEAK_MIB = 96  # what one read of the case may allocate at most, the fold of every event included


def rss_mib() -> float:
    """This process's resident memory (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


async def test_a_case_of_ten_thousand_events_reads_in_bounded_memory(intake: Intake) -> None:
    await intake.publish_item()
    case = await intake.submit(["APP"])
    case_id, store = case["case_id"], intake.runtime.store
    common = {"case_id": case_id, "center": "350500"}
    version = 2  # case.submitted, case.supplement_requested
    while version < EVENTS:
        batch: list[Event] = []
        for n in range(version, min(version + 500, EVENTS)):
            if n % 2 == 0:
                batch.append(CaseSupplemented(**common, materials=[], missing=["LIC", "LAY"]))
            else:
                batch.append(CaseSupplementRequested(**common, missing=["LIC"], notice_no=n))
        async with intake.runtime.engine.begin() as conn:
            await store.append(conn, case_id, version, batch, publish=False)
        version += len(batch)
    before = rss_mib()
    tracemalloc.start()
    started = time.monotonic()
    try:
        read = await intake.http.get(f"/v1/cases/{case_id}", headers=CLERK)
        took = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read.status_code == 200, read.text
    assert read.json()["case_id"] == case_id
    growth = rss_mib() - before
    print(
        f"\n{EVENTS} events: read in {took:.1f} s (traced), peak {peak / 2**20:.1f} MiB"
        f" allocated, RSS {before:.0f} -> {before + growth:.0f} MiB"
    )
    assert peak < PEAK_MIB * 2**20
