"""The vault's key rotation and the admin route that runs it."""

import secrets
import uuid

import pytest

from eldercare.adapters.crypto import CipherError, KeyRing
from eldercare.adapters.vault import PgVault
from eldercare.service_layer.ports import Actor
from tests.integration.conftest import NOW
from tests.integration.support import assert_problem


async def test_rotation_rewraps_data_keys_and_keeps_data_readable(svc):
    k1, k2, pepper = secrets.token_bytes(32), secrets.token_bytes(32), secrets.token_bytes(32)
    old = KeyRing(current_id="rot-1", keys={"rot-1": k1}, pepper=pepper)
    both = KeyRing(current_id="rot-2", keys={"rot-1": k1, "rot-2": k2}, pepper=pepper)
    new = KeyRing(current_id="rot-2", keys={"rot-2": k2}, pepper=pepper)
    actor = Actor(person_id=uuid.uuid4(), role="admin")
    subject = uuid.uuid4()
    async with svc.pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            # Only this test's subject in the vault for the length of the (rolled back) transaction.
            await conn.execute("DELETE FROM vault_fields")
            await conn.execute("DELETE FROM vault_keys")
            await PgVault(conn, old, actor=actor, now=NOW).store(
                "volunteer", subject, {"name": '"甲"'}
            )
            assert (
                await conn.fetchval("SELECT key_id FROM vault_keys WHERE subject_id = $1", subject)
                == "rot-1"
            )
            with pytest.raises(CipherError):
                await PgVault(conn, new, actor=actor, now=NOW).load(subject, ["name"])
            assert await PgVault(conn, both, actor=actor, now=NOW).rewrap() == 1
            assert (
                await conn.fetchval("SELECT key_id FROM vault_keys WHERE subject_id = $1", subject)
                == "rot-2"
            )
            assert await PgVault(conn, new, actor=actor, now=NOW).load(subject, ["name"]) == {
                "name": '"甲"'
            }
            assert await PgVault(conn, both, actor=actor, now=NOW).rewrap() == 0
        finally:
            await tx.rollback()


async def test_rotate_route_is_for_admins(svc):
    r = await svc.client.post("/_admin/vault/rotate", headers=svc.auth("admin"))
    assert r.status_code == 200, r.text
    assert r.json() == {"rewrapped": 0, "key_id": "k1"}
    assert_problem(
        await svc.client.post("/_admin/vault/rotate", headers=svc.auth("caseworker")),
        403,
        "forbidden_role",
    )


async def test_ciphertexts_are_bound_to_their_subject(svc):
    """A ciphertext copied onto another subject's row does not decrypt."""
    ring = KeyRing(
        current_id="x", keys={"x": secrets.token_bytes(32)}, pepper=secrets.token_bytes(32)
    )
    actor = Actor(person_id=uuid.uuid4(), role="caseworker")
    a, b = uuid.uuid4(), uuid.uuid4()
    async with svc.pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            vault = PgVault(conn, ring, actor=actor, now=NOW)
            await vault.store("elder", a, {"name": '"甲"'})
            await vault.store("elder", b, {"name": '"乙"'})
            await conn.execute(
                "UPDATE vault_fields SET ciphertext = (SELECT ciphertext FROM vault_fields "
                "WHERE subject_id = $1 AND field = 'name') WHERE subject_id = $2",
                a,
                b,
            )
            with pytest.raises(CipherError):
                await vault.load(b, ["name"])
        finally:
            await tx.rollback()
