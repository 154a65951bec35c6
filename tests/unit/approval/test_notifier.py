"""The notifier adapters: a local sink that records, an HTTP gateway that says when it failed."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from services.approval.adapters.notifier import HttpGateway, LocalSink, Message, NotificationFailed
from services.approval.bootstrap import make_notifier
from services.approval.config import Settings

pytestmark = pytest.mark.unit
MESSAGE = Message("m-1", "c-1", "sms", "13800000000", "您的申请已办结")


async def test_the_local_sink_records_each_message(tmp_path: Path) -> None:
    sink = LocalSink(tmp_path / "sms.jsonl")
    await sink.send(MESSAGE)
    assert sink.sent == [MESSAGE]
    [line] = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["text"] == "您的申请已办结"
    assert json.loads(line)["to"] == "13800000000" and json.loads(line)["sent_at"]


def test_the_dev_sink_writes_under_var_by_default() -> None:
    assert Settings().notify_sink_file == "var/notices.jsonl"
    assert make_notifier(Settings()).path == Path("var/notices.jsonl")  # type: ignore[attr-defined]


async def test_the_gateway_posts_with_an_idempotency_key() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202)

    gateway = HttpGateway("http://sms.test/send", token="t", transport=httpx.MockTransport(answer))
    await gateway.send(MESSAGE)
    [request] = seen
    assert request.headers["Idempotency-Key"] == "m-1"
    assert request.headers["Authorization"] == "Bearer t"
    assert json.loads(request.content)["to"] == "13800000000"


@pytest.mark.parametrize(
    "answer",
    [
        lambda _: httpx.Response(503, text="busy"),
        lambda request: (_ for _ in ()).throw(httpx.ConnectError("down", request=request)),
    ],
)
async def test_a_refusal_or_an_unreachable_gateway_is_a_failure(answer) -> None:
    gateway = HttpGateway("http://sms.test/send", transport=httpx.MockTransport(answer))
    with pytest.raises(NotificationFailed):
        await gateway.send(MESSAGE)
