"""Through real Kafka: the live consumer builds the tables, and a rebuild from offset 0 gives them.

A views service of its own (``kafka_svc``) is fed only through its topics: the sample of every
event type, shuffled across aggregates, with redeliveries and an event type views does not
handle. Its tables must equal those of one ordered pass; a rebuild (endpoint and CLI) must give
exactly those tables again while the service keeps answering from the old ones, and must also
take in what the live consumer applies while it runs.
"""

import asyncio
import contextlib
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from shared.events import charity as ch, eldercare as el, inspection as ins, notify as nt
from shared.kafka import encode_headers
from shared.testing.harness import wait_until
from tests.integration.test_projection_order import TABLES, interleave
from tests.support import Item, load_direct, migrated, pool_for, snapshot
from views.adapters.apply import WRITERS
from views.domain.projections import PROJECTIONS

REPORT = {"year": 2024, "as_of": "2024-11-30"}
# Histories whose tables no figure of the 2024 report reads: published while a rebuild runs, they
# must reach the final tables, and the report must stay the same throughout.
UNREPORTED = (
    ins.LeaderAssigned,
    el.VolunteerEnrolled,
    ch.BeneficiaryRegistered,
    nt.NotificationSent,
)
VIEWS_SRC = Path(__file__).resolve().parents[2] / "src"


async def _publish(svc, items):
    """Put events on the service's topics with one producer, as the producers' relays would."""
    producer = AIOKafkaProducer(bootstrap_servers=svc.bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for event, env in items:
            await producer.send(
                svc.prefix + event.TOPIC,
                value=env.to_json(),
                key=env.subject.encode(),
                headers=encode_headers(
                    {
                        "content-type": "application/cloudevents+json",
                        "ce_type": env.type,
                        "ce_id": env.id,
                    }
                ),
            )
        await producer.flush()
    finally:
        await producer.stop()


async def _single_pass(pg_admin_dsn, items):
    """The tables of applying each event once, in publication order (no Kafka)."""
    schema = await migrated(pg_admin_dsn)
    pool = await pool_for(pg_admin_dsn, schema)
    try:
        await load_direct(pool, schema, items)
        return await snapshot(pool, TABLES)
    finally:
        await pool.close()


async def _status(svc):
    r = await svc.client.get("/status", headers=svc.auth("admin"))
    assert r.status_code == 200, r.text
    return r.json()


async def _consumed(svc, items):
    """Wait until the live consumer has applied every handled event of ``items`` and lag is 0."""
    ids = {env.id for _, env in items if env.type in WRITERS}
    group = svc.settings.consumer_group

    async def inbox_complete():
        n = await svc.pool.fetchval(
            "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])",
            group,
            list(ids),
        )
        return n == len(ids)

    await wait_until(inbox_complete, timeout=90, every=0.2)

    async def no_lag():
        status = await _status(svc)
        return status["kafka"] and all(p["lag"] == 0 for p in status["projections"])

    # Skipped types and duplicates advance only the group's committed offset: lag still reaches 0.
    await wait_until(no_lag, timeout=30, every=0.2)


def _fresh_histories(demo_items, taken, contracts):
    """For each contract, the whole history of one demo aggregate it starts that is not taken."""
    histories: dict[tuple[str, str], list[Item]] = {}
    for event, env in demo_items:
        histories.setdefault((env.aggregatetype, env.subject), []).append((event, env))
    out = []
    for contract in contracts:
        out += next(
            h for key, h in histories.items() if key not in taken and h[0][1].type == contract.TYPE
        )
    return out


class _Reader:
    """Reads a route again and again in the background, keeping every answer."""

    def __init__(self, svc, path, params):
        self.svc, self.path, self.params = svc, path, params
        self.answers: list[tuple[int, Any]] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self):
        while True:
            r = await self.svc.client.get(
                self.path, params=self.params, headers=self.svc.auth("views_reader")
            )
            self.answers.append((r.status_code, r.json() if r.status_code == 200 else r.text))
            await asyncio.sleep(0.02)

    async def __aenter__(self):
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc):
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@pytest.fixture(scope="module")
async def fed(kafka_svc, sample_items, pg_admin_dsn):
    """The sample on the topics (shuffled, redelivered), consumed; the single-pass tables."""
    stream = interleave(sample_items, seed=7, duplicates=list(range(0, 400, 9)))
    assert any(env.type not in WRITERS for _, env in stream)  # a type views skips
    await _publish(kafka_svc, stream)
    await _consumed(kafka_svc, sample_items)
    return await _single_pass(pg_admin_dsn, sample_items)


async def test_live_consumer_through_kafka_builds_the_tables_of_one_ordered_pass(kafka_svc, fed):
    assert await snapshot(kafka_svc.pool, TABLES) == fed
    status = await _status(kafka_svc)
    for p in status["projections"]:
        assert (p["generation"], p["ddl_current"], p["lag"]) == (1, True, 0), p["projection"]
        parts = [part for t in p["topics"] for part in t["partitions"]]
        assert any(part["checkpoint"] is not None for part in parts), p["projection"]
        for part in parts:
            assert part["end"] == max(part["committed"] or 0, (part["checkpoint"] or -1) + 1)
    metrics = (await kafka_svc.client.get("/metrics")).text
    lag = r'views_projection_lag\{partition="\d",projection="notify",topic="notify\.\w+"\} 0'
    assert re.search(lag, metrics)
    assert re.search(
        r'views_projection_checkpoint_offset\{partition="\d",projection="charity"', metrics
    )


