"""Catalogue rules and versions: given an item's stream, when an admin publishes, then events."""

from __future__ import annotations

from typing import Any

import pytest

from libs.events.contract import ItemPublished
from libs.events.http import STATUS_OF
from services.intake.domain import rules
from services.intake.domain.catalog import (
    CatalogItem,
    ItemVersion,
    RetireItem,
    check_item,
    item_stream,
)
from tests.unit.intake.given import MATERIALS, NOW, spec

pytestmark = pytest.mark.unit

JOINT: dict[str, Any] = {
    "kind": "joint",
    "lead_department": "FGW",
    "departments": [
        {"department": "FGW", "limit_days": 8},
        {"department": "GTJ", "limit_days": 8},
        {"department": "HBJ", "limit_days": 6},
    ],
    "promised_limit_days": 8,
}


def publish(stream: CatalogItem, **overrides: Any) -> list[ItemPublished]:
    events = stream.publish("SCJG-003", spec(**overrides), center="350500", now=NOW, by="admin")
    for event in events:
        stream.apply(event)
    return [e for e in events if isinstance(e, ItemPublished)]


def test_first_publication_is_version_one_carrying_the_whole_item() -> None:
    [event] = publish(CatalogItem(item_stream("SCJG-003")))
    assert event.TYPE == "onewindow.catalog.item_published.v1"
    assert (event.code, event.version, event.center, event.published_by) == (
        "SCJG-003",
        1,
        "350500",
        "admin",
    )
    assert [m.code for m in event.materials] == [m["code"] for m in MATERIALS]
    assert event.legal_limit_days == 20 and event.promised_limit_days == 10
    assert event.deemed_approval and event.online and event.kind == "promised"


def test_a_change_publishes_the_next_version_and_keeps_the_old_one_intact() -> None:
    stream = CatalogItem(item_stream("SCJG-003"))
    [v1] = publish(stream)
    [v2] = publish(stream, promised_limit_days=7)
    assert v2.version == 2 and v2.promised_limit_days == 7
    assert ItemVersion.from_event(v1).promised_limit_days == 10


def test_publishing_the_same_item_again_changes_nothing() -> None:
    stream = CatalogItem(item_stream("SCJG-003"))
    publish(stream)
    assert publish(stream) == []
    assert stream.current is not None and stream.current.version == 1


def test_promised_limit_may_not_exceed_legal_limit() -> None:
    with pytest.raises(rules.PromisedLimitMayNotExceedLegalLimit) as caught:
        check_item(spec(promised_limit_days=21))
    assert STATUS_OF[caught.value.kind] == 422 and "法定时限" in caught.value.detail


def test_material_codes_must_be_unique() -> None:
    twice = [*MATERIALS, {"code": "APP", "name": "again", "required": True, "key": False}]
    with pytest.raises(rules.MaterialCodesMustBeUnique) as caught:
        check_item(spec(materials=twice))
    assert caught.value.extra["materials"] == ["APP"]


def test_a_key_material_must_be_required() -> None:
    optional_key = [*MATERIALS, {"code": "X", "name": "x", "required": False, "key": True}]
    with pytest.raises(rules.KeyMaterialMustBeRequired) as caught:
        check_item(spec(materials=optional_key))
    assert caught.value.extra["materials"] == ["X"]


def test_a_joint_item_is_valid_with_its_lead_among_its_departments() -> None:
    check_item(spec(**JOINT))


def test_a_joint_lead_must_be_among_the_departments() -> None:
    with pytest.raises(rules.JointLeadMustBeAmongDepartments) as caught:
        check_item(spec(**{**JOINT, "lead_department": "GHJ"}))
    assert "GHJ" in caught.value.detail


def test_a_joint_item_names_its_departments() -> None:
    with pytest.raises(rules.JointItemNeedsDepartments):
        check_item(spec(**{**JOINT, "departments": []}))
    with pytest.raises(rules.JointItemNeedsDepartments):
        check_item(spec(**{**JOINT, "lead_department": None}))


def test_joint_departments_are_unique_and_decide_within_the_promised_limit() -> None:
    twice = [*JOINT["departments"], {"department": "GTJ", "limit_days": 3}]
    with pytest.raises(rules.JointDepartmentsMustBeUnique):
        check_item(spec(**{**JOINT, "departments": twice}))
    late = [*JOINT["departments"][:2], {"department": "HBJ", "limit_days": 9}]
    with pytest.raises(rules.JointPartLimitMayNotExceedPromisedLimit):
        check_item(spec(**{**JOINT, "departments": late}))


def test_a_reported_item_names_the_center_that_decides() -> None:
    with pytest.raises(rules.ReportedItemMustNameDecidingCenter):
        check_item(spec(kind="reported"))
    check_item(spec(kind="reported", decided_by_center="350500"))


def test_an_immediate_case_gets_no_working_days() -> None:
    version = ItemVersion(
        code="GJGS-001", version=1, published_at=NOW, **spec(kind="immediate").model_dump()
    )
    assert version.case_limit_days() == 0
    assert version.required_codes() == ["APP", "LIC", "LAY", "HLT"]
    assert version.names(["APP", "NOPE"]) == "食品经营许可申请书 (APP)、NOPE"


def test_a_retired_item_is_retired_once_and_comes_back_as_a_new_version() -> None:
    item = CatalogItem("item-SCJG-003")
    for event in item.publish("SCJG-003", spec(), center="350500", now=NOW, by="admin"):
        item.apply(event)
    order = RetireItem(reason="法律废止", legal_basis="某条例已废止")
    [retired] = item.retire(order, center="350500", now=NOW, by="admin")
    item.apply(retired)
    assert item.current is not None and item.current.retired is not None
    with pytest.raises(rules.ItemAlreadyRetired):
        item.retire(order, center="350500", now=NOW, by="admin")
    [again] = item.publish("SCJG-003", spec(), center="350500", now=NOW, by="admin")
    item.apply(again)
    assert item.current.version == 2 and item.current.retired is None
