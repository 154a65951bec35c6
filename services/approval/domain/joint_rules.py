"""The rules of joint approval (并联审批) and projects, each a named exception like `rules.py`."""

from __future__ import annotations

from services.approval.domain.rules import BrokenRule, Forbidden, Invalid


class OnlyPartDepartmentsAct(Forbidden):
    """A joint case is acted on by the departments that have a part in it, each on its own."""

    zh = "联办件只能由承担其中一部分的部门各自办理"


class PartIsDecided(BrokenRule):
    """A part that approved, denied or closed is not acted on again."""

    zh = "该部门的联办部分已作出决定或已结束，不能再办理"


class PausedPartsWait(BrokenRule):
    """A paused part is not reviewed or decided until it resumes; the other parts run on."""

    zh = "暂停计时的联办部分恢复前不能审核或决定，其他部门照常办理"


class OnePausePerPartAtATime(BrokenRule):
    """A paused part resumes before it is paused again."""

    zh = "暂停中的联办部分须先恢复，才能再次暂停"


class OnlyPausedPartsResume(BrokenRule):
    """Resuming a part needs its pause."""

    zh = "只有暂停计时的联办部分才能恢复"


class JointItemMustBeKnown(BrokenRule):
    """A joint case needs its catalogue item's departments and limits."""

    zh = "联办件须有目录事项的联办部门和各部门时限"


class JointPartsHaveTheirOwnClocks(BrokenRule):
    """A joint case is extended, handed over or countersigned per part, not as a whole."""

    zh = "联办件按部门分别计时，不能对整件延期、转交或会签"


class StagesRunInOrder(BrokenRule):
    """A project's stage starts only after the previous one completed approved."""

    zh = "项目的下一阶段须在上一阶段准予办结后才能开始"


class StageItemMustMatch(Invalid):
    """The case of a stage is a case of the stage's joint item."""

    zh = "阶段的案件必须是该阶段联办事项的案件"


class StageCaseAlreadyStarted(BrokenRule):
    """A case bound to a stage must not have been accepted before it was bound."""

    zh = "绑定到阶段的案件不得在绑定前已经受理"


class ProjectIsClosed(BrokenRule):
    """A completed or denied project takes no more stages."""

    zh = "已办结或不予许可的项目不能再开始新的阶段"


class SeriesMustBeDefined(Invalid):
    """A project belongs to a defined series."""

    zh = "项目必须属于已定义的项目系列"


class GreenChannelFactor(Invalid):
    """The green channel shortens limits by a factor above 0 and at most 1."""

    zh = "绿色通道的时限系数须大于 0 且不超过 1"


class PreReviewNeedsGreenChannel(BrokenRule):
    """容缺预审 with missing materials is for green-channel projects only."""

    zh = "缺材料的容缺预审只适用于绿色通道项目"


class KeyMaterialsCannotBeTolerated(Invalid):
    """Key materials may never be missing, not even in 容缺预审."""

    zh = "关键材料不得容缺，容缺预审也不例外"


class OnlyTheAgentActsForTheApplicant(Forbidden):
    """全程代办: on a project with an agent, the agent files and supplements for the applicant."""

    zh = "全程代办的项目由代办员代申请人提交和补正材料"


class SiteReviewNeedsItsDepartments(Invalid):
    """A 现场会审 records an opinion of each department present, all parts of the stage."""

    zh = "现场会审须记录本阶段每个联办部门的意见"


class SupplementsAnswerACorrection(BrokenRule):
    """Materials go to a running stage: a part paused for 补正, or what 容缺预审 still owes."""

    zh = "补正材料只能提交给正在进行的阶段：因补正暂停的部分，或容缺预审尚欠的材料"


class PreReviewedStageAwaitsMaterials(BrokenRule):
    """容缺预审: parts are reviewed while materials are owed, decided only once they came."""

    zh = "容缺预审：材料补齐前各部门可以审核，但不能作出决定"
