"""The bare endpoint of `intake_http`: one INSERT and COMMIT per request, same uvicorn."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI

URL = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
state: dict[str, asyncpg.Pool] = {}


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    """A pool like the service's: the database of the bench."""
    pool = await asyncpg.create_pool(URL, min_size=4, max_size=16)
    await pool.execute("CREATE TABLE IF NOT EXISTS bare (id text PRIMARY KEY, body text)")
    state["pool"] = pool
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.post("/v1/bare", status_code=201)
async def bare(body: dict[str, object]) -> dict[str, str]:
    """One row in its own transaction."""
    row_id = str(uuid.uuid4())
    async with state["pool"].acquire() as conn, conn.transaction():
        await conn.execute("INSERT INTO bare (id, body) VALUES ($1, $2)", row_id, str(body))
    return {"id": row_id}


@app.get("/readyz")
async def readyz() -> dict[str, str]:
    """Ready once the pool is open."""
    return {"status": "ready"}
