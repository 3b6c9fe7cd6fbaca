"""The command-path baseline: a minimal FastAPI app whose POST is one asyncpg INSERT.

``python -m bench.baseline_app`` with ``DATABASE_URL`` and ``HTTP_PORT``. It is served by
uvicorn exactly as ``shared.cli`` serves the services (same loop and HTTP implementation, no
access log), with the services' default pool size, and validates a body of the same shape as
eldercare's ``POST /institutions`` with pydantic.
"""

import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, Field

POOL_MAX = 10  # shared.settings.ServiceSettings.db_pool_max's default
DDL = """
CREATE TABLE IF NOT EXISTS items (
    id uuid PRIMARY KEY,
    filing_no text NOT NULL UNIQUE,
    name text NOT NULL,
    kind text NOT NULL,
    county_code text NOT NULL,
    township_code text NOT NULL,
    beds integer NOT NULL,
    head_person_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""


class Item(BaseModel):
    """The body: eldercare's institution registration, validated the plain way."""

    id: uuid.UUID
    filing_no: Annotated[str, Field(min_length=1, max_length=64)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: str
    county_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    township_code: Annotated[str, Field(pattern=r"^\d{9}$")]
    beds: Annotated[int, Field(ge=0, le=100_000)]
    head_person_id: uuid.UUID


def make_app(dsn: str) -> FastAPI:
    """The app: ``POST /items`` inserts one row and answers 201 with it."""
    pools: list[asyncpg.Pool] = []

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=POOL_MAX)
        await pool.execute(DDL)
        pools.append(pool)
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/items", status_code=201)
    async def create(item: Item) -> Item:
        await pools[0].execute(
            "INSERT INTO items (id, filing_no, name, kind, county_code, township_code, beds,"
            " head_person_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            item.id,
            item.filing_no,
            item.name,
            item.kind,
            item.county_code,
            item.township_code,
            item.beds,
            item.head_person_id,
        )
        return item

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    uvicorn.run(
        make_app(os.environ["DATABASE_URL"]),
        host="127.0.0.1",
        port=int(os.environ["HTTP_PORT"]),
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=15,
    )
