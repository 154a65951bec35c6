"""The other identity documents a center sees: passports, permits, permanent residence IDs."""

from __future__ import annotations

import pytest

from libs.events.schemas import Applicant
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
