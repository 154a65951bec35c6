"""Case numbers, query codes, and the limiter against guessing query codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from libs.events.clock import FixedClock
from services.intake.adapters.ratelimit import FailureLimiter, LookupGuard
from services.intake.domain.numbers import QUERY_ALPHABET, case_number, new_query_code

pytestmark = pytest.mark.unit


def test_case_numbers_carry_center_day_and_sequence() -> None:
    assert case_number("350500", date(2026, 11, 25), 42) == "35050020261125000042"
    assert case_number("350521", date(2026, 11, 25), 42) != case_number(
        "350500", date(2026, 11, 25), 42
    )


def test_query_codes_are_six_unambiguous_random_characters() -> None:
    codes = {new_query_code() for _ in range(500)}
    assert len(codes) > 490
    assert all(len(c) == 6 and set(c) <= set(QUERY_ALPHABET) for c in codes)
    assert not set("01IO") & set(QUERY_ALPHABET)


def test_the_limiter_blocks_after_five_failures_in_ten_minutes() -> None:
    clock = FixedClock(datetime(2026, 11, 25, 2, tzinfo=UTC))
    limiter = FailureLimiter(limit=5, window=timedelta(minutes=10), clock=clock)
    for _ in range(4):
        limiter.fail("ip|case")
        clock.advance(timedelta(minutes=1))
    assert not limiter.blocked("ip|case")
    limiter.fail("ip|case")
    assert limiter.blocked("ip|case") and not limiter.blocked("ip|other")
    assert limiter.retry_after("ip|case") == 6 * 60
    clock.advance(timedelta(minutes=6, seconds=1))
    assert not limiter.blocked("ip|case")
    assert limiter.retry_after("nobody") == 0


def test_the_guard_also_limits_one_client_across_case_numbers() -> None:
    clock = FixedClock(datetime(2026, 11, 25, 2, tzinfo=UTC))
    guard = LookupGuard(per_case=5, per_client=8, window=timedelta(minutes=10), clock=clock)
    for n in range(8):
        assert guard.wait("1.2.3.4", f"case-{n}") == 0
        guard.fail("1.2.3.4", f"case-{n}")
    assert guard.wait("1.2.3.4", "case-99") == 600
    assert guard.wait("5.6.7.8", "case-0") == 0
