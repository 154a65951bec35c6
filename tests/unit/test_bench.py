"""`make bench` stays runnable: its sections are the issue's figures (it never runs in tests)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit


def test_the_bench_names_every_figure_and_percentiles_are_sane() -> None:
    from bench.common import percentile
    from bench.run import FIGURES, SECTIONS

    assert set(FIGURES) == {
        "store_append",
        "relay",
        "projection",
        "intake_http",
        "end_to_end",
        "tick",
        "rebuild",
    }
    assert set(SECTIONS) == {"store_append", "relay", "projection", "http", "tick", "rebuild"}
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0 and percentile([1.0, 2.0], 99) == 2.0
