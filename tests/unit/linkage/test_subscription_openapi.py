"""The OpenAPI document of linkage describes the subscription API and the webhook it sends,
and what is sent is what it describes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.linkage.adapters.webhooks import render
from services.linkage.api.schemas import CaseEventDelivery
from services.linkage.config import Settings
from services.linkage.main import create
from tests.unit.linkage.test_webhook_signing import ENVELOPE

pytestmark = pytest.mark.unit
SUB = "/v1/subscriptions/{subscription_id}"


def _spec(tmp_path: Path) -> dict[str, Any]:
    spec: dict[str, Any] = create(Settings(database_url=f"sqlite:///{tmp_path}/l.db")).openapi()
    return spec


def test_the_subscription_api_and_the_webhook_are_in_the_openapi(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    operations = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert {
        ("post", "/v1/subscriptions"),
        ("get", "/v1/subscriptions"),
        ("get", SUB),
        ("patch", SUB),
        ("delete", SUB),
        ("post", f"{SUB}/replay"),
        ("get", f"{SUB}/deliveries"),
    } <= operations
    replay = spec["paths"][f"{SUB}/replay"]["post"]["requestBody"]["content"]
    body = spec["components"]["schemas"][
        replay["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    ]
    assert {"from_time", "after_event_id", "dead_letters"} <= set(body["properties"])
    hook = spec["webhooks"]["case-event"]["post"]
    headers = {p["name"] for p in hook["parameters"] if p["in"] == "header"}
    assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    schema = hook["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema.endswith("/CaseEventDelivery")


@pytest.mark.parametrize("personal_data", [True, False])
def test_a_delivery_body_is_the_documented_cloudevent(personal_data: bool) -> None:
    body = json.loads(render(ENVELOPE, personal_data=personal_data))
    assert set(body) == set(CaseEventDelivery.model_fields)
    delivered = CaseEventDelivery.model_validate(body)
    assert delivered.id == ENVELOPE["id"] and delivered.sequence == "1"
