"""Rebuild the worklist (`work_items`, `joint_parts`) from approval's event store.

Each work item's stream is loaded as the handlers load it and its rows are written again, all
in one transaction, so readers see the old rows until the new ones are complete. The rows'
`updated_at` is the moment of writing, so it is left out when the two are compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.approval.application.ports import ApprovalUnit
from services.approval.application.unit import load_case

Snapshot = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Rebuilt:
    """The worklist before and after, and how many work items were replayed."""

    before: Snapshot
    after: Snapshot
    work_items: int

    @property
    def identical(self) -> bool:
        """Whether replaying changed nothing."""
        return self.before == self.after


class DryRun(Exception):
    """Raised at the end of a dry run so its transaction rolls back."""

    def __init__(self, rebuilt: Rebuilt) -> None:
        super().__init__("dry run")
        self.rebuilt = rebuilt


async def rebuild_worklist(*, uow: ApprovalUnit, dry_run: bool = False) -> Rebuilt:
    """Empty the worklist and write every work item's rows again; roll back when `dry_run`."""
    try:
        async with uow.begin() as tx:
            before = await tx.views.snapshot()
            await tx.views.clear_worklist()
            opened = await tx.views.opened_streams()
            for case_id in opened:
                case = await load_case(tx, case_id)
                await tx.views.refresh(case)
                await tx.views.refresh_parts(case)
            done = Rebuilt(before, await tx.views.snapshot(), len(opened))
            if dry_run:
                raise DryRun(done)
    except DryRun as rolled_back:
        return rolled_back.rebuilt
    return done
