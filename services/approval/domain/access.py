"""Who may see and act on what at this node: each refusal a named rule."""

from __future__ import annotations

from services.approval.domain.rules import Forbidden, Invalid, Unknown


class CaseNotHere(Unknown):
    """The case is not work of the caller's center."""

    zh = "案件不在本中心办理"


class SameDepartmentOnly(Forbidden):
    """A case is worked on by its own department (and the departments of its parts)."""

    zh = "案件由其所属部门（及联办部门）办理"


class CenterOnly(Forbidden):
    """This approval node serves and configures its own center only."""

    zh = "本审批节点只服务本中心"


class OwnDepartmentOnly(Forbidden):
    """Department staff see and configure their own department only."""

    zh = "部门人员只能查看和配置本部门"


class SayWhichDepartment(Invalid):
    """A caller without a department names the department they ask about."""

    zh = "请指明部门"


class NotYourCase(Unknown):
    """An applicant reads the documents of the cases they submitted only."""

    zh = "申请人只能查看本人提交的案件的文书"


class NoDecisionDocument(Unknown):
    """The case has no decision document at this center (yet)."""

    zh = "案件在本中心尚无决定书"


class UnknownDocument(Unknown):
    """No decision document was issued here under that number."""

    zh = "本中心未出具该编号的决定书"


class ProjectNotHere(Unknown):
    """No such project at this center."""

    zh = "本中心没有该项目"


class SeriesNotFound(Unknown):
    """No such project series."""

    zh = "项目系列不存在"


class JointCaseNotFiled(Unknown):
    """No such joint case was filed at this center."""

    zh = "本中心没有该联办件"


class JointItemNotHere(Unknown):
    """The joint item is not known here."""

    zh = "本中心没有该联办事项"
