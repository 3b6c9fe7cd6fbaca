import secrets
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from devstack.postgres import create_database, ensure_service_role


def _as_role(admin_dsn: str, role: str, password: str) -> str:
    parts = urlsplit(admin_dsn)
    return urlunsplit(parts._replace(netloc=f"{role}:{password}@{parts.hostname}:{parts.port}"))


@pytest.fixture
async def role_db(pg_admin_dsn):
    # ensure_service_role revokes PUBLIC's CONNECT on its database: use one of our own, not the
    # database every member's tests share.
    name = f"roles_{secrets.token_hex(4)}"
    await create_database(pg_admin_dsn, name)
    return urlunsplit(urlsplit(pg_admin_dsn)._replace(path=f"/{name}"))


@pytest.fixture
def roles():
    # Roles are cluster-wide and the test cluster is shared by every member: unique names.
    suffix = secrets.token_hex(3)
    return {"mine": f"svc_a_{suffix}", "other": f"svc_b_{suffix}"}


async def test_service_role_uses_its_own_schema_only(role_db, roles):
    pw_mine, pw_other = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    await ensure_service_role(role_db, roles["mine"], pw_mine)
    await ensure_service_role(role_db, roles["other"], pw_other)
    # Idempotent, and the password is (re)applied.
    await ensure_service_role(role_db, roles["mine"], pw_mine)

    other = await asyncpg.connect(_as_role(role_db, roles["other"], pw_other))
    try:
        await other.execute("CREATE TABLE secret_stuff (x int)")
    finally:
        await other.close()

    mine = await asyncpg.connect(_as_role(role_db, roles["mine"], pw_mine))
    try:
        assert await mine.fetchval("SHOW search_path") == roles["mine"]
        await mine.execute("CREATE TABLE things (id int PRIMARY KEY)")
        await mine.execute("INSERT INTO things VALUES (1)")
        assert await mine.fetchval(f'SELECT count(*) FROM "{roles["mine"]}".things') == 1  # noqa: S608 - generated names
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await mine.fetch(f'SELECT * FROM "{roles["other"]}".secret_stuff')  # noqa: S608 - generated names
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await mine.execute(f'CREATE TABLE "{roles["other"]}".intruder (x int)')
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await mine.execute("CREATE TABLE public.intruder (x int)")
    finally:
        await mine.close()


async def test_wrong_password_is_refused(role_db, roles):
    await ensure_service_role(role_db, roles["mine"], "right-password")
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(_as_role(role_db, roles["mine"], "wrong-password"))


async def test_committed_rows_survive_a_crash(pg_cluster, pg_admin_dsn, new_schema):
    schema = await new_schema()
    conn = await asyncpg.connect(pg_admin_dsn)
    try:
        await conn.execute(f'CREATE TABLE "{schema}".t (id int)')
        await conn.execute(f'INSERT INTO "{schema}".t SELECT generate_series(1, 100)')
    finally:
        await conn.close()

    pg_cluster.kill()
    assert pg_cluster.pid is None
    pg_cluster.start()

    conn = await asyncpg.connect(pg_admin_dsn)
    try:
        assert await conn.fetchval(f'SELECT count(*) FROM "{schema}".t') == 100  # noqa: S608 - generated names
    finally:
        await conn.close()


async def test_new_schema_creates_a_schema(pg_admin_dsn, new_schema):
    name = await new_schema(prefix="gone")
    conn = await asyncpg.connect(pg_admin_dsn)
    try:
        assert await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", name) == 1
    finally:
        await conn.close()
