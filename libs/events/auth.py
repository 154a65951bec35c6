"""Bearer JWT authentication: roles, principals, dev tokens and FastAPI dependencies.

Dev mode signs and verifies HS256 with a shared dev secret so `onewindow token` works out of
the box; prod mode verifies RS256 against a configured public key only and never issues tokens.
"""

from collections.abc import Callable, Coroutine, Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Literal, Self

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jwt.algorithms import RSAAlgorithm
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_ALGORITHM = "HS256"
PROD_ALGORITHM = "RS256"
# Claims a token must carry; center and department are optional (applicants have neither).
REQUIRED_CLAIMS = ["sub", "role", "iss", "aud", "exp"]


class Role(StrEnum):
    """What a principal may do; one role per token."""

    admin = "admin"
    clerk = "clerk"
    reviewer = "reviewer"
    approver = "approver"
    supervisor = "supervisor"
    integrator = "integrator"
    applicant = "applicant"


_ROLE_VALUES = frozenset(role.value for role in Role)
# Roles whose view spans their own center and every center below it.
CENTER_WIDE_ROLES = frozenset({Role.admin, Role.supervisor, Role.integrator})


class Principal(BaseModel):
    """The authenticated caller, as stated by a verified token."""

    model_config = ConfigDict(frozen=True)

    sub: str
    role: Role
    center: str | None = None
    department: str | None = None


class AuthSettings(BaseSettings):
    """Token verification settings, read from the environment (AUTH_MODE, JWT_PUBLIC_KEY, …)."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    auth_mode: Literal["dev", "prod"] = "dev"
    # 32 bytes is the HS256 minimum (RFC 7518 §3.2); PyJWT warns below it.
    onewindow_dev_secret: str = Field(
        default="onewindow-dev-secret-NOT-FOR-PRODUCTION", min_length=32
    )
    jwt_public_key: str = ""
    jwt_issuer: str = "onewindow"
    jwt_audience: str = "onewindow"

    @model_validator(mode="after")
    def _prod_needs_public_key(self) -> Self:
        # Fail at startup rather than answering every request with 401.
        if self.auth_mode == "prod" and not self.jwt_public_key.strip():
            raise ValueError("AUTH_MODE=prod requires JWT_PUBLIC_KEY (an RSA public key in PEM)")
        # A dev secret in a production environment means someone expects HS256 tokens to work.
        if self.auth_mode == "prod" and "onewindow_dev_secret" in self.model_fields_set:
            raise ValueError("ONEWINDOW_DEV_SECRET is for AUTH_MODE=dev only: unset it in prod")
        return self


class InvalidToken(Exception):
    """A bearer token that cannot be trusted; the message says why."""


class DevTokensDisabled(RuntimeError):
    """Raised when asked to issue a dev token while AUTH_MODE=prod."""


def issue_dev_token(
    *,
    sub: str,
    role: Role | str,
    center: str | None = None,
    department: str | None = None,
    settings: AuthSettings | None = None,
    ttl: timedelta = timedelta(hours=12),
) -> str:
    """Sign an HS256 dev token with the dev secret; refused in prod mode."""
    if settings is None:
        settings = get_auth_settings()
    if settings.auth_mode == "prod":
        raise DevTokensDisabled("dev tokens cannot be issued when AUTH_MODE=prod")
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": sub,
        "role": Role(role).value,
        "center": center,
        "department": department,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.onewindow_dev_secret, algorithm=DEV_ALGORITHM)


def decode_token(token: str, settings: AuthSettings) -> Principal:
    """Verify a bearer token for the configured mode and return its Principal."""
    # One algorithm per mode, fixed by configuration and never taken from the token header:
    # accepting HS256 in prod would let anyone sign with the (public) RSA key as HMAC secret.
    prod = settings.auth_mode == "prod"
    algorithm = PROD_ALGORITHM if prod else DEV_ALGORITHM
    try:
        key = _public_key(settings.jwt_public_key) if prod else settings.onewindow_dev_secret
        claims = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": REQUIRED_CLAIMS, "enforce_minimum_key_length": True},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(_explain(exc, settings, algorithm)) from exc
    return _principal_from(claims)


@lru_cache(maxsize=8)
def _public_key(pem: str) -> RSAPublicKey:
    """Prod's RSA public key, parsed once rather than at every request (~80 µs each)."""
    key = RSAAlgorithm(RSAAlgorithm.SHA256).prepare_key(pem)
    if not isinstance(key, RSAPublicKey):
        raise jwt.InvalidKeyError("JWT_PUBLIC_KEY holds a private key, not the public one")
    return key


