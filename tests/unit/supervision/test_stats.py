"""Statistics against hand-computed fixtures, with the seeds' definitions of the rates."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.supervision.domain.stats import CaseRecord, Period, figures, grouped, rolling
from tests.unit.supervision.given import bj

pytestmark = pytest.mark.unit

MARCH = Period(bj(2026, 3, 1, 0), bj(2026, 4, 1, 0), bj(2026, 4, 1, 0))


def case(
    n: int,
    *,
    received=None,
    accepted=None,
    completed=None,
    outcome=None,
    used=None,
    limit=10,
    center="350500",
    department="SCJG",
    known=None,
):  # type: ignore[no-untyped-def]
    return CaseRecord(
        case_id=f"c{n}",
        center=center,
        department=department,
        item_code="SP-001",
        received_at=received,
        received_known=known or received,
        accepted_at=accepted,
        accepted_known=known or accepted,
        completed_at=completed,
        completed_known=known or completed,
        outcome=outcome,
        used_days=used,
        limit_days=limit,
    )


def test_hand_computed_month() -> None:
    d = bj(2026, 3, 10)
    records = [
        case(1, received=d, accepted=d, completed=d, outcome="early", used=2.0, limit=10),
        case(2, received=d, accepted=d, completed=d, outcome="on_time", used=5.0, limit=5),
        case(3, received=d, accepted=d, completed=d, outcome="overdue", used=12.0, limit=10),
        case(4, received=d, accepted=d),  # still open
        case(5, received=d),  # received, never accepted (refused)
        case(
            6,
            received=bj(2026, 2, 27),
            accepted=bj(2026, 2, 27),
            completed=d,
            outcome="early",
            used=1.0,
            limit=3,
        ),
    ]
    f = figures(records, MARCH)
    assert (f.received, f.accepted, f.completed) == (5, 4, 4)
    assert (f.early, f.on_time, f.overdue) == (2, 3, 1)
    assert f.on_time_rate == 0.75  # 3 completed within the limit / 4 completed
    assert f.early_rate == 0.5  # 2 completed early / 4 completed
    assert f.average_working_days == 5.0  # (2 + 5 + 12 + 1) / 4
    assert f.average_promised_days == 7.0  # (10 + 5 + 10 + 3) / 4


def test_rates_are_over_completed_cases_only() -> None:
    # Ankang: 99.8% of the completed cases on time; cases still open never lower the rate.
    d = bj(2026, 3, 10)
    ankang = [case(i, received=d, accepted=d, completed=d, outcome="on_time") for i in range(998)]
    ankang += [
        case(5_000 + i, received=d, accepted=d, completed=d, outcome="overdue") for i in (1, 2)
    ]
    ankang += [case(10_000 + i, received=d, accepted=d) for i in range(300)]  # not yet due
    assert round(figures(ankang, MARCH).on_time_rate * 100, 1) == 99.8  # type: ignore[operator]
    fresh = [case(1, received=d, accepted=d)]  # a fresh item: nothing completed, nothing overdue
    assert (figures(fresh, MARCH).on_time_rate, figures(fresh, MARCH).early_rate) == (None, None)
    # Quanzhou: 46,637 completed early of 50,000 completed: 提前办结率 93.3%.
    quanzhou = [case(i, received=d, completed=d, outcome="early") for i in range(46637)]
    quanzhou += [case(100_000 + i, received=d, completed=d, outcome="on_time") for i in range(3363)]
    quanzhou += [case(200_000 + i, received=d) for i in range(20000)]
    assert round(figures(quanzhou, MARCH).early_rate * 100, 1) == 93.3  # type: ignore[operator]


def test_as_of_reproduces_a_past_report_exactly() -> None:
    d = bj(2026, 3, 10)
    late_news = case(1, received=d, accepted=d, completed=d, outcome="early", known=bj(2026, 4, 2))
    records = [case(2, received=d, accepted=d), late_news]
    issued = Period(MARCH.start, MARCH.end, bj(2026, 4, 1, 9))
    assert figures(records, issued).completed == 0  # what the report of 1 April said
    again = Period(MARCH.start, MARCH.end, bj(2026, 4, 3))
    assert figures(records, again).completed == 1


def test_groups_by_center_and_department() -> None:
    d = bj(2026, 3, 10)
    records = [
        case(1, received=d, accepted=d, center="350521"),
        case(2, received=d, accepted=d, center="350500", department="GTJ"),
        case(3, received=d, accepted=d, center="350500"),
    ]
    by_center = grouped(records, MARCH, lambda r: r.center)
    assert {k: f.accepted for k, f in by_center.items()} == {"350500": 2, "350521": 1}
    by_department = grouped(records, MARCH, lambda r: r.department)
    assert {k: f.accepted for k, f in by_department.items()} == {"GTJ": 1, "SCJG": 2}


def test_rolling_trend_one_point_a_day() -> None:
    d = bj(2026, 3, 10)
    records = [case(1, received=d, accepted=d, completed=d + timedelta(days=1), outcome="on_time")]
    points = rolling(records, last=bj(2026, 3, 13, 0), days=3, window=30)
    assert [p[1].on_time_rate for p in points] == [None, 1.0, 1.0]
    assert all(isinstance(p[0], datetime) for p in points)
