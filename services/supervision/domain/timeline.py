"""The clock ledger in plain Chinese: why a case shows its colour, how its deadline came to be."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from libs.events import schemas as s
from libs.events.clock import SHANGHAI
from libs.events.registry import Event
from libs.events.words import PROCEDURE_ZH, status_zh
from services.supervision.domain.ladder import RUNG_NAMES

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


Names = dict[str, str]  # material code -> name, from the case's `case.submitted`


def _listing(codes: list[str], names: Names | None = None) -> str:
    return "、".join((names or {}).get(c, c) for c in codes) if codes else "无"


def _provisional(flag: bool) -> str:
    return "；该年度官方节假日安排尚未发布，按周一至周五暂算" if flag else ""


def _accepted(e: s.CaseAccepted, names: Names) -> str:
    missing = _listing(e.tolerated_missing, names)
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


def _decided(e: s.CaseDecided) -> str:
    reasons = f"，理由：{e.reasons}" if e.reasons else ""
    return f"办结：{status_zh(e.decision)}（{e.department} {e.decided_by}）{reasons}"


def _warning(e: s.WarningIssued) -> str:
    heard = "、".join(e.notify)
    return f"{RUNG_NAMES[e.rung]}：已通知 {heard}（工作时间内送达，{when(e.notify_at)}）"


def _light(e: s.LightChanged) -> str:
    part = "送达时限：" if e.part == "delivery" else f"联办环节 {e.part}：" if e.part else ""
    return f"{part}亮灯变为{COLOR_NAMES[e.color]}"


# Lines that name materials: the case's own material names replace the codes.
MATERIAL_TEXT: dict[type[Event], Callable[[Any, Names], str]] = {
    s.CaseSubmitted: lambda e, n: (
        f"{CHANNELS[e.channel]}收件：{e.item_name}，一次性告知缺少 {_listing(e.missing, n)}"
        if e.missing
        else f"{CHANNELS[e.channel]}收件：{e.item_name}，材料齐全"
    ),
    s.CaseSupplementRequested: lambda e, n: (
        f"一次性告知（第{e.notice_no}次）：需补正 {_listing(e.missing, n)}"
    ),
    s.CaseSupplemented: lambda e, n: (
        f"申请人补交材料 {_listing(e.materials, n)}，仍缺 {_listing(e.missing, n)}"
    ),
    s.CaseAccepted: _accepted,
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
    s.CaseDecided: _decided,
    s.CaseDeemedApproved: lambda _: "超过办理时限未作决定，视为准予（超时默许）",
    s.CaseEscalated: lambda e: f"上报至 {e.to_center} 审批",
    s.CaseEscalationReturned: lambda e: f"{e.from_center} 审批结果返回：{status_zh(e.decision)}",
    s.CaseDelivered: lambda e: f"结果已送达（{e.channel}）",
    s.JointStarted: lambda e: (
        f"并联审批「{e.stage}」启动，牵头部门 {e.lead_department}，"
        f"参与部门 {_listing(sorted(e.parts))} 同步计时"
    ),
    s.JointPartDecided: lambda e: f"联办部门 {e.department} 作出决定：{status_zh(e.decision)}",
    s.JointCompleted: lambda e: f"并联审批完成：{status_zh(e.outcome)}",
    s.JointPartSuspended: lambda e: (
        f"联办部门 {e.department} 暂停计时：{PROCEDURE_ZH[e.procedure]}"
        f"{('（' + e.reason + '）') if e.reason else ''}"
        + (f"，预计 {e.expected_days} 个工作日，已书面告知申请人" if e.expected_days else "")
        + "，其他部门照常计时"
    ),
    s.JointPartResumed: lambda e: (
        f"联办部门 {e.department} 恢复计时，期限顺延 {e.paused_working_days} 个工作日"
    ),
    s.WorkClosed: lambda e: "审批工作结束" + ("（申请人撤回）" if e.cause == "withdrawn" else ""),
    s.WarningIssued: _warning,
    s.LightChanged: _light,
}


def describe(event: Event, names: Names | None = None) -> str | None:
    """One plain sentence for a ledger entry, or None for events the ledger leaves out;
    materials are named by `names` (code -> name) where known."""
    if named := MATERIAL_TEXT.get(type(event)):
        return named(event, names or {})
    text = TEXT.get(type(event))
    return text(event) if text else None


def outcome_text(outcome: str | None) -> str:
    """提前办结 / 按期办结 / 超期办结."""
    return OUTCOMES.get(outcome or "", "")
