"""The sealed decision document: canonical JSON, a Chinese PDF, a seal any changed byte breaks."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader

from libs.events.org import Names
from services.approval.adapters.pdf import render_decision
from services.approval.adapters.seals import SealKeyMissing, SealKeys
from services.approval.domain.decisions import decide, review
from services.approval.domain.document import canonical_json, decision_document, notice_text
from tests.unit.approval.builders import APPROVER, AT, REVIEWER, department, opened, then

pytestmark = pytest.mark.unit


def decided_document() -> dict[str, object]:
    case = opened()
    then(case, review(case, REVIEWER, opinion="deny", comment="", staff=department(), now=AT))
    then(case, decide(case, APPROVER, decision="denied", reasons="用地性质不符", now=AT))
    return decision_document(case, applicant="张三", issuing_center="350500")


def pem() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_canonical_json_sorts_keys_without_spaces_in_utf8() -> None:
    assert canonical_json({"b": 1, "a": "准予"}) == '{"a":"准予","b":1}'.encode()


def test_the_document_says_what_was_decided() -> None:
    document = decided_document()
    assert document["title"] == "不予行政许可决定书"
    assert (document["decision"], document["reasons"], document["applicant"]) == (
        "denied",
        "用地性质不符",
        "张三",
    )
    assert document["document_id"] == "JD-350500-2026-000001"


def test_the_pdf_carries_chinese_text_and_renders_the_same_bytes_twice() -> None:
    pdf = render_decision(decided_document())
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf
    assert render_decision(decided_document()) == pdf


def test_a_genuine_document_verifies(tmp_path: Path) -> None:
    seals = SealKeys(configured={}, directory=tmp_path, generate=True)
    document = decided_document()
    pdf = render_decision(document)
    seal = seals.sign("land", document, pdf)
    verdict = seals.verify(document, pdf, seal)
    assert verdict.genuine and verdict.department == "land"


def test_any_changed_byte_fails(tmp_path: Path) -> None:
    seals = SealKeys(configured={}, directory=tmp_path, generate=True)
    document = decided_document()
    pdf = render_decision(document)
    seal = seals.sign("land", document, pdf)
    assert not seals.verify({**document, "decision": "approved"}, pdf, seal).genuine
    assert not seals.verify(document, pdf[:-1] + bytes([pdf[-1] ^ 1]), seal).genuine
    signature = bytearray(base64.b64decode(seal["signature"]))
    signature[0] ^= 1
    forged = {**seal, "signature": base64.b64encode(bytes(signature)).decode()}
    assert not seals.verify(document, pdf, forged).genuine
    assert not seals.verify(document, pdf, {**seal, "key_id": "0" * 16}).genuine
    assert not seals.verify(document, pdf, {**seal, "department": "tax"}).genuine


def test_each_department_has_its_own_key(tmp_path: Path) -> None:
    seals = SealKeys(configured={}, directory=tmp_path, generate=True)
    assert seals.key_for("land").key_id != seals.key_for("tax").key_id
    document = decided_document()
    pdf = render_decision(document)
    land_seal = seals.sign("land", document, pdf)
    tax_key = seals.key_for("tax").key_id
    assert not seals.verify(document, pdf, {**land_seal, "key_id": tax_key}).genuine


def test_generated_keys_are_kept_and_shared_by_processes(tmp_path: Path) -> None:
    first = SealKeys(configured={}, directory=tmp_path, generate=True).key_for("land")
    second = SealKeys(configured={}, directory=tmp_path, generate=True).key_for("land")
    assert first.key_id == second.key_id
    assert (tmp_path / "land.pem").exists()
    odd = SealKeys(configured={}, directory=tmp_path, generate=True).key_for("国土/局")
    assert odd.department == "国土/局"
    listed = SealKeys(configured={}, directory=tmp_path, generate=False).known()
    assert {k.department for k in listed} == {"land", "国土/局"}


def test_configured_keys_win_and_missing_keys_are_refused_in_production(tmp_path: Path) -> None:
    configured = pem()
    seals = SealKeys(configured={"land": configured}, directory=None, generate=False)
    expected = serialization.load_pem_private_key(configured.encode(), None).public_key()
    assert (
        seals.key_for("land").public_pem
        == expected.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
    )
    with pytest.raises(SealKeyMissing):
        seals.key_for("tax")
    with pytest.raises(SealKeyMissing):
        SealKeys(configured={}, directory=tmp_path, generate=False).key_for("tax")


def test_the_notice_names_the_item_case_and_outcome() -> None:
    case = opened()
    then(case, review(case, REVIEWER, opinion="approve", comment="", staff=department(), now=AT))
    then(case, decide(case, APPROVER, decision="approved", reasons="", now=AT))
    text = notice_text(case, applicant="张三")
    assert "张三" in text and "建设用地规划许可" in text and "350500-2026-000001" in text
    assert "准予许可" in text and "2026年3月2日" in text


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def named_document(decision: str, reasons: str) -> dict[str, object]:
    case = opened()
    opinion = "deny" if decision == "denied" else "approve"
    then(case, review(case, REVIEWER, opinion=opinion, comment="", staff=department(), now=AT))
    then(case, decide(case, APPROVER, decision=decision, reasons=reasons, now=AT))
    names = Names(
        centers={"350500": "泉州市行政服务中心"},
        departments={("350500", "land"): "自然资源和规划局"},
    )
    return decision_document(
        case,
        applicant="张三",
        issuing_center="350500",
        names=names,
        verify_base="https://zwfw.example.gov.cn",
    )


def test_a_denial_states_reasons_and_the_remedies_of_art_38() -> None:
    text = pdf_text(render_decision(named_document("denied", "用地性质不符合规划")))
    assert "不予行政许可决定书" in text and "理由如下：用地性质不符合规划" in text
    assert "行政复议" in text and "六十日" in text and "行政诉讼" in text and "六个月" in text
    assert "第三十八条第二款" in text


def test_the_pdf_prints_beijing_dates_names_and_how_to_verify() -> None:
    document = named_document("approved", "")
    text = pdf_text(render_decision(document))
    assert "2026年3月2日" in text and "+00:00" not in text and "T0" not in text
    assert "自然资源和规划局" in text and "泉州市行政服务中心" in text
    assert "承办部门：land" not in text
    url = "https://zwfw.example.gov.cn/v1/seals/documents/JD-350500-2026-000001"
    assert document["verify_url"] == url
    assert "扫描" in text and url in text.replace("\n", "") and "POST" not in text
    assert "行政复议" not in text  # an approval carries no remedies notice
