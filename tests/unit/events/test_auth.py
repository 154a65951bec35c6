"""Bearer JWT auth: dev and prod modes, role checks, the `onewindow token` command."""

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, FastAPI
from pydantic import ValidationError

from libs.events.auth import (
    AuthSettings,
    DevTokensDisabled,
    InvalidToken,
    Principal,
    Role,
    can_see_center,
    decode_token,
    get_auth_settings,
    issue_dev_token,
    require,
    same_department,
)
from services.cli import main

pytestmark = pytest.mark.unit

AUTH_ENV = ["AUTH_MODE", "ONEWINDOW_DEV_SECRET", "JWT_PUBLIC_KEY", "JWT_ISSUER", "JWT_AUDIENCE"]


@pytest.fixture(autouse=True)
def clean_auth_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep the developer's shell environment out of these tests."""
    for name in AUTH_ENV:
        monkeypatch.delenv(name, raising=False)
    get_auth_settings.cache_clear()
    yield
    get_auth_settings.cache_clear()


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def prod_settings(rsa_key: rsa.RSAPrivateKey) -> AuthSettings:
    public_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return AuthSettings(auth_mode="prod", jwt_public_key=public_pem.decode())


@pytest.fixture
def dev() -> AuthSettings:
    return AuthSettings()


def make_app(settings: AuthSettings) -> FastAPI:
    app = FastAPI()

    @app.get("/clerk-only")
    async def clerk_only(
        principal: Annotated[Principal, Depends(require(Role.clerk))],
    ) -> dict[str, str | None]:
        return {"sub": principal.sub, "center": principal.center}

    app.dependency_overrides[get_auth_settings] = lambda: settings
    return app


async def call(settings: AuthSettings, token: str | None = None) -> httpx.Response:
    """GET the clerk-only route in-process, with `token` as bearer if given."""
    # httpx's ASGI transport rather than TestClient: Starlette deprecates TestClient on httpx.
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    transport = httpx.ASGITransport(app=make_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get("/clerk-only", headers=headers)


def rs256_token(key: rsa.RSAPrivateKey) -> str:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"sub": "u1", "role": "clerk", "center": "350500"}
    claims |= {
        "iss": "onewindow",
        "aud": "onewindow",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    return jwt.encode(claims, key, algorithm="RS256")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def test_missing_token_is_401_with_bearer_challenge(dev: AuthSettings) -> None:
    response = await call(dev)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "bearer token is required" in response.json()["detail"]


async def test_garbage_token_is_401(dev: AuthSettings) -> None:
    response = await call(dev, "not-a-jwt")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "malformed" in response.json()["detail"]


async def test_expired_token_is_401(dev: AuthSettings) -> None:
    token = issue_dev_token(sub="u1", role=Role.clerk, ttl=timedelta(seconds=-1))
    response = await call(dev, token)
    assert response.status_code == 401
    assert response.json()["detail"] == "token has expired"


async def test_wrong_role_is_403_naming_the_role(dev: AuthSettings) -> None:
    token = issue_dev_token(sub="u1", role=Role.reviewer)
    response = await call(dev, token)
    assert response.status_code == 403
    assert "'clerk'" in response.json()["detail"]


async def test_right_role_is_200(dev: AuthSettings) -> None:
    token = issue_dev_token(sub="u1", role=Role.clerk, center="350500")
    response = await call(dev, token)
    assert response.status_code == 200
    assert response.json() == {"sub": "u1", "center": "350500"}


async def test_cli_token_is_accepted(dev: AuthSettings, capsys: pytest.CaptureFixture[str]) -> None:
    exit_code = main(["token", "--sub", "w1", "--role", "clerk", "--center", "350500"])
    out, err = capsys.readouterr()
    assert exit_code == 0
    assert "DEV token" in err
    response = await call(dev, out.strip())
    assert response.status_code == 200
    assert response.json() == {"sub": "w1", "center": "350500"}


async def test_cli_unknown_role_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["token", "--sub", "w1", "--role", "boss"])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "unknown role 'boss'" in err


