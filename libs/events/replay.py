"""Replaying parked records through the consumer's own path, after a fix (`onewindow dlq`).

A stream is replayed from its lowest parked sequence on, each record in one transaction with
its position and its `resolved_at`, so a replay repeated or raced applies nothing twice; the
stream unparks in the transaction that applies its last parked record. A record that still
fails keeps its row (with the new error) and the stream stays parked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from libs.events import parking
from libs.events.applier import Applier, DeadLetter, Raw, Waiting
from libs.events.envelope import UnparseableMessage, from_message
from libs.events.metrics import REPLAYED
from libs.events.store import ConcurrencyError


@dataclass(frozen=True)
class Replayed:
    """The outcome for one parked row."""

    id: int
    resolved: bool
    outcome: str  # applied, duplicate, unknown type, or the error that keeps it parked


async def replay(applier: Applier, ids: Sequence[int] | None = None) -> list[Replayed]:
    """Replay these open rows of the applier's consumer (each with its stream), or all."""
    rows = await parking.open_rows(applier.engine, applier.name, ids)
    done = [await replay_one(applier, row) for row in rows if row.stream is None]
    for stream in dict.fromkeys(row.stream for row in rows if row.stream is not None):
        done.extend(await replay_stream(applier, stream))
    return done


async def replay_stream(
    applier: Applier, stream: str, *, unless_blocked: bool = False
) -> list[Replayed]:
    """Apply the stream's parked records in sequence order until one still fails."""
    done: list[Replayed] = []
    while row := await parking.next_open(
        applier.engine, applier.name, stream, unless_blocked=unless_blocked
    ):
        result = await replay_one(applier, row)
        done.append(result)
        if not result.resolved:
            break
    return done


async def replay_one(applier: Applier, row: parking.Parked) -> Replayed:
    """Parse and apply one parked record as the consumer would; keep it when it still fails."""
    raw = Raw(row.topic, row.key, row.headers, row.value)
    try:
        envelope = from_message(raw.key, list(raw.headers), raw.value)
        applied = await applier.apply(envelope, raw=raw, resolving=row.id)
    except (UnparseableMessage, DeadLetter) as exc:
        error = str(exc)
    except ConcurrencyError:
        raise  # another instance moved the stream: the caller tries again
    except Waiting as exc:
        error = str(exc)  # still waiting: retried later (libs/events/waiting.py)
    except Exception as exc:
        error = f"handler failed: {exc!r}"
    else:
        if applied.reason != "gap":
            REPLAYED.labels(applier.name).inc()
            return Replayed(row.id, True, applied.reason or "applied")
        error = f"waiting for sequence {applied.expected}"
    await parking.set_error(applier.engine, row.id, error)
    return Replayed(row.id, False, error)
