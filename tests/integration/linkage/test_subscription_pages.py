"""`GET /v1/subscriptions` is paged like every other list: a capped page size, the next page's
cursor in `Next-Cursor` and `Link`, oldest first, each caller's scope kept on every page."""

from __future__ import annotations

import pytest

from libs.events.paging import MAX_PAGE
from tests.integration.linkage.webhooks_harness import ADMIN, linkage, subscribe
from tests.support.services import bearer, new_prefix

pytestmark = pytest.mark.integration
OWNER = bearer("integrator", sub="provincial-platform", center="350500")
OTHER = bearer("integrator", sub="city-platform", center="350500")


async def test_subscriptions_are_listed_a_page_at_a_time_within_the_callers_scope(
    broker, databases
) -> None:
    async with linkage(databases, broker, new_prefix()) as node:
        http = node.http
        mine = [
            (await subscribe(http, OWNER, callback_url=f"http://127.0.0.1:9/{n}"))["id"]
            for n in range(5)
        ]
        theirs = (await subscribe(http, OTHER, callback_url="http://127.0.0.1:9/x"))["id"]
        seen, pages, params = [], 0, {"limit": 2}
        while True:
            page = await http.get("/v1/subscriptions", params=params, headers=OWNER)
            assert page.status_code == 200, page.text
            seen += [s["id"] for s in page.json()]
            pages += 1
            cursor = page.headers.get("Next-Cursor")
            if cursor is None:
                assert "Link" not in page.headers
                break
            assert 'rel="next"' in page.headers["Link"] and len(page.json()) == 2
            params = {"limit": 2, "cursor": cursor}
        assert (seen, pages) == (mine, 3)
        everyone = await http.get("/v1/subscriptions", params={"limit": 200}, headers=ADMIN)
        assert [s["id"] for s in everyone.json()] == [*mine, theirs]
        assert "Next-Cursor" not in everyone.headers
        too_many = await http.get(
            "/v1/subscriptions", params={"limit": MAX_PAGE + 1}, headers=OWNER
        )
        assert too_many.status_code == 422
        assert [e["field"] for e in too_many.json()["errors"]] == ["query.limit"]
        forged = await http.get("/v1/subscriptions", params={"cursor": "bm9wZQ"}, headers=OWNER)
        assert forged.status_code == 422, forged.text
        assert forged.json()["rule"] == "InvalidCursor" and forged.json()["detail_zh"]
        hidden = await http.get(f"/v1/subscriptions/{theirs}", headers=OWNER)
        assert hidden.status_code == 404
        assert hidden.headers["content-type"] == "application/problem+json"
        body = hidden.json()
        assert (body["rule"], body["detail_zh"]) == ("SubscriptionExists", f"订阅 {theirs} 不存在")
