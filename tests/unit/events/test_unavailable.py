"""A database that went away is told apart from a wrong request (503 and retry, not 500)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from libs.events.db import is_unavailable

pytestmark = pytest.mark.unit


def wrapped(cause: Exception) -> DBAPIError:
    """As SQLAlchemy's asyncpg dialect raises it: a DBAPIError around the adapter's error."""
    orig = Exception(str(cause))
    orig.__cause__ = cause
    return DBAPIError("SELECT 1", None, orig)


def test_a_lost_connection_or_a_server_shutting_down_is_unavailable() -> None:
    lost = asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")
    assert is_unavailable(wrapped(lost))
    assert is_unavailable(wrapped(asyncpg.AdminShutdownError("terminating connection")))
    assert is_unavailable(wrapped(asyncpg.CannotConnectNowError("the database is starting up")))
    assert is_unavailable(OperationalError("SELECT 1", None, Exception()))
    assert is_unavailable(ConnectionRefusedError())


def test_a_broken_rule_or_a_bad_statement_is_not() -> None:
    assert not is_unavailable(wrapped(asyncpg.UniqueViolationError("duplicate key")))
    assert not is_unavailable(wrapped(asyncpg.PostgresSyntaxError("syntax error")))
    assert not is_unavailable(IntegrityError("INSERT", None, Exception()))
    assert not is_unavailable(ValueError("a defect"))