async def test_rebuild_endpoint_replays_into_fresh_tables_and_switches_while_reads_answer(
    kafka_svc, fed, demo_items, sample_items, pg_admin_dsn
):
    svc = kafka_svc
    admin = svc.auth("admin")
    before = {p["projection"]: p["generation"] for p in (await _status(svc))["projections"]}
    report = (
        await svc.client.get("/reports/ytd", params=REPORT, headers=svc.auth("views_reader"))
    ).json()
    taken = {(env.aggregatetype, env.subject) for _, env in sample_items}
    late = _fresh_histories(demo_items, taken, UNREPORTED)
    seen: list[dict[str, Any]] = []
    async with _Reader(svc, "/reports/ytd", REPORT) as reader:
        started = await svc.client.post("/_admin/rebuilds", json={}, headers=admin)
        assert started.status_code == 202, started.text
        again = await svc.client.post(
            "/_admin/rebuilds", json={"projection": "inspection"}, headers=admin
        )
        assert (again.status_code, again.json()["code"]) == (409, "rebuild_running")
        # The live consumer goes on while the rebuild runs: these land in the old tables first.
        for event, env in late:
            await svc.publish(env, topic=event.TOPIC)

        async def switched():
            runs = [p["rebuild"] for p in (await _status(svc))["projections"]]
            seen.extend(r for r in runs if r is not None)
            return all(
                r is not None
                and r["state"] == "SWITCHED"
                and r["generation"] == before[r["projection"]] + 1
                for r in runs
            )

        await wait_until(switched, timeout=90, every=0.1)
        await _consumed(svc, late)
    # Every read during the rebuild answered, from a complete set of tables (old or new).
    assert len(reader.answers) >= 5
    assert all(code == 200 for code, _ in reader.answers), reader.answers[-1]
    assert all(doc["sections"] == report["sections"] for _, doc in reader.answers)
    # Progress was visible while it ran, and every record of the topics was read.
    assert any(r["state"] == "RUNNING" and r["read_events"] < r["target_events"] for r in seen)
    final = (await _status(svc))["projections"]
    for p in final:
        run = p["rebuild"]
        assert p["generation"] == before[p["projection"]] + 1
        assert run["read_events"] >= run["target_events"] > 0, run
    assert await snapshot(svc.pool, TABLES) == await _single_pass(pg_admin_dsn, sample_items + late)
    metrics = (await svc.client.get("/metrics")).text
    assert 'views_rebuild_progress_ratio{projection="inspection"} 1.0' in metrics
    gen = before["inspection"] + 1
    assert f'views_projection_generation{{projection="inspection"}} {gen:.1f}' in metrics
    async with svc.pool.acquire() as conn:
        sets = await conn.fetch("SELECT projection, state FROM projection_sets ORDER BY 1, 2")
        schemas = await conn.fetch(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE $1",
            f"{svc.schema}\\_%",
        )
    assert sorted(r["state"] for r in sets if r["state"] in ("ACTIVE", "BUILDING")) == [
        "ACTIVE"
    ] * len(PROJECTIONS)
    assert len(schemas) == len(PROJECTIONS)  # the retired sets are dropped


async def test_rebuild_endpoint_checks_role_and_projection(kafka_svc):
    svc = kafka_svc
    denied = await svc.client.post("/_admin/rebuilds", json={}, headers=svc.auth("views_reader"))
    assert denied.status_code == 403
    unknown = await svc.client.post(
        "/_admin/rebuilds", json={"projection": "elders"}, headers=svc.auth("admin")
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_projection")


async def test_cli_rebuild_prints_progress_and_switches_to_identical_tables(kafka_svc, fed):
    svc = kafka_svc
    before = await snapshot(svc.pool, TABLES)
    generation = {p["projection"]: p["generation"] for p in (await _status(svc))["projections"]}
    env = {
        **os.environ,
        "DATABASE_URL": svc.settings.database_url.get_secret_value(),
        "DB_SCHEMA": svc.schema,
        "KAFKA_BOOTSTRAP_SERVERS": svc.bootstrap,
        "KAFKA_TOPIC_PREFIX": svc.prefix,
        "REBUILD_BATCH_SIZE": "15",
        "REBUILD_PAUSE_S": "0.1",
        "LOG_LEVEL": "WARNING",
    }
    async with _Reader(svc, "/views/institutions", {"as_of": "2024-11-30"}) as reader:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "views",
            "rebuild",
            "eldercare",
            env=env,
            cwd=VIEWS_SRC.parent,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
    assert proc.returncode == 0, err.decode()[-3000:]
    lines = out.decode().splitlines()
    new = generation["eldercare"] + 1
    running = rf"^rebuild eldercare g{new}: \d+/\d+ events read \(\d+%\), \d+ applied, \d+ skipped"
    assert re.match(running + r" \[RUNNING\]$", lines[0]), lines
    done = re.match(
        rf"^rebuild eldercare g{new}: (\d+)/(\d+) events read \(100%\), (\d+) applied,"
        r" \d+ skipped \[SWITCHED\]$",
        lines[-1],
    )
    assert done, lines
    assert int(done[1]) >= int(done[2]) > 0
    assert int(done[3]) > 0
    assert all(code == 200 for code, _ in reader.answers), reader.answers[-1]
    status = {p["projection"]: p for p in (await _status(svc))["projections"]}
    assert status["eldercare"]["generation"] == new
    assert status["inspection"]["generation"] == generation["inspection"]
    assert await snapshot(svc.pool, TABLES) == before
