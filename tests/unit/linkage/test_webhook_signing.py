"""Deliveries are structured-mode CloudEvents signed per the Standard Webhooks spec."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.linkage.adapters.webhooks import render, sign

pytestmark = pytest.mark.unit
OLD = "whsec_" + base64.b64encode(b"o" * 32).decode()
NEW = "whsec_" + base64.b64encode(b"n" * 32).decode()
ENVELOPE = {
    "id": "ev-1",
    "type": "onewindow.case.submitted.v1",
    "source": "/centers/350500/intake",
    "subject": "case-1",
    "time": "2026-12-01T02:00:00+00:00",
    "center": "350500",
    "sequence": 1,
    "traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01",
    "data": {
        "case_id": "case-1",
        "applicant": {"name": "张三", "id_no": "350521199001011234", "phone": "13812345678"},
    },
}


def test_the_body_is_a_cloudevent_with_masked_personal_data_unless_in_scope() -> None:
    masked = json.loads(render(ENVELOPE, personal_data=False))
    assert masked["specversion"] == "1.0" and masked["id"] == "ev-1"
    assert masked["sequence"] == "1" and masked["subject"] == "case-1"
    assert masked["data"]["applicant"] == {
        "name": "张*",
        "id_no": "350521********1234",
        "phone": "138****5678",
    }
    full = json.loads(render(ENVELOPE, personal_data=True))
    assert full["data"]["applicant"]["id_no"] == "350521199001011234"


def test_during_a_rotation_both_secrets_verify_and_a_tampered_body_does_not() -> None:
    body = render(ENVELOPE, personal_data=False)
    headers = sign("ev-1", body, [NEW, OLD], at=datetime.now(UTC))
    assert headers["webhook-id"] == "ev-1"
    assert headers["webhook-signature"].count("v1,") == 2
    for secret in (OLD, NEW):
        Webhook(secret).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(OLD).verify(body.replace(b"case-1", b"case-2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"x" * 32).decode()).verify(body, headers)
