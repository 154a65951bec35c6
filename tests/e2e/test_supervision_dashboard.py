"""The supervision dashboard in real headless Chromium: it loads, a case turning red appears
without a reload (Server-Sent Events), the trend chart shows today's value, an online submission
about to count as accepted (art. 32) is listed, an undelivered licence shows its own delivery
light (art. 44), and everything fits on one wall screen at 1920×1080 and at 1600×900.
Screenshots of both are kept under var/."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.async_api import async_playwright

from libs.events import contract as s
from libs.events.auth import issue_dev_token
from libs.events.broker import free_port
from libs.events.clock import FixedClock
from services.supervision.main import create
from tests.integration.supervision.harness import (
    RecordingNotifier,
    Service,
    settings_for_supervision,
)
from tests.support.polling import eventually
from tests.support.services import new_prefix
from tests.unit.supervision.given import CAL, accepted, bj, decided, submitted

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var"
PANELS = [
    "total-red",
    "chart-departments",
    "chart-centers",
    "acceptance-panel",
    "warnings-panel",
    "trend-panel",
]
FITS = """(ids) => ({
  scroll: document.documentElement.scrollHeight, height: window.innerHeight,
  wide: document.documentElement.scrollWidth, width: window.innerWidth,
  boxes: ids.map((id) => document.getElementById(id).getBoundingClientRect().toJSON()),
})"""
TREND = """() => echarts.getInstanceByDom(document.getElementById("chart-trend")).getOption()
  .series.find((s) => s.name === "按期办结率").data"""


@pytest.fixture
async def served(broker, databases) -> AsyncIterator[tuple[Service, str]]:  # type: ignore[no-untyped-def]
    """The supervision app over real HTTP (uvicorn in this process) on a free port."""
    settings = await settings_for_supervision(databases, broker, new_prefix())
    clock = FixedClock(bj(2026, 9, 28, 10))
    notifier = RecordingNotifier()
    app = create(settings, clock=clock, notifier=notifier)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    producer = settings.producer()
    await producer.start()
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as http:
            await eventually(lambda: _ready(http), within=30)
            yield Service(http, app, settings, clock, notifier, producer), base
    finally:
        await producer.stop()
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=15)


def chromium() -> str:
    """Debian's Chromium: a missing browser fails the test loudly (CI installs it)."""
    assert CHROMIUM.exists(), "the browser test needs: apt-get install -y chromium fonts-wqy-zenhei"
    return str(CHROMIUM)


async def _ready(http: httpx.AsyncClient) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return (await http.get("/readyz")).status_code == 200
    return False


async def test_the_wall_screen_shows_a_case_turning_red_without_a_reload(served) -> None:  # type: ignore[no-untyped-def]
    executable = chromium()
    service, base = served
    start = bj(2026, 9, 28, 10)
    await service.publish(submitted("c1", start), accepted("c1", start, 2))  # due Wednesday 30th
    await service.publish(accepted("c2", start, 10), accepted("c3", start, 10, center="350521"))
    done = bj(2026, 9, 28, 9)  # completed today: the trend has today's value
    await service.publish(accepted("c4", done, 0), decided("c4", bj(2026, 9, 28, 9, 30)))
    await service.publish(submitted("c5", bj(2026, 9, 21, 9)), _acceptance_due("c5"))
    granted = bj(2026, 9, 15, 10)  # art. 44: to be delivered by 29 September
    await service.publish(accepted("c6", bj(2026, 9, 14, 10), 2), decided("c6", granted))
    await service.tick()
    token = issue_dev_token(sub="sup-1", role="supervisor", center="350500")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=executable, args=ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1920, "height": 1080})
            errors: list[str] = []  # script errors and content-security-policy refusals
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await page.goto(f"{base}/?token={token}")
            await page.wait_for_selector("body[data-loaded=true]", timeout=15_000)
            assert await page.title() == "电子监察 · 实时亮灯监控"
            assert "token=" not in page.url  # kept in localStorage, not in the address bar
            assert await page.text_content("#total-green") == "3"
            assert (await page.evaluate(TREND))[-1] == 100  # today's on-time rate is drawn
            due = await page.text_content('#acceptance-due tr[data-case-no="NO-c5"]') or ""
            assert "2026/09/29" in due and "剩余 1.58 个工作日" in due, due
            assert await page.is_hidden("#no-acceptance-due")
            await page.wait_for_selector("#live.on", timeout=15_000)
            await page.evaluate("window.stillTheSamePage = true")

            await service.tick(bj(2026, 10, 8, 9))  # nobody touched c1: it is red now
            red = '#warnings tr[data-case-no="NO-c1"][data-color="red"]'
            await page.wait_for_selector(red, timeout=15_000)
            assert await page.evaluate("window.stillTheSamePage") is True
            assert await page.text_content("#total-red") == "1"
            assert "超时" in (await page.text_content(f"{red} td.remaining") or "")
            late = '#warnings tr[data-case-no="NO-c6"][data-color="red"]'  # its own light
            assert "送达时限" in (await page.text_content(late) or "")
            await fits_on_one_screen(page, 1920, 1080)
            await page.set_viewport_size({"width": 1600, "height": 900})
            await page.reload()
            await page.wait_for_selector("body[data-loaded=true]", timeout=15_000)
            await fits_on_one_screen(page, 1600, 900)
            assert errors == []
        finally:
            await browser.close()


def _acceptance_due(case_id: str) -> s.CaseAcceptanceDue:
    """Intake's art. 32 warning: received Monday 21st, counts as accepted at the end of the
    fifth working day after it (Mid-autumn 25th-27th off): Tuesday 29th."""
    received = bj(2026, 9, 21, 9)
    return s.CaseAcceptanceDue(
        case_id=case_id,
        center="350500",
        case_no=f"NO-{case_id}",
        department="SCJG",
        item_name="食品经营许可",
        received_at=received,
        deemed_at=CAL.deadline(received, 5).at,
        warned_at=bj(2026, 9, 28, 9),
    )


async def fits_on_one_screen(page, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    """Every panel within the viewport, no scrolling; a screenshot to look at."""
    await page.wait_for_timeout(500)  # let the charts finish their animation
    fit = await page.evaluate(FITS, PANELS)
    assert (fit["scroll"], fit["wide"]) == (height, width), fit
    for name, box in zip(PANELS, fit["boxes"], strict=True):
        assert box["bottom"] <= height and box["right"] <= width, (name, box)
        assert box["height"] >= 40, (name, box)
    shot = SCREENSHOTS / f"supervision-dashboard-{width}x{height}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
