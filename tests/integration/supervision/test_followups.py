"""Opinions, complaints, notices and ratings: closed loops with deadlines, lights and rules."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.integration.supervision.harness import SUPERVISOR, Service
from tests.support.services import bearer
from tests.unit.supervision.given import accepted, bj, decided, submitted

pytestmark = pytest.mark.integration
APPLICANT = bearer("applicant", sub="11010519491231002X", center=None)
STRANGER = bearer("applicant", sub="someone-else", center=None)
SCJG = bearer("clerk", sub="clerk-9", center="350500", department="SCJG")
GTJ = bearer("clerk", sub="clerk-7", center="350500", department="GTJ")


async def post(
    service: Service, path: str, body: dict[str, object], headers: dict[str, str], status: int = 200
) -> dict[str, object]:
    response = await service.http.post(path, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json()  # type: ignore[no-any-return]


async def completed_case(service: Service) -> None:
    t = bj(2026, 9, 16, 10)
    await service.publish(submitted("c1", t), accepted("c1", t, 10), decided("c1", bj(2026, 9, 18)))


async def test_an_opinion_has_a_deadline_a_light_and_is_answered_by_its_department(
    service: Service,
) -> None:
    opinion = await post(
        service, "/v1/opinions", {"department": "SCJG", "text": "请说明情况"}, SUPERVISOR, 201
    )
    assert opinion["answer_by"] == "2026-09-22T23:59:59+08:00"  # 5 working days, the 20th too
    listed = await service.get("/v1/opinions")
    assert listed[0]["light"]["color"] == "green"
    service.clock.set(bj(2026, 9, 28, 10))
    assert (await service.get("/v1/opinions"))[0]["light"]["color"] == "red"
    wrong = await service.http.post(
        f"/v1/opinions/{opinion['opinion_id']}/answer", json={"answer": "x"}, headers=GTJ
    )
    assert wrong.status_code == 403 and wrong.json()["rule"] == "OnlyTheDepartmentAnswers"
    done = await post(
        service, f"/v1/opinions/{opinion['opinion_id']}/answer", {"answer": "已整改"}, SCJG
    )
    assert done["status"] == "answered"
    again = await service.http.post(
        f"/v1/opinions/{opinion['opinion_id']}/answer", json={"answer": "x"}, headers=SCJG
    )
    assert again.status_code == 409
    outside = await service.http.post(
        "/v1/opinions",
        json={"department": "SCJG", "center": "350600", "text": "x"},
        headers=SUPERVISOR,
    )
    assert outside.status_code == 403 and outside.json()["rule"] == "SupervisionWithinScope"


async def test_a_complaint_is_routed_to_the_case_department_and_resolved(service: Service) -> None:
    await completed_case(service)
    filed = await post(
        service, "/v1/complaints", {"case_id": "c1", "text": "多次跑腿"}, APPLICANT, 201
    )
    assert (filed["center"], filed["department"], filed["status"]) == ("350500", "SCJG", "open")
    not_theirs = await service.http.post(
        "/v1/complaints", json={"case_id": "c1", "text": "x"}, headers=STRANGER
    )
    assert not_theirs.status_code == 404
    mine = await service.get("/v1/complaints", headers=APPLICANT)
    assert [c["complaint_id"] for c in mine] == [filed["complaint_id"]]
    resolved = await post(
        service,
        f"/v1/complaints/{filed['complaint_id']}/resolve",
        {"answer": "已致歉并优化流程"},
        SCJG,
    )
    assert resolved["status"] == "resolved"


async def test_a_bad_rating_opens_a_closed_loop_with_one_appeal(service: Service) -> None:
    await completed_case(service)
    early = await service.http.post(
        "/v1/ratings", json={"case_id": "c1", "score": 0}, headers=APPLICANT
    )
    assert early.status_code == 422
    rating = await post(
        service, "/v1/ratings", {"case_id": "c1", "score": 2, "comment": "太慢"}, APPLICANT, 201
    )
    assert rating["status"] == "awaiting_answer" and rating["answer_by"]
    twice = await service.http.post(
        "/v1/ratings", json={"case_id": "c1", "score": 5}, headers=APPLICANT
    )
    assert twice.status_code == 409 and twice.json()["rule"] == "RateOnce"
    rid = rating["rating_id"]
    answer = {"follow_up": "电话回访", "remedy": "加派人手", "answer": "已改进"}
    assert (await post(service, f"/v1/ratings/{rid}/answer", answer, SCJG))["status"] == "answered"
    appealed = await post(service, f"/v1/ratings/{rid}/appeal", {"reason": "未解决"}, APPLICANT)
    assert appealed["status"] == "appealed"
    upheld = await post(service, f"/v1/ratings/{rid}/appeal/decision", {"upheld": True}, SUPERVISOR)
    assert upheld["status"] == "awaiting_answer"
    assert (await post(service, f"/v1/ratings/{rid}/answer", answer, SCJG))["status"] == "answered"
    second = await service.http.post(
        f"/v1/ratings/{rid}/appeal", json={"reason": "x"}, headers=APPLICANT
    )
    assert second.status_code == 409 and second.json()["rule"] == "AppealOnce"
    ranking = await service.get("/v1/ranking", **{"from": "2026-09-01", "to": "2026-09-30"})
    assert ranking[0]["ratings"] == 1 and ranking[0]["good_rate"] == 0.0


async def test_a_rectification_notice_is_answered_by_the_department(service: Service) -> None:
    notice = await post(
        service, "/v1/notices", {"department": "SCJG", "text": "限期整改体外循环"}, SUPERVISOR, 201
    )
    assert notice["rectify_by"] == "2026-09-30T23:59:59+08:00"  # 10 working days
    answered = await post(
        service, f"/v1/notices/{notice['notice_id']}/answer", {"answer": "已整改"}, SCJG
    )
    assert answered["status"] == "answered"


async def test_reports_download_as_xlsx_and_pdf(service: Service) -> None:
    await completed_case(service)
    t = bj(2026, 9, 16, 10)
    await service.publish(submitted("c2", t), decided("c2", bj(2026, 9, 18)))  # no acceptance
    service.clock.set(bj(2026, 10, 1, 10))
    monthly = await service.get("/v1/reports/monthly", date="2026-09-15")
    assert monthly["title"] == "政务服务工作月通报" and monthly["period"] == "2026年9月"
    titles = [t["title"] for t in monthly["tables"]]
    assert titles[:3] == ["各中心办件情况", "各部门办件情况", "窗口评优排名"]
    anomalies = next(t for t in monthly["tables"] if t["title"] == "体外循环等异常")
    assert any("无受理记录" in str(row[1]) for row in anomalies["rows"])
    xlsx = await service.http.get(
        "/v1/reports/monthly", params={"date": "2026-09-15", "format": "xlsx"}, headers=SUPERVISOR
    )
    assert xlsx.status_code == 200 and "monthly-2026-09.xlsx" in xlsx.headers["content-disposition"]
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.worksheets[0]["A1"].value == "政务服务工作月通报"
    pdf = await service.http.get(
        "/v1/reports/daily", params={"date": "2026-09-18", "format": "pdf"}, headers=SUPERVISOR
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    weekly = await service.get("/v1/reports/weekly", date="2026-09-18")
    assert weekly["period"] == "2026年9月14日至2026年9月20日"
