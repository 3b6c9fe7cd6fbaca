import base64
import os
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag

from notify.adapters.vault import Vault, mask_email, mask_phone


def test_fields_round_trip_and_are_bound_to_their_person_and_field():
    vault = Vault.from_setting(base64.b64encode(os.urandom(32)).decode())
    sealed = vault.seal("13912345678", person_id="p1", field="phone")
    assert sealed is not None
    assert b"13912345678" not in sealed
    assert vault.open(sealed, person_id="p1", field="phone") == "13912345678"
    with pytest.raises(InvalidTag):
        vault.open(sealed, person_id="p2", field="phone")
    with pytest.raises(InvalidTag):
        vault.open(sealed, person_id="p1", field="email")


def test_a_wrong_key_length_is_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        Vault(b"short")


def test_masks_show_only_what_staff_lists_may_show():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_email("zhang.san@example.org") == "z***@example.org"


def test_sandbox_mode_points_every_channel_at_the_dev_sinks_whatever_the_providers_say():
    from notify.adapters.channels import build_adapters
    from notify.config import Settings
    from notify.domain.model import Channel

    real: dict[str, Any] = {
        "database_url": "postgresql://x@127.0.0.1/x",
        "smtp_host": "smtp.real.example",
        "sms_gateway_url": "https://sms.real.example/send",
        "robot_webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        "sink_http_url": "http://127.0.0.1:9999",
    }
    sandboxed = build_adapters(Settings(**real, sandbox_mode=True))
    assert sandboxed[Channel.EMAIL].host == "127.0.0.1"  # type: ignore[attr-defined]
    assert sandboxed[Channel.SMS].url == "http://127.0.0.1:9999/sms"  # type: ignore[attr-defined]
    assert sandboxed[Channel.ROBOT].url.startswith("http://127.0.0.1:9999/")  # type: ignore[attr-defined]
    live = build_adapters(Settings(**real, sandbox_mode=False))
    assert live[Channel.SMS].url == "https://sms.real.example/send"  # type: ignore[attr-defined]


def test_the_rate_limit_bucket_allows_its_burst_then_refuses():
    from notify.adapters.delivery import TokenBucket

    bucket = TokenBucket(per_minute=3)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
