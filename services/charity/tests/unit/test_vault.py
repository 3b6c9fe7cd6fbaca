"""The vault's cryptography: per-subject keys, rotation by key id, keyed fingerprints."""

from __future__ import annotations

import base64
import uuid

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from charity.adapters.vault import Cipher, VaultUnavailableError
from charity.config import Settings

OLD, NEW = bytes(range(32)), bytes(range(1, 33))


def settings(**values: object) -> Settings:
    return Settings(database_url="postgresql://x@localhost/x", **values)  # type: ignore[arg-type]


def test_a_subjects_data_opens_only_with_its_own_key_and_id() -> None:
    cipher = Cipher(key_id="k1", keys={"k1": OLD}, pepper=b"p")
    subject, other = uuid.uuid4(), uuid.uuid4()
    data_key = AESGCM.generate_key(bit_length=256)
    nonce, sealed = Cipher.seal(subject, data_key, {"name": "张三"})
    assert "张三".encode() not in sealed
    assert Cipher.open(subject, data_key, nonce, sealed) == {"name": "张三"}
    with pytest.raises(InvalidTag):
        Cipher.open(other, data_key, nonce, sealed)
    wrapped = cipher.wrap(subject, data_key)
    assert cipher.unwrap(subject, "k1", wrapped) == data_key


def test_rotation_unwraps_old_keys_and_wraps_with_the_new_one() -> None:
    subject = uuid.uuid4()
    data_key = AESGCM.generate_key(bit_length=256)
    wrapped = Cipher(key_id="k1", keys={"k1": OLD}, pepper=b"p").wrap(subject, data_key)
    rotated = Cipher.from_settings(
        settings(
            vault_key=base64.b64encode(NEW).decode(),
            vault_key_id="k2",
            vault_previous_keys=f'{{"k1": "{base64.b64encode(OLD).decode()}"}}',
            pii_pepper="pepper",
        )
    )
    assert rotated.key_id == "k2"
    assert rotated.unwrap(subject, "k1", wrapped) == data_key
    assert rotated.unwrap(subject, "k2", rotated.wrap(subject, data_key)) == data_key


def test_fingerprints_are_keyed() -> None:
    a = Cipher(key_id="k", keys={"k": OLD}, pepper=b"one")
    b = Cipher(key_id="k", keys={"k": OLD}, pepper=b"two")
    number = "11010519491231002X"
    assert a.fingerprint(number) == a.fingerprint(number)
    assert a.fingerprint(number) != b.fingerprint(number)
    assert number not in a.fingerprint(number)


def test_bad_keys_are_refused() -> None:
    with pytest.raises(VaultUnavailableError):
        Cipher.from_settings(settings())
    with pytest.raises(VaultUnavailableError):
        Cipher.from_settings(
            settings(vault_key=base64.b64encode(b"short").decode(), pii_pepper="p")
        )
    with pytest.raises(VaultUnavailableError):
        Cipher.from_settings(settings(vault_key="not base64!", pii_pepper="p"))
