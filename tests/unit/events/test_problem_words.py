"""Problem documents speak Chinese too: every rule has a Chinese message, JSON errors say where."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import Self

import httpx
import pytest
from fastapi import FastAPI
from pydantic import model_validator

import services
from libs.events.http import (
    Problem,
    RequestBody,
    install_problem_handlers,
    invalid,
)
from libs.events.rules import Rule
from libs.events.words import STATUS_LABELS, case_status, status_zh

pytestmark = pytest.mark.unit
CJK = re.compile(r"[\u4e00-\u9fff]")
SERVICES = Path(__file__).parents[3] / "services"


class Body(RequestBody):
    name: str


class Pair(RequestBody):
    low: int
    high: int

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high:
            raise invalid(
                "LowNotAboveHigh", f"low {{{self.low}}} is above high", "下限不得高于上限"
            )
        return self


def client() -> httpx.AsyncClient:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    def post_thing(body: Body) -> dict[str, str]:
        return {"name": body.name}

    @app.post("/pairs")
    def post_pair(body: Pair) -> dict[str, int]:
        return body.model_dump()

    @app.post("/rules")
    def broken() -> None:
        raise Rule("in English", rule="SomeRule", detail_zh="中文说明")

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


async def test_a_caller_asking_for_chinese_gets_detail_in_chinese() -> None:
    http = client()
    zh = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    asked = await http.post("/rules", headers=zh)
    assert (asked.json()["detail"], asked.json()["detail_en"]) == ("中文说明", "in English")
    assert asked.headers["content-language"] == "zh-CN"
    typo = await http.post("/things", json={"name": "a", "nmae": "b"}, headers=zh)
    assert "不允许的字段" in typo.json()["detail"]
    english = await http.post("/rules", headers={"Accept-Language": "en-US, zh;q=0.5"})
    assert english.json()["detail"] == "in English" and "detail_en" not in english.json()
    assert (await http.post("/rules")).json()["detail"] == "in English"


async def test_a_body_validator_names_its_rule_in_both_languages() -> None:
    answer = await client().post("/pairs", json={"low": 3, "high": 1})
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert (error["rule"], error["message"]) == ("LowNotAboveHigh", "low {3} is above high")
    assert answer.json()["detail_zh"] == "下限不得高于上限"


def _rule_classes() -> list[type[Exception]]:
    """Every problem and rule class of every service (and the shared library), imported module
    by module."""
    for module in pkgutil.walk_packages(services.__path__, "services."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found: list[type[Exception]] = []
    todo: list[type[Exception]] = [Problem, Rule]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_named_rule_states_itself_in_chinese() -> None:
    """Each rule class says its own rule in Chinese: not its family's generic sentence."""
    rules = [
        c for c in _rule_classes() if c.__module__.startswith("services.") and issubclass(c, Rule)
    ]
    assert len(rules) > 80
    families = {c for c in rules if c.__subclasses__()}
    leaves = [c for c in rules if c not in families]
    silent = [c.__name__ for c in leaves if not CJK.search(str(c.__dict__.get("zh", "")))]
    assert silent == []
    generic = {str(c.zh) for c in families}
    borrowed = [c.__name__ for c in leaves if str(getattr(c, "zh", "")) in generic]
    assert borrowed == []


def test_a_problem_raised_outside_the_rule_classes_says_itself_in_chinese() -> None:
    """A rule class without `zh` of its own passes `detail_zh` when it is raised."""
    for rule in _rule_classes():
        if not issubclass(rule, Rule) and rule is not Problem:
            assert "detail_zh" in inspect.getsource(rule), rule


def _calls_without_chinese(name: str) -> list[str]:
    missing = []
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == name:
                if "detail_zh" not in {k.arg for k in node.keywords}:
                    missing.append(f"{path.name}:{node.lineno}")
    return missing


def test_every_rule_raised_by_name_gives_its_chinese() -> None:
    assert _calls_without_chinese("RuleViolation") == []
    assert _calls_without_chinese("Problem") == []


def test_one_status_vocabulary_with_chinese_labels() -> None:
    assert case_status("decided", "approved") == "approved"  # approval's own word
    assert case_status("delivered", "denied") == "denied"  # supervision's
    assert case_status(None, "deemed_approved") == "deemed_approved"  # intake's outcome
    assert case_status("reviewed") == case_status("open") == "accepted"
    assert all(CJK.search(status_zh(s)) for s in STATUS_LABELS)
