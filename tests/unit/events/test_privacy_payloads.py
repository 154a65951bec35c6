"""Personal data masked by kind, and scrubbed out of free text."""

from __future__ import annotations

import pytest

from libs.events.privacy import mask_id_no, mask_name, mask_personal_data, mask_phone

pytestmark = pytest.mark.unit


def test_id_numbers_phones_and_names_keep_only_their_ends() -> None:
    assert mask_id_no("350521199001011234") == "350521********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("欧阳娜娜") == "欧***"


def test_a_payload_is_masked_field_by_field_and_in_free_text() -> None:
    data = {
        "case_id": "c-1",
        "case_no": "35050020261201000123",
        "item_name": "食品经营许可",
        "applicant": {
            "name": "张三",
            "id_type": "resident",
            "id_no": "11010519491231002X",
            "phone": "13800138000",
        },
        "applicant_name": "张三",
        "text": "请联系 13900001111，身份证 350521199001011234。",
        "materials": ["APP"],
    }
    masked = mask_personal_data(data)
    assert masked["applicant"] == {
        "name": "张*",
        "id_type": "resident",
        "id_no": "110105********002X",
        "phone": "138****8000",
    }
    assert masked["applicant_name"] == "张*"
    assert masked["text"] == "请联系 139****1111，身份证 350521********1234。"
    # Codes, numbers of the case and catalogue names are no one's personal data.
    for kept in ("case_id", "case_no", "item_name", "materials"):
        assert masked[kept] == data[kept]
    assert data["applicant"]["id_no"] == "11010519491231002X"  # the input is left alone
