"""The rules of joint approval (并联审批) and projects, each a named exception like `rules.py`."""

from __future__ import annotations

from services.approval.domain.rules import BrokenRule, Forbidden, Invalid


class OnlyPartDepartmentsAct(Forbidden):
    """A joint case is acted on by the departments that have a part in it, each on its own."""


class PartIsDecided(BrokenRule):
    """A part that approved, denied or closed is not acted on again."""


class PausedPartsWait(BrokenRule):
    """A paused part is not reviewed or decided until it resumes; the other parts run on."""


class OnePausePerPartAtATime(BrokenRule):
    """A paused part resumes before it is paused again."""


class OnlyPausedPartsResume(BrokenRule):
    """Resuming a part needs its pause."""


class JointItemMustBeKnown(BrokenRule):
    """A joint case needs its catalogue item's departments and limits."""


class JointPartsHaveTheirOwnClocks(BrokenRule):
    """A joint case is extended, handed over or countersigned per part, not as a whole."""


class StagesRunInOrder(BrokenRule):
    """A project's stage starts only after the previous one completed approved."""


class StageItemMustMatch(Invalid):
    """The case of a stage is a case of the stage's joint item."""


class StageCaseAlreadyStarted(BrokenRule):
    """A case bound to a stage must not have been accepted before it was bound."""


class ProjectIsClosed(BrokenRule):
    """A completed or denied project takes no more stages."""


class SeriesMustBeDefined(Invalid):
    """A project belongs to a defined series."""


class GreenChannelFactor(Invalid):
    """The green channel shortens limits by a factor above 0 and at most 1."""


class PreReviewNeedsGreenChannel(BrokenRule):
    """容缺预审 with missing materials is for green-channel projects only."""


class KeyMaterialsCannotBeTolerated(Invalid):
    """Key materials may never be missing, not even in 容缺预审."""


class OnlyTheAgentActsForTheApplicant(Forbidden):
    """全程代办: on a project with an agent, the agent files and supplements for the applicant."""


class SiteReviewNeedsItsDepartments(Invalid):
    """A 现场会审 records an opinion of each department present, all parts of the stage."""


class SupplementsAnswerACorrection(BrokenRule):
    """Materials go to a running stage: a part paused for 补正, or what 容缺预审 still owes."""


class PreReviewedStageAwaitsMaterials(BrokenRule):
    """容缺预审: parts are reviewed while materials are owed, decided only once they came."""
