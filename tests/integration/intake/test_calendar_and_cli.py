"""Loading a year's schedule (HTTP and `onewindow calendar load`) and `onewindow seed`."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from libs.events.clock import SHANGHAI
from services.cli import main
from tests.integration.intake.harness import ADMIN, CLERK, Intake, types

pytestmark = pytest.mark.integration

DECEMBER = datetime(2026, 12, 28, 10, tzinfo=SHANGHAI)  # Monday 28 December 2026
# A plausible 2027 schedule: New Year's Day and the Spring Festival week, one adjusted Sunday.
Y2027: dict[str, Any] = {
    "year": 2027,
    "holidays": ["2027-01-01", *[f"2027-02-{d:02d}" for d in range(6, 13)]],
    "workdays": ["2027-02-14"],
}


async def accepted_in_december(intake: Intake) -> dict[str, Any]:
    intake.clock.set(DECEMBER)
    case_id = (await intake.submit(["APP", "LIC", "LAY", "HLT"]))["case_id"]
    response = await intake.http.post(f"/v1/cases/{case_id}/accept", headers=CLERK)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_loading_2027_recomputes_provisional_deadlines(intake: Intake) -> None:
    await intake.publish_item()
    accepted = await accepted_in_december(intake)
    assert accepted["provisional"] is True and accepted["due_day"] == "2027-01-11"
    final = (await intake.submit(["APP", "LIC", "LAY", "HLT"]))["case_id"]  # not accepted yet

    loaded = await intake.http.put("/v1/calendar/2027", json=Y2027, headers=ADMIN)
    assert loaded.status_code == 200, loaded.text
    assert loaded.json() == {"year": 2027, "recomputed": [accepted["case_id"]]}

    case = (await intake.http.get(f"/v1/cases/{accepted['case_id']}", headers=CLERK)).json()
    assert case["due_day"] == "2027-01-12" and case["provisional"] is False
    events = await intake.case_events(accepted["case_id"], 3)
    assert types(events) == ["case.submitted", "case.accepted", "case.deadline_changed"]
    changed = events[-1].data
    assert changed["cause"] == "calendar" and changed["provisional"] is False
    assert changed["due_day"] == "2027-01-12"
    assert changed["deadline"].startswith("2027-01-12T23:59:59")
    year_loaded = [e for e in await intake.events(5) if e.name == "calendar.year_loaded"]
    assert year_loaded[0].subject == "calendar-2027"
    assert year_loaded[0].data["holidays"][0] == "2027-01-01"
    assert year_loaded[0].data["loaded_by"] == "admin-1"

    accepted_later = await intake.http.post(f"/v1/cases/{final}/accept", headers=CLERK)
    assert accepted_later.json()["due_day"] == "2027-01-12"
    assert accepted_later.json()["provisional"] is False

    again = await intake.http.put("/v1/calendar/2027", json=Y2027, headers=ADMIN)
    assert again.json()["recomputed"] == []


async def test_only_an_administrator_loads_a_valid_schedule(intake: Intake) -> None:
    assert (
        await intake.http.put("/v1/calendar/2027", json=Y2027, headers=CLERK)
    ).status_code == 403
    mismatch = await intake.http.put("/v1/calendar/2028", json=Y2027, headers=ADMIN)
    assert mismatch.status_code == 422 and mismatch.json()["rule"] == "ScheduleYearMismatch"
    stray = {**Y2027, "holidays": ["2026-12-31"]}
    invalid = await intake.http.put("/v1/calendar/2027", json=stray, headers=ADMIN)
    assert invalid.status_code == 422 and "2026-12-31" in invalid.json()["detail"]


async def test_the_cli_loads_a_schedule_into_intakes_database(
    intake: Intake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI reads the deployment's environment, as the service does: same topics.
    monkeypatch.setenv("KAFKA_TOPIC_PREFIX", intake.settings.kafka_topic_prefix)
    await intake.publish_item()
    accepted = await accepted_in_december(intake)
    schedule = tmp_path / "2027.json"
    schedule.write_text(json.dumps(Y2027))
    url = intake.settings.database_url
    code = await asyncio.to_thread(
        main, ["calendar", "load", str(schedule), "--by", "ops-1", "--database-url", url]
    )
    assert code == 0
    case = (await intake.http.get(f"/v1/cases/{accepted['case_id']}", headers=CLERK)).json()
    assert case["due_day"] == "2027-01-12" and case["provisional"] is False
    events = await intake.case_events(accepted["case_id"], 3)
    assert events[-1].name == "case.deadline_changed"  # relayed by the running service

    broken = tmp_path / "broken.json"
    broken.write_text('{"year": 2027}')
    assert (
        await asyncio.to_thread(main, ["calendar", "load", str(broken), "--database-url", url]) == 1
    )


async def test_seed_loads_a_catalogue_once(
    intake: Intake,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = intake.settings.database_url
    monkeypatch.setenv("CENTER_NAME", "泉州市行政服务中心")
    seed = ["seed", "--database-url", url, "--approval-database-url", f"sqlite:///{tmp_path}/a.db"]
    assert await asyncio.to_thread(main, seed) == 0
    organisation = (await intake.http.get("/v1/org")).json()
    assert organisation["center"]["name"] == "泉州市行政服务中心"
    named = {d["code"]: d["name"] for d in organisation["departments"]}
    assert len(named) == 20 and named["SCJG"] == "市场监督管理局"
    items = (await intake.http.get("/v1/catalog/items")).json()
    assert len(items) >= 40 and len({i["department"] for i in items}) >= 12
    assert {i["kind"] for i in items} == {"immediate", "promised", "joint", "reported"}
    assert "defined 4 project series" in capsys.readouterr().out
    assert await asyncio.to_thread(main, seed) == 0
    assert len((await intake.http.get("/v1/catalog/items")).json()) == len(items)
    assert "defined 0 project series" in capsys.readouterr().out
    joint = (await intake.http.get("/v1/catalog/items?kind=joint")).json()
    assert all(j["lead_department"] in {d["department"] for d in j["departments"]} for j in joint)
