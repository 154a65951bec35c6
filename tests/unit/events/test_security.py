"""Security headers on every response; CORS only for configured origins."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from libs.events.security import DATA_POLICY, PAGE_POLICY, install_security

pytestmark = pytest.mark.unit
TRUSTED = "https://portal.example.gov.cn"


def app_with(cors_origins: str = "") -> httpx.AsyncClient:
    app = FastAPI()
    install_security(app, cors_origins=cors_origins)

    @app.get("/page", response_class=HTMLResponse)
    async def page() -> str:
        return "<!doctype html><title>board</title>"

    @app.get("/data")
    async def data() -> dict[str, int]:
        return {"n": 1}

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_pages_and_data_get_their_policies_and_the_common_headers() -> None:
    async with app_with() as client:
        page, data, docs = [await client.get(p) for p in ("/page", "/data", "/docs")]
    assert page.headers["content-security-policy"] == PAGE_POLICY
    assert data.headers["content-security-policy"] == DATA_POLICY
    assert "content-security-policy" not in docs.headers  # Swagger UI keeps working
    for response in (page, data, docs):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"


async def test_no_cross_origin_access_unless_configured() -> None:
    async with app_with() as client:
        response = await client.get("/data", headers={"Origin": TRUSTED})
    assert "access-control-allow-origin" not in response.headers


async def test_only_configured_origins_are_allowed() -> None:
    async with app_with(f"{TRUSTED}/, https://other.example.gov.cn") as client:
        allowed = await client.get("/data", headers={"Origin": TRUSTED})
        refused = await client.get("/data", headers={"Origin": "https://evil.example.com"})
        preflight = await client.options(
            "/data",
            headers={
                "Origin": TRUSTED,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "Authorization",
            },
        )
    assert allowed.headers["access-control-allow-origin"] == TRUSTED
    exposed = allowed.headers["access-control-expose-headers"]
    assert exposed == "Next-Cursor, Link, Idempotency-Replayed"  # paging, retries
    assert "access-control-allow-origin" not in refused.headers
    assert preflight.status_code == 200
    assert preflight.headers["x-content-type-options"] == "nosniff"
