"""The approval rules, each a named exception: the class name is the rule the API reports."""

from __future__ import annotations

from libs.events.rules import Kind, NotFound, Rule


class BrokenRule(Rule):
    """A command does not fit the case's state (409)."""

    kind = Kind.conflict
    zh = "操作违反了办理规则"


class Forbidden(BrokenRule):
    """A rule about who may act (403)."""

    kind = Kind.forbidden


class Invalid(BrokenRule):
    """A rule about what the command says (422)."""

    kind = Kind.invalid


class Unknown(NotFound):
    """What the caller asked for is not here, or not theirs to see (404)."""


class ReviewerMayNotDecide(Forbidden):
    """一审一核: nobody decides (or countersigns) a case they reviewed."""

    zh = "一审一核：审核人不得对本人审核的案件作出决定或会签"


class OnlyTheAssigneeActs(Forbidden):
    """An assigned step is acted on by its assignee (or handed over by a department leader)."""

    zh = "该环节只能由被指派的承办人办理（或由部门负责人转交）"


class WindowMustBeAuthorized(Forbidden):
    """A window clerk decides alone only the kinds the department authorized (授权到位)."""

    zh = "窗口只能办理部门已授权的办件类型（授权到位）"


class OnlyCountersignersSign(Forbidden):
    """A countersigned decision is made by the named approvers only."""

    zh = "会签决定只能由指定的核准人签署"


class DenialCitesAReason(Invalid):
    """不予许可 must say why."""

    zh = "不予许可决定必须说明理由"


class ReviewBeforeDecision(BrokenRule):
    """An approver decides only after a reviewer's opinion."""

    zh = "须先有审核意见，核准人才能作出决定"


class OneReviewPerCase(BrokenRule):
    """A case gets one reviewer's opinion."""

    zh = "每个案件只有一次审核意见"


class WindowDecidesSameDay(BrokenRule):
    """An immediate case is decided at the window on the day of its acceptance only."""

    zh = "即办件只能在受理当日由窗口办结"


class ReportedCasesAreDecidedAbove(BrokenRule):
    """上报件: the accepting center pre-reviews; the upper center decides."""

    zh = "上报件由受理中心预审、上级中心决定"


class EscalationNeedsADestination(Invalid):
    """A reported case must name the center that decides it."""

    zh = "上报件必须写明作出决定的上级中心"


class DecisionsAreFinal(BrokenRule):
    """A decided case cannot be decided, paused, extended or handed over again."""

    zh = "已作出决定的案件不能再次决定、暂停、延期或转交"


class WorkIsClosed(BrokenRule):
    """Withdrawn or escalated work is no longer acted on here."""

    zh = "已撤回或已上报的案件在本中心不再办理"


class PausedCasesWait(BrokenRule):
    """A suspended case is not reviewed or decided until it resumes."""

    zh = "暂停计时的案件恢复前不能审核或决定"


class OnePauseAtATime(BrokenRule):
    """A suspended case must resume before it is suspended again."""

    zh = "暂停中的案件须先恢复，才能再次暂停"


class SpecialProcedureStatesItsDuration(Invalid):
    """行政许可法 art. 45: a hearing, inspection, testing, appraisal or expert review records how
    long it will take, and the applicant is told in writing."""

    zh = "听证、检验、检测、鉴定和专家评审须写明预计所需工作日并书面告知申请人（行政许可法第45条）"


class OnlyPausedCasesResume(BrokenRule):
    """Resuming needs a suspension."""

    zh = "只有暂停计时的案件才能恢复"


class OneExtensionPerCase(BrokenRule):
    """延期: at most once per case."""

    zh = "每个案件只能延期一次"


class ExtensionBeforeDeadline(BrokenRule):
    """An extension is asked for before the deadline passes, never after."""

    zh = "延期须在办理期限届满前申请"


class ExtensionWithinCap(Invalid):
    """An extension adds between one and the item's cap of working days."""

    zh = "延期天数须在一个工作日至事项规定的上限之间"


class ReasonRequired(Invalid):
    """Extensions and hand-overs state a reason."""

    zh = "须说明理由"


class HandOverStaysInDepartment(Invalid):
    """委派 and 转办 go to another present person of the same department."""

    zh = "委派、转办只能交给本部门在岗的其他人员"


class HandOverToWhoCanAct(Invalid):
    """A hand-over goes to a holder of the post that acts on the case's current step."""

    zh = "只能转交给能办理当前环节的岗位人员"


class ExtensionCapNeedsLegalBasis(Invalid):
    """行政许可法 art. 42: an extension cap above 10 working days cites the law allowing it."""

    zh = "延期上限超过 10 个工作日的，须写明允许更长延期的法律依据（行政许可法第四十二条）"


class CountersignNeedsApprovers(Invalid):
    """会签 names at least one approver who did not review the case."""

    zh = "会签须指定至少一名未审核本案的核准人"


class AlreadySigned(BrokenRule):
    """Each countersigner signs once."""

    zh = "每位会签人只能签署一次"


class DateRangeReversed(Invalid):
    """A date range starts no later than it ends."""

    zh = "日期范围的开始日期不能晚于结束日期"