async def test_cli_refuses_in_prod_mode(
    prod_settings: AuthSettings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AUTH_MODE", "prod")
    monkeypatch.setenv("JWT_PUBLIC_KEY", prod_settings.jwt_public_key)
    assert main(["token", "--sub", "w1", "--role", "clerk"]) == 1
    assert capsys.readouterr().out == ""


async def test_dev_tokens_are_not_issued_in_prod(prod_settings: AuthSettings) -> None:
    with pytest.raises(DevTokensDisabled):
        issue_dev_token(sub="u1", role=Role.clerk, settings=prod_settings)


async def test_prod_refuses_hs256_dev_token(prod_settings: AuthSettings) -> None:
    token = issue_dev_token(sub="u1", role=Role.clerk)
    response = await call(prod_settings, token)
    assert response.status_code == 401
    assert "only accepts RS256" in response.json()["detail"]


async def test_prod_refuses_hs256_signed_with_the_public_key(prod_settings: AuthSettings) -> None:
    # The classic algorithm-confusion forgery: HMAC keyed with the public PEM.
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    exp = int((datetime.now(UTC) + timedelta(minutes=5)).timestamp())
    claims = {"sub": "x", "role": "admin", "iss": "onewindow", "aud": "onewindow", "exp": exp}
    payload = b64url(json.dumps(claims).encode())
    key = prod_settings.jwt_public_key.encode()
    signature = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    with pytest.raises(InvalidToken):
        decode_token(f"{header}.{payload}.{b64url(signature)}", prod_settings)


async def test_prod_accepts_rs256_with_matching_key(
    rsa_key: rsa.RSAPrivateKey, prod_settings: AuthSettings
) -> None:
    response = await call(prod_settings, rs256_token(rsa_key))
    assert response.status_code == 200
    assert response.json() == {"sub": "u1", "center": "350500"}


async def test_prod_refuses_rs256_from_another_key(prod_settings: AuthSettings) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(InvalidToken, match="signature is invalid"):
        decode_token(rs256_token(other), prod_settings)


async def test_prod_mode_needs_a_public_key() -> None:
    with pytest.raises(ValueError, match="JWT_PUBLIC_KEY"):
        AuthSettings(auth_mode="prod")


async def test_unknown_role_and_missing_claim_are_invalid() -> None:
    settings = AuthSettings()
    forged = jwt.decode(
        issue_dev_token(sub="u1", role=Role.clerk), options={"verify_signature": False}
    )
    secret = settings.onewindow_dev_secret
    with pytest.raises(InvalidToken, match="unknown role 'boss'"):
        decode_token(jwt.encode(forged | {"role": "boss"}, secret, algorithm="HS256"), settings)
    without_sub = {k: v for k, v in forged.items() if k != "sub"}
    with pytest.raises(InvalidToken, match="missing the 'sub' claim"):
        decode_token(jwt.encode(without_sub, secret, algorithm="HS256"), settings)


async def test_center_scope() -> None:
    supervisor = Principal(sub="s", role=Role.supervisor, center="350000", department=None)
    clerk = Principal(sub="c", role=Role.clerk, center="350000", department="D1")
    assert can_see_center(supervisor, "350000")
    assert can_see_center(supervisor, "350500", child_centers=["350500"])
    assert not can_see_center(supervisor, "360000", child_centers=["350500"])
    assert can_see_center(clerk, "350000")
    assert not can_see_center(clerk, "350500", child_centers=["350500"])
    assert not can_see_center(Principal(sub="a", role=Role.applicant), "350000")


async def test_same_department() -> None:
    clerk = Principal(sub="c", role=Role.clerk, center="350000", department="D1")
    assert same_department(clerk, "D1")
    assert not same_department(clerk, "D2")
    assert not same_department(Principal(sub="a", role=Role.admin), "D1")


@pytest.mark.parametrize("mode", ["dev", "prod"])
async def test_unsigned_alg_none_token_is_refused(mode: str, prod_settings: AuthSettings) -> None:
    settings = prod_settings if mode == "prod" else AuthSettings()
    exp = int((datetime.now(UTC) + timedelta(minutes=5)).timestamp())
    claims = {"sub": "x", "role": "admin", "iss": "onewindow", "aud": "onewindow", "exp": exp}
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    response = await call(settings, f"{header}.{b64url(json.dumps(claims).encode())}.")
    assert response.status_code == 401


def test_prod_refuses_a_configured_dev_secret(
    prod_settings: AuthSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONEWINDOW_DEV_SECRET", "x" * 40)
    with pytest.raises(ValidationError, match="ONEWINDOW_DEV_SECRET is for AUTH_MODE=dev only"):
        AuthSettings(auth_mode="prod", jwt_public_key=prod_settings.jwt_public_key)
