"""收件 and 一次告知: one complete notice, and later notices only ever shrink it."""

from __future__ import annotations

import pytest

from libs.events.contract import CaseSubmitted, CaseSupplemented, CaseSupplementRequested
from services.intake.domain import rules
from services.intake.domain.submission import submit
from tests.unit.intake.given import NOW, applicant, case_from, item, receipt, submitted, then

pytestmark = pytest.mark.unit


def test_a_complete_submission_needs_no_notice() -> None:
    [event] = submit(item(), receipt(["APP", "LIC", "LAY", "HLT"]), now=NOW)
    assert isinstance(event, CaseSubmitted)
    assert event.missing == [] and event.materials == ["APP", "LIC", "LAY", "HLT"]
    assert (event.item_code, event.item_version, event.department, event.kind) == (
        "SCJG-003",
        1,
        "SCJG",
        "promised",
    )
    assert event.submitted_by == "clerk-1" and event.channel == "window"
    assert case_from([event]).status == "submitted"


def test_the_first_notice_names_every_missing_required_material_at_once() -> None:
    submitted_event, notice = submit(item(), receipt(["LAY", "AUTH"]), now=NOW)
    assert isinstance(notice, CaseSupplementRequested)
    assert notice.missing == ["APP", "LIC", "HLT"]  # in the item's order; AUTH is optional
    assert notice.notice_no == 1
    assert isinstance(submitted_event, CaseSubmitted)
    assert submitted_event.missing == notice.missing
    assert submitted_event.materials == ["LAY", "AUTH"]


def test_a_rejected_material_counts_as_missing_with_its_reason() -> None:
    rejected = {"LIC": "营业执照已过期 (expired)"}
    _, notice = submit(item(), receipt(["APP", "LIC", "LAY", "HLT"], rejected=rejected), now=NOW)
    assert isinstance(notice, CaseSupplementRequested)
    assert notice.missing == ["LIC"] and notice.reasons == rejected


def test_unknown_material_codes_are_refused_by_name() -> None:
    with pytest.raises(rules.UnknownMaterials) as caught:
        submit(item(), receipt(["APP", "XYZ"]), now=NOW)
    assert caught.value.extra["materials"] == ["XYZ"]


def test_an_item_closed_to_online_application_refuses_online_cases() -> None:
    with pytest.raises(rules.OnlineApplicationNotAllowed):
        submit(item(online=False), receipt(["APP"], channel="online"), now=NOW)


def test_an_invalid_applicant_is_refused_before_anything_happens() -> None:
    bad = applicant(phone="010-1234")
    with pytest.raises(rules.InvalidApplicant) as caught:
        submit(item(), receipt(["APP"], applicant=bad), now=NOW)
    assert caught.value.rule == "MobileNumberFormat"


def test_the_applicant_is_recorded_normalised() -> None:
    person = applicant(id_no="11010519491231002x", phone="+86 138 0013 8000")
    [event, *_] = submit(item(), receipt(["APP"], applicant=person), now=NOW)
    assert isinstance(event, CaseSubmitted)
    assert (event.applicant.id_no, event.applicant.phone) == ("11010519491231002X", "13800138000")


def test_a_further_notice_names_only_what_is_still_missing_from_the_first() -> None:
    case = submitted(["APP"])
    supplemented, notice = case.supplement(item(), ["LIC", "LAY"], {})
    assert isinstance(supplemented, CaseSupplemented) and isinstance(
        notice, CaseSupplementRequested
    )
    assert supplemented.materials == ["LIC", "LAY"] and supplemented.missing == ["HLT"]
    assert notice.missing == ["HLT"] and notice.notice_no == 2


def test_a_supplemented_material_found_wrong_stays_in_the_notice_with_its_reason() -> None:
    case = submitted(["APP", "LIC", "LAY"])
    _, notice = case.supplement(item(), ["HLT"], {"HLT": "健康证明已过期"})
    assert isinstance(notice, CaseSupplementRequested)
    assert notice.missing == ["HLT"] and notice.reasons == {"HLT": "健康证明已过期"}


def test_a_complete_supplement_ends_the_notices() -> None:
    case = submitted(["APP", "LIC"])
    events = case.supplement(item(), ["LAY", "HLT", "AUTH"], {})
    assert [type(e) for e in events] == [CaseSupplemented]
    assert then(case, events).status == "submitted"
    assert case.provided == ["APP", "LIC", "LAY", "HLT", "AUTH"]


def test_a_material_accepted_before_can_never_be_demanded_again() -> None:
    case = submitted(["APP", "LIC"])
    with pytest.raises(rules.AcceptedMaterialsCannotBeReopened) as caught:
        case.supplement(item(), ["LAY"], {"LIC": "on second thought"})
    assert caught.value.extra["materials"] == ["LIC"]
    assert "一次告知" in caught.value.detail


def test_a_new_demand_for_something_visible_the_first_time_is_refused() -> None:
    # History from an older release: the first notice missed HLT although it was never given.
    first = submit(item(), receipt(["APP", "LIC", "LAY", "HLT"]), now=NOW)
    assert isinstance(first[0], CaseSubmitted)
    partial = first[0].model_copy(update={"materials": ["APP", "LIC", "LAY"]})
    case = case_from([partial])
    with pytest.raises(rules.NoticeMayOnlyNameFirstNotice) as caught:
        case.supplement(item(), ["AUTH"], {})
    assert caught.value.extra["materials"] == ["HLT"]


def test_a_supplement_must_bring_something() -> None:
    with pytest.raises(rules.NothingSupplemented):
        submitted(["APP"]).supplement(item(), ["APP"], {})
