"""Intake's named business rules: each class name is the rule, and the API's error says it.

Rules are pure: a kind (invalid, forbidden, conflict, not found), never an HTTP status; the
HTTP layer (libs/events/http.py) answers each kind with its status."""

from __future__ import annotations

from libs.events.rules import Kind, Rule


class IntakeRule(Rule):
    """A named intake rule refused the command (invalid unless the rule says otherwise)."""

    zh = "操作违反了收件受理规则"


class StateConflict(IntakeRule):
    """The command does not fit the case's current state."""

    kind = Kind.conflict
    zh = "与案件当前状态不符"


class NotFound(IntakeRule):
    """The thing asked for does not exist, or the caller may not see it."""

    kind = Kind.not_found
    zh = "未找到所请求的对象，或无权查看"


class NotAllowed(IntakeRule):
    """The caller's role, center or department may not do this."""

    kind = Kind.forbidden
    zh = "无权执行该操作"


# --- catalogue -------------------------------------------------------------------------------
class PromisedLimitMayNotExceedLegalLimit(IntakeRule):
    """承诺时限 is at most 法定时限."""

    zh = "承诺时限不得超过法定时限"


class MaterialCodesMustBeUnique(IntakeRule):
    """Each material of an item has its own code."""

    zh = "同一事项的材料编码不得重复"


class KeyMaterialMustBeRequired(IntakeRule):
    """A key material (容缺 never allowed) cannot be optional."""

    zh = "关键材料（不可容缺）必须是必交材料"


class JointItemNeedsDepartments(IntakeRule):
    """A 联办件 names its lead department and its departments."""

    zh = "联办件须写明牵头部门和联办部门"


class JointLeadMustBeAmongDepartments(IntakeRule):
    """The lead department (牵头部门) is one of the joint item's departments."""

    zh = "牵头部门须是联办部门之一"


class JointDepartmentsMustBeUnique(IntakeRule):
    """A department appears once among a joint item's departments."""

    zh = "联办部门不得重复"


class JointPartLimitMayNotExceedPromisedLimit(IntakeRule):
    """Every department of a joint item decides within the item's promised limit."""

    zh = "各联办部门的时限不得超过事项的承诺时限"


class ReportedItemMustNameDecidingCenter(IntakeRule):
    """A 上报件 names the higher-level center that decides it."""

    zh = "上报件须写明作出决定的上级中心"


class UnknownItem(NotFound):
    """No such item in the catalogue."""

    zh = "事项目录中没有该事项"


class ItemAlreadyRetired(StateConflict):
    """An item is withdrawn from the catalogue once."""

    zh = "该事项已取消，不能重复取消"


class RetiredItemAcceptsNoCases(IntakeRule):
    """A retired item (事项已取消) receives no new cases; those received before go on."""

    zh = "该事项已取消，不再受理新的申请；已受理的案件继续办理"


# --- cases -----------------------------------------------------------------------------------
class CaseNotFound(NotFound):
    """No such case here, or not one the caller may see."""

    zh = "未找到该案件，或无权查看"


class ItemNotInCatalogue(IntakeRule):
    """A case names an item this center does not offer."""

    zh = "本中心事项目录中没有该事项"


class UnknownMaterials(IntakeRule):
    """Material codes that the item's version does not list."""

    zh = "该事项的材料清单中没有这些材料编码"


class OnlineApplicationNotAllowed(IntakeRule):
    """The item is not open to online application."""

    zh = "该事项不支持网上申报，请到窗口办理"


class ApplicantsApplyOnline(IntakeRule):
    """An applicant's own submission is an online one."""

    zh = "申请人本人提交的申请只能是网上申报"


class InvalidApplicant(IntakeRule):
    """The applicant's identity number or phone breaks its standard (GB 11643, GB 32100)."""

    zh = "申请人证件号码或手机号码不符合标准"


class OnlyStaffJudgeMaterials(NotAllowed):
    """Only the window's staff find a material wrong (`rejected`); an applicant hands them in."""

    zh = "材料是否合格只能由窗口工作人员认定，申请人不能提交不合格材料清单"


class NothingSupplemented(IntakeRule):
    """A supplement brings at least one material."""

    zh = "补正须至少提交一份尚未提交的材料"


