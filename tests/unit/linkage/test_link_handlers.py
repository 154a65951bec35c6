"""Link handlers through `bootstrap()` with the in-memory unit of work: what crosses a link,
what comes across, and the watch of the links. No broker, no database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from libs.events import contract as s
from libs.events.contract import AnomalyDetected
from libs.events.envelope import Envelope
from services.linkage.application.forward import when_local_event_cross_links
from services.linkage.application.link_status import list_links, note_parent_contact
from services.linkage.application.receive import when_child_event_apply, when_parent_event_apply
from services.linkage.application.watch_links import check_links
from services.linkage.domain.events import LinkAcknowledged
from services.linkage.domain.links import LinkRow
from services.linkage.domain.signing import FROM_HEADER, SIGNATURE_HEADER, signed_bytes
from tests.unit.linkage.support import BEAT, NOW, app, case_event, envelope_of, fake

pytestmark = pytest.mark.unit


async def test_a_local_case_event_goes_up_signed_with_personal_data_masked() -> None:
    a = app()
    applicant = {"name": "张三丰", "id_no": "11010519491231002X", "phone": "13800001234"}
    env = case_event(1, applicant=applicant)
    async with fake(a).begin() as tx:
        await when_local_event_cross_links(tx, env, BEAT, node=a.node)
    links = fake(a).views.links
    [row] = links.up
    assert row["topic"] == a.node.up_topic and row["key"] == "c-1"
    headers = [(name, raw.encode()) for name, raw in row["headers"]]
    assert dict(row["headers"])[FROM_HEADER] == "350521"
    payload = signed_bytes("350521", b"c-1", headers, row["value"])
    a.keys.verify("350521", payload, dict(row["headers"])[SIGNATURE_HEADER])
    assert b"11010519491231002X" not in row["value"] and b"13800001234" not in row["value"]
    [crossing] = links.crossings
    assert (crossing["direction"], crossing["peer"]) == ("up", "350500")


async def test_a_result_decided_here_goes_down_in_this_nodes_own_crossing_stream() -> None:
    a = app(center="350500", parent="")
    for n in (1, 2):
        env = Envelope(
            type="onewindow.case.escalation_returned.v1",
            source="/centers/350500/approval",
            subject="c-9",
            center="350500",
            sequence=7 + n,
            data={"case_id": "c-9", "center": "350521100", "from_center": "350500"},
        )
        async with fake(a).begin() as tx:
            await when_local_event_cross_links(tx, env, BEAT, node=a.node)
    links = fake(a).views.links
    assert links.up == []  # the top of the tree has no parent
    assert [c["env"].sequence for c in links.crossings] == [1, 2]
    assert {c["env"].source for c in links.crossings} == {"/centers/350500/linkage"}
    assert {(c["peer"], c["destination"]) for c in links.crossings} == {("350521", "350521100")}
    assert [r["topic"] for r in links.here] == [a.node.down_topic] * 2


async def test_what_comes_across_a_link_is_republished_acknowledged_and_counted() -> None:
    a = app()  # the county 350521, below the city 350500
    links = fake(a).views.links
    withdrawn = s.CaseWithdrawn(case_id="c-1", center="350521100", withdrawn_at=NOW)
    returned = s.CaseEscalationReturned(
        case_id="c-3", center="350521", from_center="350500", decision="approved", returned_at=NOW
    )
    ack = LinkAcknowledged(center="350521100", event_id="x", acknowledged_at=NOW)
    result = envelope_of(returned, source="/centers/350500/linkage")
    async with fake(a).begin() as tx:
        child = envelope_of(withdrawn, source="/centers/350521100/intake")
        await when_child_event_apply(tx, child, withdrawn, node=a.node)
        await when_child_event_apply(tx, case_event(2), ack, node=a.node)
        await when_parent_event_apply(tx, result, returned, node=a.node)
    assert [r["key"] for r in links.here] == ["c-1", "c-3"]  # republished on case-events here
    assert {r["topic"] for r in links.here} == {a.settings.topic_for(withdrawn.TYPE)}
    [sent_up] = links.up
    assert sent_up["topic"] == a.node.up_topic
    assert json.loads(sent_up["value"])["event_id"] == result.id  # the acknowledgement
    assert links.rows["350521100"].last_delivery_at is not None
    assert links.rows["350521100"].last_sent_at is not None  # the child acknowledged
    assert links.rows["350500"].direction == "upstream"


async def test_a_link_down_too_long_raises_one_alert_per_down_spell() -> None:
    a = app()
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    links = fake(a).views.links
    links.rows["350500"] = LinkRow(center="350500", direction="upstream", last_contact_at=long_ago)
    await check_links(uow=a.uow, node=a.node)
    [alert] = fake(a).new_events()
    assert isinstance(alert, AnomalyDetected) and alert.rule == "LinkDown"
    assert alert.evidence["link"] == "350500" and int(alert.evidence["down_seconds"]) >= 3600
    await check_links(uow=a.uow, node=a.node)
    assert fake(a).new_events() == []  # alerted already in this spell
    await links.contact("350500", "upstream", at=long_ago)  # back, then down again
    await check_links(uow=a.uow, node=a.node)
    assert [type(e) for e in fake(a).new_events()] == [AnomalyDetected]


async def test_the_parent_link_is_listed_before_any_contact_with_what_waits_for_it() -> None:
    a = app()
    async with fake(a).begin() as tx:
        await when_local_event_cross_links(tx, case_event(1), BEAT, node=a.node)
        await when_local_event_cross_links(tx, case_event(2), BEAT, node=a.node)
    [parent] = await list_links(uow=a.uow, node=a.node)
    assert (parent.center, parent.direction, parent.backlog) == ("350500", "upstream", 2)
    assert parent.last_contact_at is None and parent.oldest_undelivered_at is not None
    await note_parent_contact(uow=a.uow, node=a.node)
    [parent] = await list_links(uow=a.uow, node=a.node)
    assert parent.last_contact_at is not None
