"""The clock ledger in plain Chinese: why a case shows its colour, how its deadline came to be."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from libs.events import contract as s
from libs.events.clock import SHANGHAI
from libs.events.registry import Event
from libs.events.words import PROCEDURE_ZH, status_zh
from services.supervision.domain.ladder import RUNG_NAMES
from services.supervision.events import WarningIssued

COLOR_NAMES = {"green": "绿灯（正常）", "yellow": "黄灯（临界预警）", "red": "红灯（超时警告）"}
OUTCOMES = {"early": "提前办结", "on_time": "按期办结", "overdue": "超期办结"}
CHANNELS = {"window": "窗口", "online": "网上"}


def when(moment: datetime | None) -> str:
    """`2025-03-03 09:12` in Beijing time."""
    return "" if moment is None else moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def by_day(moment: datetime) -> str:
    """`2025-03-17（星期一）` in Beijing time."""
    local = moment.astimezone(SHANGHAI)
    return f"{local:%Y-%m-%d}（星期{'一二三四五六日'[local.weekday()]}）"


DELIVERY_CHANNELS = {
    "sms": "短信",
    "voice": "语音电话",
    "pickup": "窗口领取",
    "download": "网上下载",
}


def _same(code: str) -> str:
    return code


@dataclass(frozen=True)
class Words:
    """How the ledger names things: materials by the names the case was submitted with,
    departments and centers by the organisation's names; a code only when nothing names it."""

    materials: Mapping[str, str] = field(default_factory=dict)
    department: Callable[[str], str] = _same
    center: Callable[[str], str] = _same


def _listing(codes: list[str], name: Callable[[str], str] | Mapping[str, str] = _same) -> str:
    named = name.get if isinstance(name, Mapping) else name
    return "、".join(named(c) or c for c in codes) if codes else "无"


def _provisional(flag: bool) -> str:
    return "；该年度官方节假日安排尚未发布，按周一至周五暂算" if flag else ""


def _accepted(e: s.CaseAccepted, w: Words) -> str:
    missing = _listing(e.tolerated_missing, w.materials)
    tolerated = f"；容缺受理，缺 {missing}" if e.tolerated_missing else ""
    deemed = (
        "（网上申请材料 5 个工作日内未经审查，依《行政许可法》第三十二条自收到材料之日起视为受理）"
        if e.cause == "deemed_art32"
        else ""
    )
    return (
        f"受理{deemed}，承诺时限 {e.limit_days} 个工作日（受理当日不计），"
        f"办结期限为 {by_day(e.deadline)} 日终{_provisional(e.provisional)}{tolerated}"
    )


def _resumed(e: s.CaseResumed) -> str:
    return (
        f"恢复计时：暂停占用 {e.paused_working_days} 个工作日，不计入办理时限，"
        f"办结期限顺延至 {by_day(e.deadline)} 日终{_provisional(e.provisional)}"
    )


def _deadline_changed(e: s.CaseDeadlineChanged) -> str:
    cause = {
        "calendar": "官方节假日安排更新，重新计算",
        "resumed": "暂停结束，顺延",
        "extended": "经批准延长",
    }[e.cause]
    note = f"（{e.note}）" if e.note else ""
    return f"办结期限{cause}为 {by_day(e.deadline)} 日终{_provisional(e.provisional)}{note}"


def _decided(e: s.CaseDecided, w: Words) -> str:
    reasons = f"，理由：{e.reasons}" if e.reasons else ""
    return f"办结：{status_zh(e.decision)}（{w.department(e.department)} {e.decided_by}）{reasons}"


def _warning(e: WarningIssued) -> str:
    heard = "、".join(e.notify)
    return f"{RUNG_NAMES[e.rung]}：已通知 {heard}（工作时间内送达，{when(e.notify_at)}）"


def _light(e: s.LightChanged) -> str:
    part = "送达时限：" if e.part == "delivery" else f"联办环节 {e.part}：" if e.part else ""
    return f"{part}亮灯变为{COLOR_NAMES[e.color]}"