class AcceptedMaterialsCannotBeReopened(IntakeRule):
    """一次告知: a material provided and accepted before is never demanded again."""

    zh = "一次告知：已提交并认可的材料不得再次要求"


class NoticeMayOnlyNameFirstNotice(IntakeRule):
    """一次告知: a later notice only names materials of the first notice that are still missing."""

    zh = "一次告知：再次告知只能列出首次告知中仍缺的材料"


class KeyMaterialsCannotBeTolerated(IntakeRule):
    """容缺受理 is only for non-key materials."""

    zh = "关键材料不能容缺受理"


class MissingMaterialsNotTolerated(IntakeRule):
    """Acceptance with materials missing needs them listed as tolerated (容缺受理)."""

    zh = "仍有材料缺失：请补齐，或列为容缺材料并写明承诺补齐日期"


class ToleratedMaterialsMustBeMissing(IntakeRule):
    """Only materials that are actually missing can be tolerated."""

    zh = "只有确实缺少的材料才能列为容缺材料"


class SupplementDateRequired(IntakeRule):
    """容缺受理 needs the date by which the applicant supplies the materials."""

    zh = "容缺受理须写明承诺补齐日期"


class SupplementDateMustBeInTheFuture(IntakeRule):
    """The promised date (承诺补齐日期) is after today."""

    zh = "承诺补齐日期须晚于今天"


class SupplementDateMustNotPassDeadline(IntakeRule):
    """Tolerated materials arrive no later than the case's due day."""

    zh = "承诺补齐日期不得晚于案件的办结期限"


class ReasonRequired(IntakeRule):
    """Refusals and promise extensions state their reason."""

    zh = "须说明理由"


class CaseNotOpenForIntake(StateConflict):
    """Acceptance and refusal happen before acceptance, on an open case."""

    zh = "只有待受理的案件才能受理或不予受理"


class CaseClosed(StateConflict):
    """A refused, withdrawn or returned case takes no more commands."""

    zh = "案件已不予受理、撤回或退件，不能再办理"


class CaseAlreadyDecided(StateConflict):
    """Withdrawal (撤回) is possible only before the decision."""

    zh = "案件已作出决定，不能撤回"


class NoPromiseOutstanding(StateConflict):
    """Only an accepted case with tolerated materials outstanding has a promise."""

    zh = "该案件没有待补齐的容缺材料"


class PromiseExtendedOnlyOnce(StateConflict):
    """The department extends a 容缺 promise at most once."""

    zh = "容缺承诺只能延期一次"


class ExtensionMustBeLater(IntakeRule):
    """An extension moves the promised date later."""

    zh = "延期后的承诺补齐日期须晚于原日期"


class CaseNotAccepted(StateConflict):
    """An acceptance receipt (受理回执) exists only for an accepted case."""

    zh = "案件受理后才有受理回执"


class DateRangeReversed(IntakeRule):
    """A date range starts no later than it ends."""

    zh = "日期范围的开始日期不能晚于结束日期"


class ScheduleYearMismatch(IntakeRule):
    """The year in the path and the schedule's year agree."""

    zh = "路径中的年份与节假日安排的年份不一致"


# --- who may ---------------------------------------------------------------------------------
class NodeServesItsCenterOnly(NotAllowed):
    """An intake node receives cases for its own center only."""

    zh = "本收件节点只服务本中心"


class NamesItsCenterOnly(NotAllowed):
    """An intake node names its own center and departments only."""

    zh = "本收件节点只能为本中心命名"


class OwnDepartmentOnly(NotAllowed):
    """A department's staff list their own department's cases."""

    zh = "只能查看本部门的案件"


class OnlyTheCaseDepartmentExtends(NotAllowed):
    """A 容缺 promise is extended by the case's department (or the center administrator)."""

    zh = "只有案件所属部门或中心管理员可以延长补齐期限"


# --- the public lookup -----------------------------------------------------------------------
class WrongCaseOrCode(NotFound):
    """The case number and the query code of a receipt go together."""

    zh = "受理号或查询码不正确，请核对受理回执"


class NoDecisionYet(NotFound):
    """A decision document is downloadable once approval published it."""

    zh = "该案件尚未作出决定，暂无决定书"