def _explain(exc: jwt.PyJWTError, settings: AuthSettings, algorithm: str) -> str:
    """Turn a PyJWT error into a message a caller can act on."""
    if isinstance(exc, jwt.ExpiredSignatureError):
        return "token has expired"
    if isinstance(exc, jwt.ImmatureSignatureError):
        return "token is not valid yet"
    if isinstance(exc, jwt.InvalidSignatureError):
        return "token signature is invalid"
    if isinstance(exc, jwt.InvalidAlgorithmError):
        return f"token algorithm is not accepted: this service only accepts {algorithm}"
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"token is missing the '{exc.claim}' claim"
    if isinstance(exc, jwt.InvalidAudienceError):
        return f"token audience is not '{settings.jwt_audience}'"
    if isinstance(exc, jwt.InvalidIssuerError):
        return f"token issuer is not '{settings.jwt_issuer}'"
    if isinstance(exc, jwt.InvalidKeyError):
        return f"the service's verification key is unusable: {exc}"
    if isinstance(exc, jwt.DecodeError):
        return "token is malformed (not a JWT)"
    return f"token is invalid: {exc}"


def _principal_from(claims: dict[str, Any]) -> Principal:
    """Build the Principal from verified claims, rejecting unknown roles and odd types."""
    role = claims["role"]
    if not isinstance(role, str) or role not in _ROLE_VALUES:
        raise InvalidToken(f"token has unknown role {role!r}; known roles: {', '.join(Role)}")
    try:
        return Principal(
            sub=claims["sub"],
            role=Role(role),
            center=claims.get("center"),
            department=claims.get("department"),
        )
    except ValidationError as exc:
        fields = ", ".join(str(error["loc"][0]) for error in exc.errors())
        raise InvalidToken(f"token has claims of the wrong type: {fields}") from exc


@lru_cache
def get_auth_settings() -> AuthSettings:
    """The process-wide auth settings (override in tests via app.dependency_overrides)."""
    return AuthSettings()


AuthSettingsDep = Annotated[AuthSettings, Depends(get_auth_settings)]
_bearer = HTTPBearer(auto_error=False, description="A JWT: `onewindow token …` in dev mode.")
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


def auth_settings_of(app: object) -> AuthSettings:
    """The auth settings an app verifies with: `get_auth_settings`, or its test override."""
    overrides = getattr(app, "dependency_overrides", {})
    settings: AuthSettings = overrides.get(get_auth_settings, get_auth_settings)()
    return settings


async def current_principal(credentials: BearerCredentials, request: Request) -> Principal:
    """The caller's Principal from `Authorization: Bearer …`, or 401."""
    # The settings are read here, not as a dependency: FastAPI runs a plain function
    # dependency in its thread pool, two thread hand-offs on every request.
    settings = auth_settings_of(request.app)
    if credentials is None:
        raise _unauthorized("a bearer token is required (Authorization: Bearer <token>)")
    try:
        return decode_token(credentials.credentials, settings)
    except InvalidToken as exc:
        raise _unauthorized(str(exc)) from exc


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
PrincipalDependency = Callable[[Principal], Coroutine[Any, Any, Principal]]


def require(*roles: Role) -> PrincipalDependency:
    """A dependency giving the caller's Principal if it holds one of `roles`, else 403."""
    if not roles:
        raise ValueError("require() needs at least one role")
    allowed = frozenset(roles)
    needed = " or ".join(f"'{role}'" for role in roles)

    async def principal_with_role(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN,
                detail=f"this action needs role {needed}; the token has role '{principal.role}'",
            )
        return principal

    return principal_with_role


def can_see_center(
    principal: Principal, center_code: str, child_centers: Iterable[str] = ()
) -> bool:
    """Whether the principal may see `center_code`; `child_centers` lie below its own center."""
    # Fail closed: a token without a center (applicants, misissued tokens) sees no center.
    if principal.center is None:
        return False
    if principal.center == center_code:
        return True
    return principal.role in CENTER_WIDE_ROLES and center_code in set(child_centers)


def within_department(principal: Principal, department: str | None) -> bool:
    """Whether a department's data is the principal's to see: a department's staff see their
    own department's only; center-wide roles and staff of no department see every one."""
    if principal.role in CENTER_WIDE_ROLES or principal.department is None:
        return True
    return department is not None and same_department(principal, department)


def same_department(principal: Principal, department: str) -> bool:
    """Whether the principal belongs to `department`."""
    return principal.department is not None and principal.department == department
