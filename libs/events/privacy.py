"""Personal data leaves its center masked (CONTRACT: "masked wherever it leaves its owner")."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any


def mask_name(name: str) -> str:
    """张三丰 -> 张**; an enterprise keeps its first four characters (…有限公司 -> ****)."""
    if len(name) <= 1:
        return name
    keep = 4 if len(name) > 6 else 1
    return name[:keep] + "*" * (len(name) - keep)


def mask_number(number: str, *, head: int, tail: int) -> str:
    """The middle of an identity number or phone hidden."""
    if len(number) <= head + tail:
        return "*" * len(number)
    return number[:head] + "*" * (len(number) - head - tail) + number[-tail:]


def masked_applicant(applicant: dict[str, Any]) -> dict[str, Any]:
    """An applicant as another center may see it."""
    return {
        **applicant,
        "name": mask_name(str(applicant.get("name", ""))),
        "id_no": mask_number(str(applicant.get("id_no", "")), head=6, tail=4),
        "phone": mask_number(str(applicant.get("phone", "")), head=3, tail=4),
    }


def masked(data: dict[str, Any]) -> dict[str, Any]:
    """A payload with every applicant field masked (others unchanged)."""
    out = dict(data)
    applicant = out.get("applicant")
    if isinstance(applicant, dict):
        out["applicant"] = masked_applicant(applicant)
    for field in ("applicant_name",):
        if isinstance(out.get(field), str):
            out[field] = mask_name(out[field])
    for field in ("applicant_phone",):
        if isinstance(out.get(field), str):
            out[field] = mask_number(out[field], head=3, tail=4)
    return out


# Free text may carry a resident ID number or a mobile number too (a comment, a complaint).
ID_FIELDS = frozenset({"id_no", "id_number"})
PHONE_FIELDS = frozenset({"phone", "mobile", "contact_phone", "applicant_phone"})
NAME_FIELDS = frozenset({"applicant_name", "contact_name", "agent_name"})
PERSON_FIELDS = frozenset({"applicant", "agent", "contact"})  # objects whose `name` is a person's
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def mask_id_no(id_no: str) -> str:
    """`350521199001011234` -> `350521********1234`."""
    return mask_number(id_no, head=6, tail=4)


def mask_phone(phone: str) -> str:
    """`13812345678` -> `138****5678`."""
    return mask_number(phone, head=3, tail=4)


def scrub(text: str) -> str:
    """Free text with every resident ID number and mobile number in it masked."""
    text = RESIDENT_ID.sub(lambda m: mask_id_no(m.group()), text)
    return MOBILE.sub(lambda m: mask_phone(m.group()), text)


def mask_personal_data(value: Any, *, person: bool = False) -> Any:
    """A copy of any payload (nested dicts, lists, strings) with its personal data masked:
    ID numbers, phones and people's names by field, and numbers found in free text."""
    if isinstance(value, dict):
        return {k: _mask_field(k, v, person=person) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_personal_data(v, person=person) for v in value]
    return scrub(value) if isinstance(value, str) else value


def _mask_field(key: str, value: Any, *, person: bool) -> Any:
    if not isinstance(value, str):
        return mask_personal_data(value, person=key in PERSON_FIELDS)
    if key in ID_FIELDS:
        return mask_id_no(value)
    if key in PHONE_FIELDS:
        return mask_phone(value)
    if key in NAME_FIELDS or (person and key == "name"):
        return mask_name(value)
    return scrub(value)


def id_digest(id_no: str, key: str) -> str:
    """A keyed hash (HMAC-SHA256) of an identity number, to find a case by it without keeping
    or comparing the number itself; spaces and the case of a check letter do not matter."""
    normal = "".join(id_no.split()).upper()
    return hmac.new(key.encode(), normal.encode(), hashlib.sha256).hexdigest()
