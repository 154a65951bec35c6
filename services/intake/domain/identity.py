"""Applicant identity checks: GB 11643 resident IDs, GB 32100 credit codes, the permits and
passports a center sees every day, mainland mobiles; and how numbers are masked in answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from libs.events.contract import Applicant
from services.intake.domain.rules import InvalidApplicant

IdType = Literal[
    "resident",  # 居民身份证
    "enterprise",  # 统一社会信用代码
    "passport",  # 护照
    "hk_macao_permit",  # 港澳居民来往内地通行证
    "taiwan_permit",  # 台湾居民来往大陆通行证
    "hmt_residence",  # 港澳台居民居住证
    "foreign_permanent",  # 外国人永久居留身份证 (2017 and 2023 formats)
]
ID_TYPE_NAMES: dict[str, str] = {
    "resident": "居民身份证",
    "enterprise": "统一社会信用代码",
    "passport": "护照",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "hmt_residence": "港澳台居民居住证",
    "foreign_permanent": "外国人永久居留身份证",
}

# GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
# Province-level codes (GB/T 2260) a resident ID's first two digits may carry.
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)
# GB 32100-2015: 31 characters (no I, O, S, V, Z), weights 3^i mod 31.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PATTERN = re.compile(rf"^[1-9ANY][{_USCC_CHARS}]{{17}}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE_NOISE = re.compile(r"[\s\-()]")


@dataclass(frozen=True)
class IdentityProblem:
    """One broken rule: the field, the rule's name and what is wrong."""

    field: str
    rule: str
    message: str
    message_zh: str


