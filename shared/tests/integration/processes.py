"""Entry points run as child processes by the fault tests (so they can be SIGKILLed)."""

import asyncio
import os
import signal
import sys
import uuid
from pathlib import Path

from faststream.kafka import KafkaBroker

from shared import db
from shared.consumer import ConsumerConfig, ConsumerRunner
from shared.kafka import make_producer
from shared.relay import Relay, RelayConfig


def relay_config() -> RelayConfig:
    return RelayConfig(
        dsn=os.environ["TEST_DSN"],
        schema=os.environ["TEST_SCHEMA"],
        bootstrap=os.environ["TEST_BOOTSTRAP"],
        poll_interval_s=0.2,
        standby_interval_s=0.2,
        topic_prefix=os.environ["TEST_PREFIX"],
    )


async def run_relay() -> None:
    await Relay(relay_config()).run()


async def run_consumer() -> None:
    """Apply events into ``effects``; optionally die right after the first effect commits."""
    cfg = relay_config()
    outcomes = Path(os.environ["TEST_OUTCOMES"])
    kill_marker = os.environ.get("TEST_KILL_MARKER")
    pool = await db.create_pool(cfg.dsn, schema=cfg.schema)
    dlq = make_producer(cfg.bootstrap, client_id="proc-dlq")
    await dlq.start()

    async def handler(conn, event, env):
        await conn.execute("INSERT INTO effects VALUES ($1, $2)", uuid.UUID(env.id), event.code)

    async def after_effect(record):
        if kill_marker and not Path(kill_marker).exists():
            Path(kill_marker).write_text("killed")
            os.kill(os.getpid(), signal.SIGKILL)

    runner = ConsumerRunner(
        ConsumerConfig(
            name=os.environ["TEST_GROUP"],
            topics=["inspection.campaigns"],
            topic_prefix=cfg.topic_prefix,
        ),
        pool=lambda: pool,
        handlers={"inspection.campaign.launched.v1": handler},
        dlq_producer=lambda: dlq,
        after_effect=after_effect,
    )
    process = runner.process

    async def recording(record):
        outcome = await process(record)
        with outcomes.open("a") as f:
            f.write(f"{record.offset} {outcome}\n")
        return outcome

    runner.process = recording  # type: ignore[method-assign]
    broker = KafkaBroker(cfg.bootstrap, allow_auto_create_topics=False)
    runner.subscribe(broker)
    await broker.start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run({"relay": run_relay, "consumer": run_consumer}[sys.argv[1]]())
