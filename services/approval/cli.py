"""Approval's part of `onewindow seed`: the project series, written through approval's database.

The database is `--approval-database-url`, else `APPROVAL_DATABASE_URL`, else approval's
default (`sqlite:///var/approval.db`, the one `make run` uses); the events reach Kafka through
approval's outbox relay when the service runs.
"""

from __future__ import annotations

import asyncio
import os


def seed_project_series(url: str | None) -> int:
    """Define the demonstration project series in approval; how many were new."""
    from libs.events.db import migrate
    from services.approval.application.joint.seed_series import seed_series
    from services.approval.bootstrap import bootstrap
    from services.approval.config import Settings

    chosen = (
        url
        or os.environ.get("APPROVAL_DATABASE_URL")
        or Settings.model_fields["database_url"].default
    )
    settings = Settings(database_url=chosen)
    ctx = bootstrap(settings)
    runtime = ctx.runtime

    async def run() -> int:
        try:
            await migrate(runtime.engine, [runtime.migrations] if runtime.migrations else [])
            return await seed_series(runtime=runtime, center=settings.center_code)
        finally:
            await runtime.engine.dispose()

    return asyncio.run(run())
