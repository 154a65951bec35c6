"""The demonstration catalogue is realistic: many departments, every kind, valid items."""

from __future__ import annotations

import pytest

from services.intake.application.seed_catalog import deciding_center, seed_items
from services.intake.domain.catalog import check_item

pytestmark = pytest.mark.unit


def test_the_seed_has_forty_items_from_twelve_departments_of_every_kind() -> None:
    items = seed_items("350521", "350500")
    assert len(items) >= 40
    assert len({spec.department for _, spec in items}) >= 12
    assert {spec.kind for _, spec in items} == {"immediate", "promised", "joint", "reported"}
    assert len({code for code, _ in items}) == len(items)


def test_every_seed_item_keeps_the_catalogue_rules() -> None:
    for _, spec in seed_items("350500"):
        check_item(spec)


def test_seed_items_have_key_and_non_key_materials_and_flags() -> None:
    items = [spec for _, spec in seed_items("350500")]
    assert all(any(m.key for m in spec.materials) for spec in items)
    assert sum(any(m.required and not m.key for m in s.materials) for s in items) >= 30
    assert any(not m.required for s in items for m in s.materials)
    assert sum(s.deemed_approval for s in items) >= 5
    assert sum(s.online for s in items) >= 15


def test_joint_items_cover_the_investment_project_stages() -> None:
    joint = [spec for _, spec in seed_items("350500") if spec.kind == "joint"]
    housing = [s for s in joint if s.name.startswith("房屋建筑及市政基础设施工程")]
    assert len(housing) == 5
    assert sum(s.promised_limit_days for s in housing) == 37  # Quanzhou: 178 -> 37 working days
    assert {s.lead_department for s in joint} >= {"FGW", "GHJ", "ZJJ"}
    assert {s.name.split("：")[0] for s in joint} >= {"交通工程", "水利工程", "港口工程"}


def test_reported_items_are_decided_by_the_city() -> None:
    reported = [s for _, s in seed_items("350521", "") if s.kind == "reported"]
    assert len(reported) >= 5
    assert {s.decided_by_center for s in reported} == {"350500"}
    assert {s.decided_by_center for _, s in seed_items("350521", "350599")} >= {"350599"}
    assert deciding_center("350500", "") == "350000"
