"""``tokens`` and the stack's per-service environment (no backends needed)."""

import json
import os
import subprocess
import sys

from devstack.secrets_store import TOKEN_ROLES, ensure_secrets
from devstack.stack import SERVICES, StackConfig, _service_env, _sinks_env


def _devstack(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "devstack", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_tokens_prints_fresh_json_for_every_role_and_writes_nothing(tmp_path):
    env = {**os.environ, "DEVSTACK_STATE_DIR": str(tmp_path / "state")}

    first, second = _devstack("tokens", env=env), _devstack("tokens", env=env)

    assert first.returncode == 0, first.stderr
    tokens = json.loads(first.stdout)  # stdout is the JSON and nothing else
    assert list(tokens) == list(TOKEN_ROLES)
    assert all(isinstance(t, str) and len(t) >= 32 for t in tokens.values())
    assert len(set(tokens.values())) == len(TOKEN_ROLES)
    assert not set(tokens.values()) & set(json.loads(second.stdout).values())
    assert not (tmp_path / "state").exists()


def test_image_commands_do_not_need_the_repository():
    # The service image has devstack in site-packages but no deploy/kafka: provision and tokens
    # must not import devstack.paths (which looks for the repository).
    code = (
        "import sys, devstack.__main__, devstack.provision, devstack.secrets_store\n"
        "print(sorted(m for m in sys.modules if m in ('devstack.paths', 'devstack.kafka',"
        " 'devstack.stack', 'devstack.postgres')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_each_service_gets_only_its_own_vault_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("VAULT_KEY", "from-the-shell")
    monkeypatch.setenv("PII_PEPPER", "from-the-shell")
    cfg = StackConfig(state_dir=tmp_path, sink_smtp_port=12025, sink_http_port=12026)
    sec = ensure_secrets(tmp_path, SERVICES)

    envs = {name: _service_env(cfg, name, sec) for name in SERVICES}

    for name in ("inspection", "views"):
        assert "VAULT_KEY" not in envs[name]
        assert "PII_PEPPER" not in envs[name]
    for name in ("eldercare", "charity"):
        assert envs[name]["VAULT_KEY"] == sec.vault_keys[name]
        assert envs[name]["PII_PEPPER"] == sec.pii_peppers[name]
    assert envs["notify"]["VAULT_KEY"] == sec.vault_keys["notify"]
    assert "PII_PEPPER" not in envs["notify"]
    keys = [envs[name]["VAULT_KEY"] for name in ("eldercare", "charity", "notify")]
    assert len(set(keys)) == 3


def test_notify_is_pointed_at_the_stacks_sinks(tmp_path):
    cfg = StackConfig(state_dir=tmp_path, sink_smtp_port=12025, sink_http_port=12026)
    sec = ensure_secrets(tmp_path, SERVICES)

    notify = _service_env(cfg, "notify", sec)
    sinks = _sinks_env(cfg)

    assert notify["SINK_SMTP_HOST"] == "127.0.0.1"
    assert notify["SINK_SMTP_PORT"] == "12025"
    assert notify["SINK_HTTP_URL"] == "http://127.0.0.1:12026"
    assert sinks["NOTIFY_SINK_SMTP_PORT"] == "12025"
    assert sinks["NOTIFY_SINK_HTTP_PORT"] == "12026"
    assert sinks["DEVSTACK_OWNER"] == str(tmp_path)
    assert "SINK_HTTP_URL" not in _service_env(cfg, "eldercare", sec)


def test_sink_ports_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DEVSTACK_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("NOTIFY_SINK_SMTP_PORT", "13025")
    monkeypatch.setenv("NOTIFY_SINK_HTTP_PORT", "13026")
    cfg = StackConfig.from_env()
    assert (cfg.sink_smtp_port, cfg.sink_http_port) == (13025, 13026)
    assert cfg.sink_url == "http://127.0.0.1:13026"
    monkeypatch.delenv("NOTIFY_SINK_SMTP_PORT")
    monkeypatch.delenv("NOTIFY_SINK_HTTP_PORT")
    assert (StackConfig.from_env().sink_smtp_port, StackConfig.from_env().sink_http_port) == (
        8125,
        8126,
    )
