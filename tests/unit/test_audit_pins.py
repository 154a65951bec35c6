"""The pin audit reads PyPI's vulnerability data: per release, else the latest release's."""

from __future__ import annotations

from typing import Any

import pytest

from scripts import audit_pins

PAGES: dict[str, dict[str, Any]] = {
    "https://pypi.org/pypi/old/1.0/json": {
        "info": {"version": "1.0"},
        "vulnerabilities": [{"id": "PYSEC-1"}, {"id": "GHSA-w", "withdrawn": "2026-01-01"}],
    },
    "https://pypi.org/pypi/fresh/json": {"info": {"version": "2.0"}, "vulnerabilities": []},
    "https://pypi.org/pypi/behind/json": {"info": {"version": "3.1"}, "vulnerabilities": []},
}


@pytest.fixture(autouse=True)
def pypi(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_pins, "fetch", PAGES.get)


def test_a_release_with_an_advisory_is_vulnerable_and_withdrawn_ones_do_not_count() -> None:
    assert audit_pins.audit("old", "1.0") == ("vulnerable", ["PYSEC-1"])


def test_the_latest_release_is_judged_by_the_project_page() -> None:
    assert audit_pins.audit("fresh", "2.0") == ("ok", [])


def test_an_older_release_without_its_own_page_is_not_called_clean() -> None:
    assert audit_pins.audit("behind", "3.0") == ("unverifiable", [])
