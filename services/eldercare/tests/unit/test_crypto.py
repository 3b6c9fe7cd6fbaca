"""Envelope encryption and the blind index."""

import secrets
import uuid

import pytest

from eldercare.adapters.crypto import (
    CipherError,
    KeyRing,
    new_data_key,
    open_field,
    seal_field,
)


def ring(current="k1", **keys):
    keys = keys or {current: secrets.token_bytes(32)}
    return KeyRing(current_id=current, keys=keys, pepper=b"p" * 32)


def test_a_field_round_trips_and_its_ciphertext_hides_the_value():
    key, subject = new_data_key(), uuid.uuid4()
    blob = seal_field(key, subject, "name", "欧阳鹤龄")
    assert "欧阳鹤龄".encode() not in blob
    assert open_field(key, subject, "name", blob) == "欧阳鹤龄"
    assert seal_field(key, subject, "name", "欧阳鹤龄") != blob  # random nonce


@pytest.mark.parametrize("change", ["subject", "field", "key", "byte"])
def test_a_ciphertext_opens_only_for_its_subject_field_and_key(change):
    key, subject = new_data_key(), uuid.uuid4()
    blob = seal_field(key, subject, "phone", "13812345678")
    field = "name" if change == "field" else "phone"
    if change == "subject":
        subject = uuid.uuid4()
    elif change == "key":
        key = new_data_key()
    elif change == "byte":
        blob = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(CipherError):
        open_field(key, subject, field, blob)


def test_wrapped_data_keys_name_their_master_key_and_survive_rotation():
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    subject, data_key = uuid.uuid4(), new_data_key()
    key_id, wrapped = ring("a", a=old).wrap(subject, data_key)
    assert key_id == "a"
    rotated = ring("b", a=old, b=new)
    assert rotated.unwrap(subject, "a", wrapped) == data_key
    with pytest.raises(CipherError):
        ring("b", b=new).unwrap(subject, "a", wrapped)
    with pytest.raises(CipherError):
        rotated.unwrap(uuid.uuid4(), "a", wrapped)


def test_blind_index_is_keyed_and_deterministic():
    a = KeyRing(current_id="k", keys={"k": secrets.token_bytes(32)}, pepper=b"a" * 32)
    b = KeyRing(current_id="k", keys={"k": secrets.token_bytes(32)}, pepper=b"b" * 32)
    number = "11010519491231002X"
    assert a.blind_index("id_card", number) == a.blind_index("id_card", number)
    assert a.blind_index("id_card", number) != b.blind_index("id_card", number)
    assert a.blind_index("id_card", number) != a.blind_index("other", number)


def test_bad_keys_are_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        KeyRing(current_id="k", keys={"k": b"short"}, pepper=b"p" * 32)
    with pytest.raises(ValueError, match="pepper"):
        KeyRing(current_id="k", keys={"k": secrets.token_bytes(32)}, pepper=b"p")
    with pytest.raises(ValueError, match="current"):
        KeyRing(current_id="x", keys={"k": secrets.token_bytes(32)}, pepper=b"p" * 32)
    assert "b'" not in repr(ring("k"))