def resident_id_check_digit(first17: str) -> str:
    """The GB 11643 check character for 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def resident_id_problems(
    id_no: str, field: str = "applicant.id_no", document: str = "居民身份证"
) -> list[IdentityProblem]:
    """What is wrong with an 18-digit resident ID number (empty when valid); the Chinese
    messages name the document carrying the number."""
    if not _ID_PATTERN.match(id_no):
        msg = "a resident ID has 18 characters: 17 digits and a check digit 0-9 or X (GB 11643)"
        zh = f"{document}号码应为 18 位：17 位数字加 1 位校验码（0-9 或 X）（GB 11643）"
        return [IdentityProblem(field, "ResidentIdFormat", msg, zh)]
    problems = []
    if id_no[:2] not in _PROVINCES:
        msg = f"the region code {id_no[:6]} names no province (GB/T 2260)"
        zh = f"{document}号码前 6 位地区码 {id_no[:6]} 不对应任何省级行政区（GB/T 2260）"
        problems.append(IdentityProblem(field, "ResidentIdRegion", msg, zh))
    if not _valid_birth_date(id_no[6:14]):
        msg = f"digits 7-14 ({id_no[6:14]}) are not a valid date of birth"
        zh = f"{document}号码第 7-14 位（{id_no[6:14]}）不是有效的出生日期"
        problems.append(IdentityProblem(field, "ResidentIdBirthDate", msg, zh))
    if resident_id_check_digit(id_no[:17]) != id_no[17]:
        msg = "the check digit does not match the first 17 digits (GB 11643, MOD 11-2)"
        zh = f"{document}号码末位校验码与前 17 位不符，请核对号码（GB 11643）"
        problems.append(IdentityProblem(field, "ResidentIdCheckDigit", msg, zh))
    return problems


def _valid_birth_date(digits: str) -> bool:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return born.year >= 1880


def credit_code_problems(code: str, field: str = "applicant.id_no") -> list[IdentityProblem]:
    """What is wrong with a unified social credit code (empty when valid)."""
    if not _USCC_PATTERN.match(code):
        msg = (
            "a unified social credit code has 18 characters from 0-9 and A-Y without "
            "I, O, S, V, Z, starting with a registration authority code (GB 32100)"
        )
        zh = (
            "统一社会信用代码应为 18 位，由数字和除 I、O、S、V、Z 以外的大写字母组成，"
            "首位为登记管理部门代码（GB 32100）"
        )
        return [IdentityProblem(field, "CreditCodeFormat", msg, zh)]
    if credit_code_check_char(code[:17]) != code[17]:
        msg = "the check character does not match the first 17 characters (GB 32100)"
        zh = "统一社会信用代码末位校验码与前 17 位不符，请核对代码（GB 32100）"
        return [IdentityProblem(field, "CreditCodeCheckDigit", msg, zh)]
    return []


# ICAO 9303 document numbers; some states issue longer ones, continued in the optional data.
_PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")
# 回乡证: H (Hong Kong) or M (Macao) and 8 digits (cards since 2013; older books 10 digits).
_HK_MACAO = re.compile(r"^[HM]\d{8}(\d{2})?$")
# 台胞证: 8 digits on the card issued since 2015 (the older books have all expired).
_TAIWAN = re.compile(r"^\d{8}$")
# 港澳台居民居住证: a GB 11643 number with the region code 810000, 820000 or 830000.
_HMT_REGIONS = frozenset({"810000", "820000", "830000"})
# 外国人永久居留身份证 2017: 3 letters (ISO 3166-1 alpha-3 nationality) and 12 digits.
_FOREIGN_2017 = re.compile(r"^[A-Z]{3}\d{12}$")


def _rule(pattern: re.Pattern[str], rule: str, message: str, zh: str) -> _Check:
    def check(number: str, field: str) -> list[IdentityProblem]:
        return [] if pattern.match(number) else [IdentityProblem(field, rule, message, zh)]

    return check


def hmt_residence_problems(id_no: str, field: str = "applicant.id_no") -> list[IdentityProblem]:
    """A 港澳台居民居住证 number: GB 11643 with the region code 810000, 820000 or 830000."""
    if _ID_PATTERN.match(id_no) and id_no[:6] not in _HMT_REGIONS:
        msg = "a residence permit number starts with 810000, 820000 or 830000 (港澳台居民居住证)"
        zh = "港澳台居民居住证号码应以 810000（香港）、820000（澳门）或 830000（台湾）开头"
        return [IdentityProblem(field, "ResidencePermitRegion", msg, zh)]
    return resident_id_problems(id_no, field, "港澳台居民居住证")


def foreign_permanent_problems(id_no: str, field: str = "applicant.id_no") -> list[IdentityProblem]:
    """外国人永久居留身份证: the 2017 form (3 letters, 12 digits) or the 2023 form (18, first 9)."""
    if _FOREIGN_2017.match(id_no):
        return []
    if not (_ID_PATTERN.match(id_no) and id_no[0] == "9"):
        msg = (
            "a permanent residence ID has 3 letters and 12 digits (2017 form) or 18 characters "
            "starting with 9 and ending with a check digit (2023 form)"
        )
        zh = (
            "外国人永久居留身份证号码应为 3 位字母加 12 位数字（2017 版），"
            "或以 9 开头、末位为校验码的 18 位号码（2023 版）"
        )
        return [IdentityProblem(field, "PermanentResidenceIdFormat", msg, zh)]
    problems = []
    if not _valid_birth_date(id_no[6:14]):
        msg = f"digits 7-14 ({id_no[6:14]}) are not a valid date of birth"
        zh = f"外国人永久居留身份证号码第 7-14 位（{id_no[6:14]}）不是有效的出生日期"
        problems.append(IdentityProblem(field, "PermanentResidenceIdBirthDate", msg, zh))
    if resident_id_check_digit(id_no[:17]) != id_no[17]:
        msg = "the check digit does not match the first 17 digits (MOD 11-2, as GB 11643)"
        zh = "外国人永久居留身份证号码末位校验码与前 17 位不符，请核对号码"
        problems.append(IdentityProblem(field, "PermanentResidenceIdCheckDigit", msg, zh))
    return problems


_Check = Callable[[str, str], list[IdentityProblem]]
CHECKS: dict[str, _Check] = {
    "resident": resident_id_problems,
    "enterprise": credit_code_problems,
    "passport": _rule(
        _PASSPORT,
        "PassportNumberFormat",
        "a passport number has 5 to 17 letters and digits",
        "护照号码应为 5 至 17 位字母或数字",
    ),
    "hk_macao_permit": _rule(
        _HK_MACAO,
        "HongKongMacaoPermitFormat",
        "a 港澳居民来往内地通行证 number is H or M and 8 digits (10 on the older books)",
        "港澳居民来往内地通行证号码应为 H（香港）或 M（澳门）加 8 位数字（旧版为 10 位）",
    ),
    "taiwan_permit": _rule(
        _TAIWAN,
        "TaiwanPermitFormat",
        "a 台湾居民来往大陆通行证 number has 8 digits",
        "台湾居民来往大陆通行证号码应为 8 位数字",
    ),
    "hmt_residence": hmt_residence_problems,
    "foreign_permanent": foreign_permanent_problems,
}


def mask_id_no(id_no: str) -> str:
    """An identity number with its middle hidden: 6 and 4 kept of a long one, fewer of short."""
    if len(id_no) > 10:
        return id_no[:6] + "*" * (len(id_no) - 10) + id_no[-4:]
    if len(id_no) > 6:
        return id_no[:2] + "*" * (len(id_no) - 5) + id_no[-3:]
    return id_no[:1] + "*" * (len(id_no) - 1)


def mask_phone(phone: str) -> str:
    """A phone number as 138****8000."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def masked_applicant(applicant: Applicant) -> dict[str, str]:
    """The applicant as an answer shows it: name and type, number and phone masked."""
    return {
        "name": applicant.name,
        "id_type": applicant.id_type,
        "id_type_name": ID_TYPE_NAMES.get(applicant.id_type, applicant.id_type),
        "id_no": mask_id_no(applicant.id_no),
        "phone": mask_phone(applicant.phone),
    }


