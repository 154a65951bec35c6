"""Personal data leaves its center masked (CONTRACT: "masked wherever it leaves its owner")."""

from __future__ import annotations

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
