"""Applicant checks: GB 11643 resident IDs, GB 32100 credit codes, mainland mobile numbers."""

from __future__ import annotations

import pytest

from libs.events.http import STATUS_OF
from services.intake.domain.identity import (
    check_applicant,
    credit_code_check_char,
    credit_code_problems,
    normalize_phone,
    phone_problems,
    resident_id_check_digit,
    resident_id_problems,
)
from services.intake.domain.rules import InvalidApplicant

pytestmark = pytest.mark.unit


def rules_of(problems: list) -> list[str]:
    return [p.rule for p in problems]


@pytest.mark.parametrize(
    "id_no",
    ["11010519491231002X", "440524188001010014", "350521199001010017", "110101200001010010"],
)
def test_valid_resident_ids_pass(id_no: str) -> None:
    assert resident_id_problems(id_no) == []


def test_check_digit_follows_mod_11_2() -> None:
    assert resident_id_check_digit("11010519491231002") == "X"
    assert resident_id_check_digit("44052418800101001") == "4"


def test_a_wrong_check_digit_is_named() -> None:
    assert rules_of(resident_id_problems("110105194912310021")) == ["ResidentIdCheckDigit"]


@pytest.mark.parametrize(
    "id_no",
    ["11010519491231002", "1101051949123100212", "11010519491231002Y", "A10105194912310021"],
)
def test_malformed_resident_ids_are_a_format_error(id_no: str) -> None:
    assert rules_of(resident_id_problems(id_no)) == ["ResidentIdFormat"]


def test_an_impossible_birth_date_is_named() -> None:
    first17 = "11010519490231002"  # 31 February
    id_no = first17 + resident_id_check_digit(first17)
    assert rules_of(resident_id_problems(id_no)) == ["ResidentIdBirthDate"]


def test_an_unknown_province_is_named() -> None:
    first17 = "99010519491231002"
    id_no = first17 + resident_id_check_digit(first17)
    assert rules_of(resident_id_problems(id_no)) == ["ResidentIdRegion"]


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",
        "91330100799655058B",
        "914403001922038216",
        "9144030071526726XG",
        "91110000802100433B",
    ],
)
def test_real_credit_codes_pass(code: str) -> None:
    assert credit_code_problems(code) == []


def test_credit_check_character_follows_gb_32100() -> None:
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert credit_code_check_char("9144030071526726X") == "G"


def test_a_wrong_credit_check_character_is_named() -> None:
    assert rules_of(credit_code_problems("91350100M000100Y44")) == ["CreditCodeCheckDigit"]


@pytest.mark.parametrize(
    "code", ["91350100M000100Y4", "91350100O000100Y43", "01350100M000100Y43", "9135010 M000100Y43"]
)
def test_malformed_credit_codes_are_a_format_error(code: str) -> None:
    # too short; the letter O is not in the GB 32100 alphabet; 0 registers nothing; a space
    assert rules_of(credit_code_problems(code)) == ["CreditCodeFormat"]


@pytest.mark.parametrize(
    ("given", "number"),
    [
        ("13800138000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("8619912345678", "19912345678"),
    ],
)
def test_mobile_numbers_are_normalised(given: str, number: str) -> None:
    assert normalize_phone(given) == number
    assert phone_problems(given) == []


@pytest.mark.parametrize("phone", ["12800138000", "1380013800", "0595-22222222", "abc"])
def test_non_mobile_numbers_are_refused(phone: str) -> None:
    assert rules_of(phone_problems(phone)) == ["MobileNumberFormat"]


def test_every_broken_field_is_named_at_once() -> None:
    with pytest.raises(InvalidApplicant) as caught:
        check_applicant("resident", "110105194912310021", "123")
    problem = caught.value
    assert STATUS_OF[problem.kind] == 422 and problem.rule == "ResidentIdCheckDigit"
    assert problem.extra["field"] == "applicant.id_no"
    assert [(e["field"], e["rule"]) for e in problem.extra["errors"]] == [
        ("applicant.id_no", "ResidentIdCheckDigit"),
        ("applicant.phone", "MobileNumberFormat"),
    ]
    assert "GB 11643" in problem.detail


def test_an_enterprise_is_checked_against_gb_32100_and_lower_case_is_accepted() -> None:
    check_applicant("enterprise", "91350100m000100y43", "13800138000")
    check_applicant("resident", "11010519491231002x", "13800138000")
    with pytest.raises(InvalidApplicant) as caught:
        check_applicant("enterprise", "11010519491231002X", "13800138000")
    assert caught.value.rule == "CreditCodeCheckDigit"


def test_an_unknown_id_type_is_named() -> None:
    with pytest.raises(InvalidApplicant) as caught:
        check_applicant("driving_licence", "E12345678", "13800138000")
    assert caught.value.rule == "IdTypeUnknown"
    assert caught.value.extra["field"] == "applicant.id_type"
