"""What every request pays for its caller: no thread hand-off, the prod key parsed once."""

import inspect
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_dependant

from libs.events import auth
from libs.events.auth import AuthSettings, InvalidToken, Role, decode_token, require
from services.approval.api.deps import get_approval
from services.intake.api.deps import get_app
from services.linkage.api.deps import _app as linkage_app
from services.supervision.api.deps import the_app, viewer_scope

pytestmark = pytest.mark.unit


def _plain_functions(dependant: Dependant) -> list[str]:
    """The dependencies FastAPI would run in its thread pool (plain `def` functions)."""
    found = []
    for sub in dependant.dependencies:
        call: Any = sub.call
        target = call if inspect.isfunction(call) else getattr(call, "__call__", call)  # noqa: B004
        if not inspect.iscoroutinefunction(target):
            found.append(getattr(call, "__name__", repr(call)))
        found += _plain_functions(sub)
    return found


@pytest.mark.parametrize(
    "call", [require(Role.clerk), get_app, get_approval, linkage_app, the_app, viewer_scope]
)
def test_the_caller_and_the_app_are_found_on_the_event_loop(call: Callable[..., Any]) -> None:
    assert inspect.iscoroutinefunction(call)
    assert _plain_functions(get_dependant(path="/", call=call)) == []


def _prod() -> tuple[rsa.RSAPrivateKey, AuthSettings]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return key, AuthSettings(auth_mode="prod", jwt_public_key=pem.decode())


def _token(key: rsa.RSAPrivateKey) -> str:
    claims = {"sub": "u1", "role": "clerk", "iss": "onewindow", "aud": "onewindow"}
    return jwt.encode({**claims, "exp": datetime.now(UTC) + timedelta(minutes=5)}, key, "RS256")


def test_the_prod_key_is_parsed_once() -> None:
    key, settings = _prod()
    auth._public_key.cache_clear()
    assert decode_token(_token(key), settings).sub == "u1"
    assert decode_token(_token(key), settings).sub == "u1"
    info = auth._public_key.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_a_private_key_configured_as_the_public_one_is_unusable() -> None:
    key, _ = _prod()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    settings = AuthSettings(auth_mode="prod", jwt_public_key=private.decode())
    with pytest.raises(InvalidToken, match="verification key is unusable"):
        decode_token(_token(key), settings)
