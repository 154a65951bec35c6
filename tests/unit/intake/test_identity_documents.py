"""The other identity documents a center sees: passports, permits, permanent residence IDs."""

from __future__ import annotations

import pytest

from libs.events.contract import Applicant
from services.intake.domain.identity import check_applicant, masked_applicant
from services.intake.domain.rules import InvalidApplicant

pytestmark = pytest.mark.unit
PHONE = "13800138000"


@pytest.mark.parametrize(
    ("id_type", "id_no"),
    [
        ("passport", "E12345678"),
        ("passport", "ea1234567"),  # typed in lower case
        ("hk_macao_permit", "H12345678"),
        ("hk_macao_permit", "M1234567890"),  # an older book
        ("taiwan_permit", "01234567"),
        ("hmt_residence", "810000199001011230"),
        ("hmt_residence", "820000198512314564"),
        ("foreign_permanent", "USA350919900101"),  # 2017 form
        ("foreign_permanent", "935156199001010018"),  # 2023 form
    ],
)
def test_each_document_accepts_its_format(id_type: str, id_no: str) -> None:
    check_applicant(id_type, id_no, PHONE)


@pytest.mark.parametrize(
    ("id_type", "id_no", "rule"),
    [
        ("passport", "E12-456", "PassportNumberFormat"),
        ("hk_macao_permit", "X12345678", "HongKongMacaoPermitFormat"),
        ("hk_macao_permit", "H1234567", "HongKongMacaoPermitFormat"),
        ("taiwan_permit", "T1234567", "TaiwanPermitFormat"),
        ("hmt_residence", "110105194912310021", "ResidencePermitRegion"),  # a mainland number
        ("hmt_residence", "810000199001011231", "ResidentIdCheckDigit"),
        ("foreign_permanent", "US3509199001011", "PermanentResidenceIdFormat"),
        ("foreign_permanent", "135156199001010018", "PermanentResidenceIdFormat"),
        ("foreign_permanent", "935156199001010019", "PermanentResidenceIdCheckDigit"),
        ("foreign_permanent", "935156199013010012", "PermanentResidenceIdBirthDate"),
        ("driving_licence", "123", "IdTypeUnknown"),
    ],
)
def test_each_document_names_its_broken_rule(id_type: str, id_no: str, rule: str) -> None:
    with pytest.raises(InvalidApplicant) as refused:
        check_applicant(id_type, id_no, PHONE)
    assert refused.value.rule == rule
    assert refused.value.extra["errors"][0]["field"] in ("applicant.id_no", "applicant.id_type")


def test_answers_mask_the_number_and_phone_whatever_the_document() -> None:
    person = Applicant(name="Ana", id_type="passport", id_no="E12345678", phone=PHONE)
    assert masked_applicant(person) == {
        "name": "Ana",
        "id_type": "passport",
        "id_type_name": "护照",
        "id_no": "E1****678",
        "phone": "138****8000",
    }
    resident = Applicant(name="张三", id_type="resident", id_no="810000199001011230", phone=PHONE)
    assert masked_applicant(resident)["id_no"] == "810000********1230"


@pytest.mark.parametrize(
    ("id_type", "id_no", "words"),
    [
        ("resident", "11010519491231002", "居民身份证号码应为 18 位"),
        ("resident", "990105194912310023", "地区码 990105"),
        ("resident", "110105194913310021", "第 7-14 位（19491331）不是有效的出生日期"),
        ("resident", "110105194912310021", "居民身份证号码末位校验码"),
        ("enterprise", "91350100M000100Y4", "统一社会信用代码应为 18 位"),
        ("enterprise", "91350100M000100Y44", "统一社会信用代码末位校验码"),
        ("passport", "E12-456", "护照号码应为 5 至 17 位"),
        ("hk_macao_permit", "X12345678", "港澳居民来往内地通行证号码应为 H"),
        ("taiwan_permit", "T1234567", "台湾居民来往大陆通行证号码应为 8 位数字"),
        ("hmt_residence", "110105194912310021", "港澳台居民居住证号码应以 810000"),
        ("hmt_residence", "810000199001011231", "港澳台居民居住证号码末位校验码"),
        ("foreign_permanent", "US3509199001011", "外国人永久居留身份证号码应为 3 位字母"),
        ("foreign_permanent", "935156199001010019", "外国人永久居留身份证号码末位校验码"),
        ("foreign_permanent", "935156199013010012", "外国人永久居留身份证号码第 7-14 位"),
        ("driving_licence", "123", "证件类型应为：居民身份证、统一社会信用代码、护照"),
    ],
)
def test_each_document_failure_has_its_own_chinese_message(
    id_type: str, id_no: str, words: str
) -> None:
    with pytest.raises(InvalidApplicant) as refused:
        check_applicant(id_type, id_no, PHONE)
    assert words in (refused.value.detail_zh or ""), refused.value.detail_zh
    assert refused.value.detail_zh != InvalidApplicant.zh
    assert words in refused.value.extra["errors"][0]["message_zh"]


def test_a_wrong_phone_beside_a_wrong_number_says_both_in_chinese() -> None:
    with pytest.raises(InvalidApplicant) as refused:
        check_applicant("passport", "E12-456", "12345")
    assert refused.value.detail_zh == (
        "护照号码应为 5 至 17 位字母或数字；手机号码应为 13-19 开头的 11 位大陆手机号（可带 +86）"
    )
