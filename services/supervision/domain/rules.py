"""Supervision's named rules: each refusal is a class, its name the rule the API answers with."""

from __future__ import annotations

from libs.events.rules import Conflict, Forbidden, Invalid, NotFound


class SupervisionWithinScope(Forbidden):
    """A supervisor acts on their center and those below it only."""

    zh = "只能对本中心及下级中心行使监督"


class OnlyTheDepartmentAnswers(Forbidden):
    """Only staff of the department, in its center, answer for it."""

    zh = "只能由该中心该部门的工作人员答复"


class OnlyTheDepartmentOrItsSupervisorResolves(Forbidden):
    """A complaint is resolved by the department complained about, or its supervisor."""

    zh = "投诉只能由被投诉部门或其上级监督机构办结"


class OnlyTheRaterAppeals(Forbidden):
    """Only the applicant who rated may appeal the answer."""

    zh = "只有作出评价的申请人才能申诉"


class RateOnce(Conflict):
    """A case is rated once."""

    zh = "每个案件只能评价一次"


class AppealOnce(Conflict):
    """A rating is appealed once."""

    zh = "每个评价只能申诉一次"


class AnswerOnlyWhileOpen(Conflict):
    """A closed item has nothing left to answer."""

    zh = "已办结的事项不能再答复"


class KnownCenter(Invalid):
    """A complaint names a center this node knows."""

    zh = "该中心代码不在已知中心之列"


class ComplaintNamesItsSubject(Invalid):
    """A complaint names its case, or the center and department complained about."""

    zh = "请写明投诉的案件，或被投诉的中心和部门"


class RatingBetweenOneAndFive(Invalid):
    """A rating is 1 to 5."""

    zh = "评价分数须为 1 至 5 分"


class OnlyCompletedCasesAreRated(Invalid):
    """A case is rated once it is completed."""

    zh = "案件办结后才能评价"


class OnlyBadRatingsNeedAnAnswer(Invalid):
    """Only a bad rating (1 or 2) opens a follow-up to answer."""

    zh = "只有差评需要部门答复"


class AppealOnlyAfterAnswer(Invalid):
    """An appeal is possible once the department has answered."""

    zh = "部门答复后才能申诉"


class CaseNotVisible(NotFound):
    """The case is unknown to supervision, or outside what the caller may see."""

    zh = "电子监察中没有该案件，或无权查看"


class CaseHasNoLight(NotFound):
    """A case has a light once it is accepted."""

    zh = "案件尚未受理，没有亮灯"


class FollowUpNotFound(NotFound):
    """No opinion, complaint, rating or notice has this id."""

    zh = "该督察意见、投诉、评价或整改通知书不存在"
