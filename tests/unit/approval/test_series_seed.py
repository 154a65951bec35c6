"""The demonstration project series: four series, five stages each, each a seed joint item."""

from __future__ import annotations

import json

import pytest

from services.approval.application.joint.seed_series import SEED_FILE
from services.intake.application.seed_catalog import seed_items

pytestmark = pytest.mark.unit


def test_four_series_of_five_stages_each_run_by_a_joint_seed_item_of_37_days() -> None:
    series = json.loads(SEED_FILE.read_text(encoding="utf-8"))["series"]
    items = {code: spec for code, spec in seed_items("350500") if spec.kind == "joint"}
    assert {s["name"] for s in series} == {
        "交通工程",
        "水利工程",
        "港口工程",
        "房屋建筑及市政基础设施工程",
    }
    for entry in series:
        stages = entry["stages"]
        assert len(stages) == 5
        assert [s["name"] for s in stages][0] == "立项" and stages[-1]["name"] == "竣工验收"
        specs = [items[s["item_code"]] for s in stages]
        assert all(spec.lead_department for spec in specs)
        assert all(len(spec.departments) >= 2 for spec in specs)  # a lead and co-departments
        assert sum(spec.promised_limit_days for spec in specs) == 37  # Quanzhou: from 178
