"""Link signatures, masked personal data, and a link's measured state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from libs.events.envelope import Envelope, to_message
from libs.events.privacy import masked
from services.linkage.adapters.keys import LinkKeys, public_pem
from services.linkage.domain.links import Measured, down_for, needs_alert, state_at
from services.linkage.domain.routing import BadSignature, UnknownSender
from services.linkage.domain.signing import signed_bytes

pytestmark = pytest.mark.unit
NOW = datetime(2026, 3, 2, 2, tzinfo=UTC)


def keys(center: str, *, knows: dict[str, Ed25519PrivateKey]) -> LinkKeys:
    public = {code: public_pem(k.public_key()) for code, k in knows.items()}
    return LinkKeys(
        center=center, private=knows.get(center) or Ed25519PrivateKey.generate(), public=public
    )


def test_a_signature_covers_the_event_and_its_sender() -> None:
    county_key = Ed25519PrivateKey.generate()
    county = keys("350521", knows={"350521": county_key})
    city = keys("350500", knows={"350521": county_key})
    env = Envelope(
        type="onewindow.case.accepted.v1",
        source="/centers/350521/intake",
        subject="c1",
        center="350521",
        sequence=1,
        data={"case_id": "c1"},
    )
    key, headers, value = to_message(env)
    signature = county.sign(signed_bytes("350521", key, headers, value))
    city.verify("350521", signed_bytes("350521", key, headers, value), signature)
    with pytest.raises(BadSignature):
        city.verify("350521", signed_bytes("350521", key, headers, value + b" "), signature)
    with pytest.raises(UnknownSender):
        city.verify("350600", signed_bytes("350600", key, headers, value), signature)
    altered = [(n, b"350500" if n == "ce_center" else v) for n, v in headers]
    with pytest.raises(BadSignature):
        city.verify("350521", signed_bytes("350521", key, altered, value), signature)


def test_personal_data_leaves_masked() -> None:
    data = {
        "applicant": {
            "name": "张三丰",
            "id_type": "resident",
            "id_no": "350521199001011234",
            "phone": "13800001234",
        },
        "applicant_name": "李四",
    }
    out = masked(data)
    assert out["applicant"] == {
        "name": "张**",
        "id_type": "resident",
        "id_no": "350521********1234",
        "phone": "138****1234",
    }
    assert out["applicant_name"] == "李*"
    assert data["applicant"]["name"] == "张三丰"  # the original is untouched


def measured(contact: datetime | None, *, alerted: datetime | None = None) -> Measured:
    return Measured(
        "350500",
        "upstream",
        contact,
        3,
        NOW - timedelta(seconds=40),
        None,
        None,
        "timeout",
        NOW,
        alerted,
    )


def test_a_link_is_down_without_a_recent_round_trip_and_alerts_once_per_spell() -> None:
    assert state_at(measured(NOW - timedelta(seconds=5)), NOW, down_after=10) == "up"
    late = measured(NOW - timedelta(seconds=75))
    assert state_at(late, NOW, down_after=10) == "down"
    assert down_for(late, NOW, down_after=10) == 75
    assert needs_alert(late, NOW, down_after=10, alert_after=60)
    assert not needs_alert(
        measured(NOW - timedelta(seconds=30)), NOW, down_after=10, alert_after=60
    )
    assert not needs_alert(
        measured(NOW - timedelta(seconds=75), alerted=NOW), NOW, down_after=10, alert_after=60
    )
