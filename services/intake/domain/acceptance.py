"""An acceptance command (受理) and its 容缺 rules: what may be tolerated, and until when."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from libs.events.calendar import Deadline
from libs.events.clock import SHANGHAI
from services.intake.domain import rules
from services.intake.domain.catalog import ItemVersion


def today(now: datetime) -> date:
    """The Shanghai calendar day of an instant."""
    return now.astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class Acceptance:
    """An acceptance command: who, when, and what is tolerated until when (容缺受理)."""

    now: datetime
    by: str
    tolerated: Sequence[str] = ()
    supplement_by: date | None = None
    promise: str = ""

    def check_tolerance(self, item: ItemVersion, missing: list[str]) -> None:
        """Key materials are never tolerated; every missing material must be listed."""
        keys = [c for c in missing if (m := item.material(c)) is not None and m.key]
        if keys:
            raise rules.KeyMaterialsCannotBeTolerated(
                f"key materials are missing: {item.names(keys)}; they cannot be tolerated "
                "(容缺受理 is only for non-key materials)",
                materials=keys,
            )
        not_missing = [c for c in self.tolerated if c not in missing]
        if not_missing:
            raise rules.ToleratedMaterialsMustBeMissing(
                f"tolerated_missing names materials that are not missing: {', '.join(not_missing)}",
                field="tolerated_missing",
                materials=not_missing,
            )
        untolerated = [c for c in missing if c not in self.tolerated]
        if untolerated:
            raise rules.MissingMaterialsNotTolerated(
                f"materials still missing: {item.names(untolerated)}; supplement them, or list "
                "them in tolerated_missing with supplement_by (容缺受理)",
                materials=untolerated,
            )
        if missing and self.supplement_by is None:
            raise rules.SupplementDateRequired(
                "容缺受理 needs supplement_by, the date the applicant promises the materials by",
                field="supplement_by",
            )

    def check_promise_date(self, deadline: Deadline) -> None:
        """The promised date lies after today and no later than the case's due day."""
        if not self.tolerated or self.supplement_by is None:
            return
        if self.supplement_by <= today(self.now):
            raise rules.SupplementDateMustBeInTheFuture(
                f"supplement_by {self.supplement_by} is not after today ({today(self.now)})",
                field="supplement_by",
            )
        if self.supplement_by > deadline.due_day:
            raise rules.SupplementDateMustNotPassDeadline(
                f"supplement_by {self.supplement_by} is after the case's due day "
                f"{deadline.due_day}",
                field="supplement_by",
            )

    def promise_text(self, item: ItemVersion, missing: list[str]) -> str:
        """The written promise (承诺书): the applicant's own words, or the standard wording."""
        if not missing:
            return ""
        return self.promise.strip() or (
            f"申请人承诺于{self.supplement_by}前补齐以下材料：{item.names(missing)}；"
            "逾期未补齐的，同意按退件处理。"
        )
