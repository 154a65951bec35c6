"""Problem documents speak Chinese too: every rule has a Chinese message, JSON errors say where."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from libs.events.http import RequestBody, RuleViolation, install_problem_handlers
from libs.events.words import STATUS_LABELS, case_status, status_label

pytestmark = pytest.mark.unit
CJK = re.compile(r"[\u4e00-\u9fff]")
SERVICES = Path(__file__).parents[3] / "services"


class Body(RequestBody):
    name: str


def client() -> httpx.AsyncClient:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    def post_thing(body: Body) -> dict[str, str]:
        return {"name": body.name}

    @app.post("/rules")
    def broken() -> None:
        raise RuleViolation("SomeRule", "in English", detail_zh="中文说明")

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_malformed_json_names_the_character_in_both_languages() -> None:
    response = await client().post(
        "/things", content=b'{"name": "a",', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    body = response.json()
    assert "malformed JSON at character 13" in body["detail"]
    assert body["errors"][0]["field"] == "body"
    assert "第 13 个字符" in body["detail_zh"]


async def test_every_problem_carries_chinese() -> None:
    http = client()
    typo = await http.post("/things", json={"name": "a", "nmae": "b"})
    assert typo.json()["errors"][0]["field"] == "nmae"
    assert "不允许的字段" in typo.json()["detail_zh"]
    assert (await http.post("/rules")).json()["detail_zh"] == "中文说明"
    assert CJK.search((await http.get("/nowhere")).json()["detail_zh"])


def _rule_classes() -> list[type[RuleViolation]]:
    for module in ("services.intake.domain.rules", "services.approval.domain.rules"):
        importlib.import_module(module)
    found: list[type[RuleViolation]] = []
    todo = [RuleViolation]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return [c for c in found if c.__module__.startswith("services.")]


def test_every_named_rule_states_itself_in_chinese() -> None:
    classes = _rule_classes()
    assert len(classes) > 50
    assert [c.__name__ for c in classes if not CJK.search(c.zh)] == []


def test_every_rule_raised_by_name_gives_its_chinese() -> None:
    missing = []
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "RuleViolation":
                if "detail_zh" not in {k.arg for k in node.keywords}:
                    missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def test_one_status_vocabulary_with_chinese_labels() -> None:
    assert case_status("decided", "approved") == "approved"  # approval's own word
    assert case_status("delivered", "denied") == "denied"  # supervision's
    assert case_status(None, "deemed_approved") == "deemed_approved"  # intake's outcome
    assert case_status("reviewed") == case_status("open") == "accepted"
    assert all(CJK.search(status_label(s)) for s in STATUS_LABELS)
