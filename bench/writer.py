"""A separate process committing events to an outbox, as a service's command handlers would.

``python -m bench.writer DSN SCHEMA N``: prepares N envelopes, prints ``ready``, waits for a line
on stdin, commits them with 4 concurrent writers (100 per transaction), prints ``done``.
"""

import asyncio
import sys

import asyncpg

from bench.relay import envelopes
from shared import outbox
from shared.db import init_connection

WRITERS = 4
PER_TX = 100


async def main(dsn: str, schema: str, n: int) -> None:
    envs = envelopes(n)
    chunks = [envs[i : i + PER_TX] for i in range(0, len(envs), PER_TX)]
    pool = await asyncpg.create_pool(
        dsn,
        min_size=WRITERS,
        max_size=WRITERS,
        init=init_connection,
        server_settings={"search_path": schema},
    )

    async def writer(k: int) -> None:
        for chunk in chunks[k::WRITERS]:
            async with pool.acquire() as conn, conn.transaction():
                await outbox.add(conn, chunk, schema=schema)

    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    await asyncio.gather(*(writer(k) for k in range(WRITERS)))
    print("done", flush=True)
    await pool.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