def normalize_phone(phone: str) -> str:
    """Drop spaces, dashes, brackets and a +86 country code."""
    digits = _PHONE_NOISE.sub("", phone)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def phone_problems(phone: str, field: str = "applicant.phone") -> list[IdentityProblem]:
    """What is wrong with a mainland mobile number (empty when valid)."""
    if _MOBILE.match(normalize_phone(phone)):
        return []
    msg = "a mainland mobile number has 11 digits starting with 13-19 (an optional +86 first)"
    zh = "手机号码应为 13-19 开头的 11 位大陆手机号（可带 +86）"
    return [IdentityProblem(field, "MobileNumberFormat", msg, zh)]


def normalize_id(id_no: str) -> str:
    """Upper-case and strip an identity number (a lower-case x is a common typing)."""
    return id_no.strip().upper()


def check_applicant(id_type: str, id_no: str, phone: str) -> None:
    """Raise InvalidApplicant naming every broken field and rule at once."""
    number = normalize_id(id_no)
    check = CHECKS.get(id_type)
    if check is not None:
        problems = check(number, "applicant.id_no")
    else:
        known = ", ".join(f"{k} ({v})" for k, v in ID_TYPE_NAMES.items())
        zh = "证件类型应为：" + "、".join(ID_TYPE_NAMES.values())
        problems = [
            IdentityProblem("applicant.id_type", "IdTypeUnknown", f"id_type is {known}", zh)
        ]
    problems += phone_problems(phone)
    if problems:
        detail = "; ".join(f"{p.field}: {p.message} [{p.rule}]" for p in problems)
        errors = [
            {"field": p.field, "rule": p.rule, "message": p.message, "message_zh": p.message_zh}
            for p in problems
        ]
        raise InvalidApplicant(
            detail,
            rule=problems[0].rule,
            field=problems[0].field,
            errors=errors,
            detail_zh="；".join(p.message_zh for p in problems),
        )