# Lines that name materials, departments or centers: names replace the codes (Words).
NAMED_TEXT: dict[type[Event], Callable[[Any, Words], str]] = {
    s.CaseSubmitted: lambda e, w: (
        f"{CHANNELS[e.channel]}收件：{e.item_name}，"
        f"一次性告知缺少 {_listing(e.missing, w.materials)}"
        if e.missing
        else f"{CHANNELS[e.channel]}收件：{e.item_name}，材料齐全"
    ),
    s.CaseSupplementRequested: lambda e, w: (
        f"一次性告知（第{e.notice_no}次）：需补正 {_listing(e.missing, w.materials)}"
    ),
    s.CaseSupplemented: lambda e, w: (
        f"申请人补交材料 {_listing(e.materials, w.materials)}，"
        f"仍缺 {_listing(e.missing, w.materials)}"
    ),
    s.CaseAccepted: _accepted,
    s.CaseDecided: _decided,
    s.CaseEscalated: lambda e, w: f"上报至 {w.center(e.to_center)} 审批",
    s.CaseEscalationReceived: lambda e, w: f"{w.center(e.received_by)} 已接收上报件，开始审批",
    s.CaseEscalationReturned: lambda e, w: (
        f"{w.center(e.from_center)} 审批结果返回：{status_zh(e.decision)}"
    ),
    s.JointStarted: lambda e, w: (
        f"并联审批「{e.stage}」启动，牵头部门 {w.department(e.lead_department)}，"
        f"参与部门 {_listing(sorted(e.parts), w.department)} 同步计时"
    ),
    s.JointPartDecided: lambda e, w: (
        f"联办部门 {w.department(e.department)} 作出决定：{status_zh(e.decision)}"
    ),
    s.JointPartSuspended: lambda e, w: (
        f"联办部门 {w.department(e.department)} 暂停计时：{PROCEDURE_ZH[e.procedure]}"
        f"{('（' + e.reason + '）') if e.reason else ''}"
        + (f"，预计 {e.expected_days} 个工作日，已书面告知申请人" if e.expected_days else "")
        + "，其他部门照常计时"
    ),
    s.JointPartResumed: lambda e, w: (
        f"联办部门 {w.department(e.department)} 恢复计时，期限顺延 {e.paused_working_days} 个工作日"
    ),
}
TEXT: dict[type[Event], Callable[[Any], str]] = {
    s.CaseAcceptanceDue: lambda e: (
        f"预警：网上申请材料尚未审查，将于 {when(e.deemed_at)} 起视为受理"
        "（《行政许可法》第三十二条）"
    ),
    s.CaseRefused: lambda e: f"不予受理：{e.reason}",
    s.CaseWithdrawn: lambda e: f"申请人撤回{('：' + e.reason) if e.reason else ''}，停止计时",
    s.CaseWithdrawalRequested: lambda e: (
        f"申请人申请撤回{('：' + e.reason) if e.reason else ''}，待审批部门确认，计时继续"
    ),
    s.CaseWithdrawalRefused: lambda e: f"撤回申请未予办理：{e.reason}",
    s.CaseReturned: lambda e: f"退件：{e.reason}，停止计时",
    s.CasePromiseExtended: lambda e: f"容缺承诺延期至 {e.supplement_by}：{e.reason}",
    s.CaseDeadlineChanged: _deadline_changed,
    s.CaseExtended: lambda e: (
        f"延期 {e.days} 个工作日（{e.reason}），办结期限为 {by_day(e.deadline)} 日终"
    ),
    s.CaseReviewed: lambda e: (
        f"审核意见：{'同意' if e.opinion == 'approve' else '不同意'}（{e.reviewer}）"
    ),
    s.CaseSuspended: lambda e: (
        f"暂停计时：{PROCEDURE_ZH[e.procedure]}{('（' + e.reason + '）') if e.reason else ''}"
        + (f"，预计 {e.expected_days} 个工作日，已书面告知申请人" if e.expected_days else "")
    ),
    s.CaseResumed: _resumed,
    s.CaseDeemedApproved: lambda _: "超过办理时限未作决定，视为准予（超时默许）",
    s.CaseDelivered: lambda e: f"结果已送达（{DELIVERY_CHANNELS.get(e.channel, e.channel)}）",
    s.JointCompleted: lambda e: f"并联审批完成：{status_zh(e.outcome)}",
    s.WorkClosed: lambda e: "审批工作结束" + ("（申请人撤回）" if e.cause == "withdrawn" else ""),
    WarningIssued: _warning,
    s.LightChanged: _light,
}


def describe(event: Event, words: Words | None = None) -> str | None:
    """One plain sentence for a ledger entry, or None for events the ledger leaves out;
    materials, departments and centers are named by `words` where known."""
    if named := NAMED_TEXT.get(type(event)):
        return named(event, words or Words())
    text = TEXT.get(type(event))
    return text(event) if text else None


def outcome_text(outcome: str | None) -> str:
    """提前办结 / 按期办结 / 超期办结."""
    return OUTCOMES.get(outcome or "", "")
