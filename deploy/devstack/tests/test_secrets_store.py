import base64
import json
import stat

from devstack.secrets_store import (
    PEPPER_SERVICES,
    TOKEN_ROLES,
    VAULT_SERVICES,
    ensure_secrets,
    fresh_tokens,
    retire_legacy_keys,
)

SERVICES = ("inspection", "eldercare", "charity", "notify", "views")


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_each_vault_service_gets_its_own_key_and_pepper(tmp_path):
    sec = ensure_secrets(tmp_path, SERVICES)

    assert set(sec.vault_keys) == set(VAULT_SERVICES) == {"eldercare", "charity", "notify"}
    assert set(sec.pii_peppers) == set(PEPPER_SERVICES) == {"eldercare", "charity"}
    assert len(set(sec.vault_keys.values())) == len(VAULT_SERVICES)
    assert len(set(sec.pii_peppers.values())) == len(PEPPER_SERVICES)
    for key in sec.vault_keys.values():
        assert len(base64.b64decode(key, validate=True)) == 32
    assert sec.vault_env("eldercare") == {
        "VAULT_KEY": sec.vault_keys["eldercare"],
        "PII_PEPPER": sec.pii_peppers["eldercare"],
    }
    assert sec.vault_env("notify") == {"VAULT_KEY": sec.vault_keys["notify"]}
    assert sec.vault_env("inspection") == {}
    assert sec.vault_env("views") == {}

    stored = json.loads((tmp_path / "secrets.json").read_text())
    assert stored == {
        "db_passwords": sec.db_passwords,
        "vault_keys": sec.vault_keys,
        "pii_peppers": sec.pii_peppers,
    }
    assert set(sec.db_passwords) == set(SERVICES)
    assert set(sec.tokens) == set(TOKEN_ROLES)
    assert _mode(tmp_path / "secrets.json") == 0o600
    assert _mode(tmp_path / "tokens.json") == 0o600


def test_secrets_are_generated_once_and_kept(tmp_path):
    first = ensure_secrets(tmp_path, SERVICES)
    text = (tmp_path / "secrets.json").read_text()
    assert ensure_secrets(tmp_path, SERVICES) == first
    assert (tmp_path / "secrets.json").read_text() == text


def test_an_earlier_flat_secrets_file_keeps_its_passwords_and_is_completed(tmp_path):
    old = {service: f"old-password-{service}" for service in SERVICES}
    (tmp_path / "secrets.json").write_text(json.dumps(old))
    (tmp_path / "tokens.json").write_text(json.dumps({"admin": "kept-admin-token"}))

    sec = ensure_secrets(tmp_path, SERVICES)

    assert sec.db_passwords == old
    assert sec.tokens["admin"] == "kept-admin-token"
    assert set(sec.tokens) == set(TOKEN_ROLES)
    assert set(sec.vault_keys) == set(VAULT_SERVICES)
    stored = json.loads((tmp_path / "secrets.json").read_text())
    assert stored["db_passwords"] == old
    assert set(stored) == {"db_passwords", "vault_keys", "pii_peppers"}
    assert _mode(tmp_path / "secrets.json") == 0o600


def test_missing_entries_of_a_partial_file_are_generated(tmp_path):
    partial = {
        "db_passwords": {"inspection": "p1"},
        "vault_keys": {"charity": "a2VwdA=="},
    }
    (tmp_path / "secrets.json").write_text(json.dumps(partial))

    sec = ensure_secrets(tmp_path, SERVICES)

    assert sec.db_passwords["inspection"] == "p1"
    assert sec.vault_keys["charity"] == "a2VwdA=="
    assert set(sec.db_passwords) == set(SERVICES)
    assert set(sec.vault_keys) == set(VAULT_SERVICES)
    assert set(sec.pii_peppers) == set(PEPPER_SERVICES)


def test_the_shared_legacy_key_file_is_retired_not_deleted(tmp_path):
    assert retire_legacy_keys(tmp_path) is None
    (tmp_path / "keys.env").write_text("VAULT_KEY=abc\nPII_PEPPER=def\n")

    retired = retire_legacy_keys(tmp_path)

    assert retired is not None
    assert retired == tmp_path / "keys.env.retired"
    assert retired.read_text() == "VAULT_KEY=abc\nPII_PEPPER=def\n"
    assert not (tmp_path / "keys.env").exists()


def test_fresh_tokens_cover_every_role_and_differ_each_time():
    first, second = fresh_tokens(), fresh_tokens()
    assert list(first) == list(TOKEN_ROLES)
    assert len(set(first.values())) == len(TOKEN_ROLES)
    assert not set(first.values()) & set(second.values())
