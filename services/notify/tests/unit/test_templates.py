import pytest

from notify.domain import templates
from notify.domain.model import Channel, NotifyError
from notify.domain.templates import render, sanitise, sms_segments

# A template's text never changes under an existing version: edit → new version → new digest.
DIGESTS = {
    ("hazard_assigned", 1): "39799250c98f477f",
    ("hazard_submitted", 1): "db0854ca4e2d5899",
    ("hazard_rejected", 1): "ff0a7a5e3eae4775",
    ("hazard_approaching", 1): "a9a7532028a665df",
    ("hazard_overdue", 1): "1c9946793fa1dfb7",
    ("hazard_escalated", 1): "12de37098a7a6bda",
    ("hazard_unacknowledged", 1): "3b0419d7a4402fde",
    ("work_notice_issued", 1): "97b614f3ff90e336",
    ("cadence_breached", 1): "7ae2b264770ad288",
    ("missing_case_reported", 1): "0ad0ad324a30c242",
    ("missing_case_found", 1): "e45d1e88cd23aae3",
    ("disbursement_failed", 1): "8341ad5c81d01ddc",
    ("meal_point_suspended", 1): "2a334f23a6f601a0",
    ("reconciliation_discrepancy", 1): "cf55f567f100884f",
    ("manual_notice", 1): "3020574de7319e17",
}

HAZARD = {
    "hazard_no": "YH-2024-001",
    "site_name": "赫山区敬老院",
    "level": "一般",
    "category": "消防",
    "deadline": "2024年3月20日",
}


def test_every_template_version_keeps_its_pinned_digest():
    digests = {(t.code, t.version): t.digest for t in templates.TEMPLATES}
    assert digests == DIGESTS


def test_codes_and_versions_are_unique_and_latest_is_the_highest():
    keys = [(t.code, t.version) for t in templates.TEMPLATES]
    assert len(keys) == len(set(keys))
    assert templates.latest("hazard_assigned").version == 1


def test_a_missing_variable_is_an_error_naming_it_never_a_blank():
    params = dict(HAZARD)
    del params["deadline"]
    with pytest.raises(NotifyError) as err:
        render(templates.latest("hazard_assigned"), params, Channel.EMAIL)
    assert err.value.code == "template_variable_missing"
    assert "deadline" in err.value.detail


def test_a_blank_value_counts_as_missing():
    with pytest.raises(NotifyError, match="category"):
        render(templates.latest("hazard_assigned"), {**HAZARD, "category": "  "}, Channel.SMS)


@pytest.mark.parametrize("value", ["13912345678", "+8613912345678", "430902199001011234"])
def test_params_that_look_like_personal_data_are_refused_without_echoing_them(value):
    with pytest.raises(NotifyError) as err:
        render(templates.latest("hazard_assigned"), {**HAZARD, "site_name": value}, Channel.EMAIL)
    assert err.value.code == "pii_in_params"
    assert value not in err.value.detail


def test_sms_is_signed_and_counted_in_chinese_segments():
    message = render(templates.latest("hazard_assigned"), HAZARD, Channel.SMS)
    assert message.text.startswith("【益阳民政】赫山区敬老院一般隐患YH-2024-001")
    assert message.segments == sms_segments(message.text)


@pytest.mark.parametrize(
    ("length", "segments"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_sms_segments_are_70_alone_and_67_when_concatenated(length, segments):
    assert sms_segments("字" * length) == segments


def test_an_sms_over_the_segment_limit_is_refused():
    long_name = "很长的机构名称" * 25
    with pytest.raises(NotifyError) as err:
        render(
            templates.latest("hazard_assigned"),
            {**HAZARD, "site_name": long_name[:200]},
            Channel.SMS,
            sms_max_segments=2,
        )
    assert err.value.code == "sms_too_long"


def test_chat_text_is_kept_within_2048_bytes():
    echo = templates.Template("echo", 1, "{{m}}", "{{m}}" * 4, "{{m}}", "test only")
    with pytest.raises(NotifyError) as err:
        render(echo, {"m": "字" * 200}, Channel.ROBOT)  # 5 x 600 bytes
    assert err.value.code == "chat_text_too_long"
    with pytest.raises(NotifyError) as err:
        render(echo, {"m": "字" * 201}, Channel.EMAIL)
    assert err.value.code == "param_too_long"
    ok = render(templates.latest("manual_notice"), {"title": "短", "message": "好"}, Channel.ROBOT)
    assert ok.size_bytes == len(ok.text.encode())


def test_values_are_sanitised_for_their_channel():
    value = "甲【乙】 @all 见 https://x.example/a\n换行"
    assert sanitise(value, Channel.SMS) == "甲[乙] @all 见 [链接已移除] 换行"
    assert sanitise(value, Channel.ROBOT) == "甲【乙】 ＠all 见 [链接已移除] 换行"
    assert sanitise(value, Channel.EMAIL) == "甲【乙】 @all 见 https://x.example/a 换行"


def test_email_subject_has_no_line_breaks():
    message = render(
        templates.latest("manual_notice"),
        {"title": "a\r\nBcc: x@y.z", "message": "m"},
        Channel.EMAIL,
    )
    assert "\n" not in message.subject
    assert "\r" not in message.subject


def test_every_template_renders_on_every_channel_with_sample_params():
    for template in templates.TEMPLATES:
        params = dict.fromkeys(template.variables, "样例")
        for channel in Channel:
            rendered = render(template, params, channel)
            assert "{{" not in rendered.text
            assert "{{" not in rendered.subject
