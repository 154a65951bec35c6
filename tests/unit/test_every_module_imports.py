"""Every module of libs/ and services/ imports (mypy, with missing imports ignored, would not
notice a module that was moved or deleted under an import)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).parents[2]


def modules() -> list[str]:
    found = []
    for package in ("libs", "services"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue  # alembic's env and revisions run inside alembic only
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_every_module_imports() -> None:
    broken = {}
    for name in modules():
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - any failure to import is the finding
            broken[name] = repr(exc)
    assert len(modules()) > 300
    assert broken == {}
