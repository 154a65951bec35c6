"""Timeline lines name materials, not their codes."""

from __future__ import annotations

import pytest

from libs.events import schemas as s
from services.supervision.domain.timeline import describe
from tests.unit.supervision.given import accepted, bj, submitted

pytestmark = pytest.mark.unit
NAMES = {"LIC": "营业执照复印件", "LAY": "经营场所平面布局图"}


def test_material_lines_use_the_names_the_case_was_submitted_with() -> None:
    received = submitted("c", bj(2026, 9, 15), missing=("LIC",))
    assert "一次性告知缺少 营业执照复印件" in (describe(received, NAMES) or "")
    notice = s.CaseSupplementRequested(case_id="c", center="350500", missing=["LAY"], notice_no=2)
    assert describe(notice, NAMES) == "一次性告知（第2次）：需补正 经营场所平面布局图"
    tolerated = accepted("c", bj(2026, 9, 16), 10).model_copy(update={"tolerated_missing": ["LAY"]})
    assert "容缺受理，缺 经营场所平面布局图" in (describe(tolerated, NAMES) or "")
    assert "M99" in (describe(submitted("c", bj(2026, 9, 15), missing=("M99",)), NAMES) or "")
