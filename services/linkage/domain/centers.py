"""Where a center sits: administrative division codes nest (350500 > 350521 > 350521100).

A city's code ends in `00` (泉州市 350500), its counties share its first four digits
(惠安县 350521); a township's nine digits begin with its county's six (螺城镇 350521100).
"""

from __future__ import annotations


def prefix(code: str) -> str:
    """The digits every center below `code` shares with it."""
    if len(code) == 6:
        stripped = code
        while stripped.endswith("00") and len(stripped) > 2:
            stripped = stripped[:-2]
        return stripped
    return code


def within(code: str, ancestor: str) -> bool:
    """True when `code` is `ancestor` itself or a center below it."""
    if not code or not ancestor:
        return False
    return code == ancestor or code.startswith(prefix(ancestor))


def below(code: str, ancestor: str) -> bool:
    """True when `code` is a center strictly below `ancestor`."""
    return code != ancestor and within(code, ancestor)


def next_hop_down(own: str, destination: str) -> str:
    """The child of `own` on the way to `destination` (a center below `own`)."""
    shared = len(prefix(own))
    if shared == 2:  # a province: its cities
        return destination[:4] + "00"
    if shared == 4:  # a city: its counties and districts
        return destination[:6]
    return destination[: len(own) + 3]  # a county: its townships; a township: its villages


def center_of_source(source: str) -> str:
    """`350521` of `/centers/350521/approval`; empty when the source is not of this contract."""
    parts = source.strip("/").split("/")
    return parts[1] if len(parts) >= 2 and parts[0] == "centers" else ""
