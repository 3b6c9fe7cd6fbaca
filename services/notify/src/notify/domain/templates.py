"""Message templates (simplified Chinese), versioned, rendered strictly for one channel.

A template is never edited in place: a changed text is a new version (a unit test pins each
version's digest). A missing variable is an error, never a blank; values are sanitised for the
target channel; SMS length is counted in Chinese (UCS-2) segments of 70, or 67 when concatenated.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from notify.domain.model import Channel, NotifyError
from shared.events.pii import find_pii

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
SMS_SINGLE = 70
SMS_PART = 67
CHAT_MAX_BYTES = 2048
PARAM_MAX_CHARS = 200


@dataclass(frozen=True)
class Template:
    """One version of a message: a title, a long body, a short SMS text."""

    code: str
    version: int
    title: str
    body: str
    sms: str
    description: str

    @property
    def variables(self) -> frozenset[str]:
        """Every placeholder the template uses."""
        return frozenset(PLACEHOLDER.findall(self.title + self.body + self.sms))

    @property
    def digest(self) -> str:
        """A hash of the text: a changed digest under an old version is a mistake."""
        text = "\x1e".join((self.title, self.body, self.sms))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Rendered:
    """A message ready for one channel."""

    channel: Channel
    subject: str
    text: str
    segments: int
    size_bytes: int


def _t(code: str, version: int, title: str, body: str, sms: str, description: str) -> Template:
    return Template(code, version, title, body, sms, description)


_ACK = "收到后请及时确认（回复确认或在系统中点击“已知悉”）。"

TEMPLATES: tuple[Template, ...] = (
    _t(
        "hazard_assigned",
        1,
        "【隐患整改】{{site_name}}隐患{{hazard_no}}请于{{deadline}}前完成整改",
        "您好：{{site_name}}发现{{level}}隐患（编号{{hazard_no}}，类别：{{category}}），"
        "已指定您为整改责任人，请按“五定”要求于{{deadline}}前完成整改并提交整改材料。" + _ACK,
        "{{site_name}}{{level}}隐患{{hazard_no}}已指定您为整改责任人，请于{{deadline}}前完成整改。",
        "HazardRectificationAssigned → 整改责任人",
    ),
    _t(
        "hazard_submitted",
        1,
        "【待验收】隐患{{hazard_no}}整改材料已提交",
        "您好：{{site_name}}隐患{{hazard_no}}（类别：{{category}}）的整改材料已提交，"
        "请您作为验收人及时组织复查验收。",
        "隐患{{hazard_no}}整改材料已提交，请及时验收。",
        "HazardRectificationSubmitted → 验收人",
    ),
    _t(
        "hazard_rejected",
        1,
        "【整改退回】隐患{{hazard_no}}验收未通过",
        "您好：{{site_name}}隐患{{hazard_no}}的整改未通过验收（第{{rework_count}}次退回），"
        "请于{{deadline}}前重新整改并提交。" + _ACK,
        "隐患{{hazard_no}}整改未通过验收，请于{{deadline}}前重新整改。",
        "HazardRectificationRejected → 整改责任人",
    ),
    _t(
        "hazard_approaching",
        1,
        "【整改提醒】隐患{{hazard_no}}距整改期限还有{{days_left}}天",
        "您好：{{site_name}}隐患{{hazard_no}}的整改期限为{{deadline}}，距今还有{{days_left}}天，"
        "请抓紧完成整改。" + _ACK,
        "隐患{{hazard_no}}整改期限{{deadline}}，还有{{days_left}}天，请抓紧整改。",
        "HazardDeadlineApproaching → 整改责任人",
    ),
    _t(
        "hazard_overdue",
        1,
        "【逾期警示】{{site_name}}隐患{{hazard_no}}已逾期未整改",
        "您好：{{site_name}}{{level}}隐患{{hazard_no}}的整改期限{{deadline}}已过，尚未完成整改，"
        "请立即督促落实。" + _ACK,
        "{{site_name}}隐患{{hazard_no}}已逾期（期限{{deadline}}），请立即督促整改。",
        "HazardOverdue → 责任人、机构负责人、分管安全负责人",
    ),
    _t(
        "hazard_escalated",
        1,
        "【挂牌督办】{{site_name}}隐患{{hazard_no}}逾期{{days_overdue}}天",
        "您好：{{site_name}}{{level}}隐患{{hazard_no}}已逾期{{days_overdue}}天（期限{{deadline}}），"
        "现提请挂牌督办。" + _ACK,
        "挂牌督办：{{site_name}}隐患{{hazard_no}}已逾期{{days_overdue}}天，请督办。",
        "HazardEscalated → 主要领导",
    ),
    _t(
        "hazard_unacknowledged",
        1,
        "【升级提醒】{{site_name}}隐患{{hazard_no}}通知未获确认",
        "您好：关于{{site_name}}隐患{{hazard_no}}（期限{{deadline}}）的通知，原接收人未在规定时间内确认，"
        "现升级告知您，请跟进落实。" + _ACK,
        "升级提醒：{{site_name}}隐患{{hazard_no}}通知未获确认，请跟进。",
        "确认超时 → 上一级负责人",
    ),
    _t(
        "work_notice_issued",
        1,
        "【工作提示】{{title}}",
        "您好：市民政局发布工作提示“{{title}}”（文号{{notice_no}}），请于{{ack_due}}前阅知并回执。",
        "工作提示{{notice_no}}已发布，请于{{ack_due}}前阅知回执。",
        "WorkNoticeIssued → 各目标机构负责人",
    ),
    _t(
        "cadence_breached",
        1,
        "【带班检查提醒】{{period}}未完成带班检查",
        "您好：安全生产领导小组成员在{{period}}（{{period_start}}至{{period_end}}）"
        "未完成规定的带班检查，请及时补齐。",
        "{{period}}带班检查未完成，请及时补齐。",
        "LeaderCadenceBreached → 本人、主要领导",
    ),
    _t(
        "missing_case_reported",
        1,
        "【紧急】{{county}}有老人走失，请立即协助寻找",
        "紧急：{{county}}于{{reported_at}}报告一名老人走失，请立即组织志愿者协助寻找，"
        "详情请登录系统查看。",
        "紧急：{{county}}{{reported_at}}有老人走失，请立即协助寻找，详情请登录系统查看。",
        "MissingCaseReported → 该县银龄分队队长、养老值班员",
    ),
    _t(
        "missing_case_found",
        1,
        "【已找到】{{county}}走失老人已找到",
        "{{county}}报告走失的老人已于{{found_at}}找到，感谢协助，寻找工作结束。",
        "{{county}}走失老人已于{{found_at}}找到，感谢协助。",
        "MissingCaseFound → 同上",
    ),
    _t(
        "disbursement_failed",
        1,
        "【资金发放失败】第{{attempt}}次发放未成功",
        "您好：一笔慈善资金发放（第{{attempt}}次）未成功，原因代码{{reason}}，请核实后处理。",
        "一笔资金发放失败（原因{{reason}}），请核实处理。",
        "DisbursementFailed → 慈善科经办人",
    ),
    _t(
        "meal_point_suspended",
        1,
        "【助餐点暂停】{{meal_point}}已暂停服务",
        "您好：助餐点“{{meal_point}}”已于{{suspended_at}}暂停服务（原因代码{{reason}}），"
        "请做好就餐老人的安排。",
        "助餐点{{meal_point}}已暂停服务，请安排好就餐老人。",
        "MealPointSuspended → 养老值班员",
    ),
    _t(
        "reconciliation_discrepancy",
        1,
        "【对账差异】截至{{period_end}}的对账发现{{discrepancy_count}}处差异",
        "您好：截至{{period_end}}的资金对账发现{{discrepancy_count}}处差异，请尽快核对。",
        "对账发现{{discrepancy_count}}处差异，请尽快核对。",
        "ReconciliationCompleted（有差异）→ 慈善科经办人",
    ),
    _t(
        "manual_notice",
        1,
        "【通知】{{title}}",
        "{{message}}",
        "{{message}}",
        "人工发送的通知",
    ),
)

_LATEST: dict[str, Template] = {}
for _tpl in TEMPLATES:
    if _tpl.code not in _LATEST or _LATEST[_tpl.code].version < _tpl.version:
        _LATEST[_tpl.code] = _tpl


def latest(code: str) -> Template:
    """The current version of a template."""
    try:
        return _LATEST[code]
    except KeyError:
        raise NotifyError("unknown_template", "模板不存在") from None


def version_of(code: str, version: int) -> Template:
    """An exact version (to re-render exactly what was sent)."""
    for tpl in TEMPLATES:
        if tpl.code == code and tpl.version == version:
            return tpl
    raise NotifyError("unknown_template", "模板版本不存在")


def check_params(template: Template, params: Mapping[str, object]) -> None:
    """Refuse params with personal data or missing variables, naming keys, never values."""
    if find_pii(dict(params)):
        raise NotifyError("pii_in_params", "模板参数中疑似包含身份证号或手机号，已拒绝发送")
    missing = sorted(v for v in template.variables if _blank(params.get(v)))
    if missing:
        raise NotifyError(
            "template_variable_missing", f"模板 {template.code} 缺少变量：{'、'.join(missing)}"
        )
    too_long = sorted(k for k, v in params.items() if len(str(v)) > PARAM_MAX_CHARS)
    if too_long:
        raise NotifyError(
            "param_too_long", f"模板参数过长（上限 {PARAM_MAX_CHARS} 字）：{'、'.join(too_long)}"
        )


def _blank(value: object) -> bool:
    return value is None or not str(value).strip()


def sanitise(value: object, channel: Channel) -> str:
    """A parameter value made safe for a channel: no control characters, links or mentions."""
    text = _CONTROL.sub(" ", str(value)).strip()
    text = re.sub(r"\s{2,}", " ", text)
    if channel in (Channel.SMS, Channel.ROBOT):
        # Carriers refuse links in parameters; a link in a group chat is a phishing vector.
        text = _URL.sub("[链接已移除]", text)
    if channel is Channel.SMS:
        # 【】 frame the approved SMS signature: a parameter must not forge one.
        text = text.replace("【", "[").replace("】", "]")
    if channel is Channel.ROBOT:
        # "@all" or "@someone" in a value would ping a whole group.
        text = text.replace("@", "＠")
    return text


def _fill(text: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def sms_segments(text: str) -> int:
    """SMS parts for a UCS-2 text: 70 characters alone, 67 per part when concatenated."""
    units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
    return 1 if units <= SMS_SINGLE else math.ceil(units / SMS_PART)


def render(
    template: Template,
    params: Mapping[str, object],
    channel: Channel,
    *,
    sms_sign: str = "益阳民政",
    sms_max_segments: int = 3,
) -> Rendered:
    """Render strictly for one channel, or raise :class:`NotifyError` (nothing half-rendered)."""
    check_params(template, params)
    values = {k: sanitise(v, channel) for k, v in params.items() if k in template.variables}
    subject = _fill(template.title, values)
    if channel is Channel.SMS:
        text = f"【{sms_sign}】" + _fill(template.sms, values)
        segments = sms_segments(text)
        if segments > sms_max_segments:
            raise NotifyError(
                "sms_too_long", f"短信 {segments} 条超过上限 {sms_max_segments} 条（每条 67 字）"
            )
    elif channel is Channel.ROBOT:
        text = subject + "\n" + _fill(template.body, values)
        segments = 1
        if len(text.encode()) > CHAT_MAX_BYTES:
            raise NotifyError("chat_text_too_long", f"群机器人消息超过 {CHAT_MAX_BYTES} 字节上限")
    else:
        subject = subject.replace("\r", " ").replace("\n", " ")
        text = (
            _fill(template.body, values)
            + "\n\n（本邮件由益阳市民政局通知服务自动发送，请勿直接回复）"
        )
        segments = 1
    return Rendered(channel, subject, text, segments, len(text.encode()))
