"""Channel adapters: e-mail over SMTP, SMS through an HTTP gateway, WeCom/DingTalk robots."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import smtplib
import time
import urllib.parse
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import httpx

from notify.config import Settings
from notify.domain.model import Channel
from notify.domain.policy import ErrorClass, classify_http, classify_smtp
from notify.domain.templates import Rendered
from notify.service_layer.ports import Address, ChannelAdapter, DeliveryResult

# Robot error codes that say "try later" (WeCom 45009: rate limited; -1: system busy).
_ROBOT_TRANSIENT = frozenset({-1, 45009, 130101})


class SmtpAdapter:
    """E-mail over SMTP: an accepted message (250) counts as delivered; bounces come as receipts."""

    channel = Channel.EMAIL

    def __init__(  # noqa: PLR0913 - SMTP connection settings, all keyword-only
        self,
        *,
        host: str,
        port: int,
        sender: str,
        timeout_s: float,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.host, self.port, self.sender, self.timeout_s = host, port, sender, timeout_s
        self.starttls, self.username, self.password = starttls, username, password

    async def send(self, address: Address, message: Rendered) -> DeliveryResult:
        """Hand the message to the SMTP server."""
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = address.value
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(domain="minzheng.yiyang.example")
        mail.set_content(message.text, charset="utf-8")
        try:
            await asyncio.to_thread(self._deliver, mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            return DeliveryResult.failed(classify_smtp(min(codes or [550])), "recipient refused")
        except smtplib.SMTPResponseException as exc:
            return DeliveryResult.failed(classify_smtp(exc.smtp_code), f"smtp {exc.smtp_code}")
        except (OSError, smtplib.SMTPException) as exc:
            return DeliveryResult.failed(ErrorClass.RETRYABLE, f"smtp {type(exc).__name__}")
        return DeliveryResult(ok=True, delivered=True)

    def _deliver(self, mail: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(mail)


async def _post(
    url: str, payload: dict[str, Any], *, timeout_s: float, headers: dict[str, str] | None = None
) -> tuple[int, Any] | DeliveryResult:
    """POST JSON; a transport failure or timeout is a retryable failure."""
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.post(url, json=payload, headers=headers)
    except httpx.TimeoutException:
        return DeliveryResult.failed(ErrorClass.RETRYABLE, "timeout")
    except httpx.HTTPError as exc:
        return DeliveryResult.failed(ErrorClass.RETRYABLE, f"http {type(exc).__name__}")
    try:
        body = response.json()
    except ValueError:
        body = None
    return response.status_code, body


class SmsGatewayAdapter:
    """SMS through an HTTP gateway: 2xx accepted (a synchronous DELIVERED report counts)."""

    channel = Channel.SMS

    def __init__(self, *, url: str, sign: str, timeout_s: float, token: str | None = None) -> None:
        self.url, self.sign, self.timeout_s, self.token = url, sign, timeout_s, token

    async def send(self, address: Address, message: Rendered) -> DeliveryResult:
        """Submit one SMS."""
        payload = {
            "phone": address.value,
            "sign": self.sign,
            "content": message.text,
            "segments": message.segments,
        }
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        answer = await _post(self.url, payload, timeout_s=self.timeout_s, headers=headers)
        if isinstance(answer, DeliveryResult):
            return answer
        status, body = answer
        error = classify_http(status)
        if error is not None:
            return DeliveryResult.failed(error, f"gateway http {status}")
        report = body.get("status") if isinstance(body, dict) else None
        return DeliveryResult(ok=True, delivered=report == "DELIVERED")


class RobotWebhookAdapter:
    """A WeCom or DingTalk group robot: HTTP 200 with errcode 0 is the only receipt there is."""

    channel = Channel.ROBOT

    def __init__(self, *, url: str, kind: str, timeout_s: float, secret: str | None = None) -> None:
        self.url, self.kind, self.timeout_s, self.secret = url, kind, timeout_s, secret

    def _payload(self, address: Address, message: Rendered) -> dict[str, Any]:
        if self.kind == "dingtalk":
            return {
                "msgtype": "text",
                "text": {"content": message.text},
                "at": {"atUserIds": [address.value]},
            }
        return {
            "msgtype": "text",
            "text": {"content": message.text, "mentioned_list": [address.value]},
        }

    def _signed_url(self) -> str:
        if self.kind != "dingtalk" or not self.secret:
            return self.url
        stamp = str(round(time.time() * 1000))
        digest = hmac.new(self.secret.encode(), f"{stamp}\n{self.secret}".encode(), hashlib.sha256)
        sign = urllib.parse.quote_plus(base64.b64encode(digest.digest()))
        joiner = "&" if "?" in self.url else "?"
        return f"{self.url}{joiner}timestamp={stamp}&sign={sign}"

    async def send(self, address: Address, message: Rendered) -> DeliveryResult:
        """Post one text message mentioning the recipient."""
        answer = await _post(
            self._signed_url(), self._payload(address, message), timeout_s=self.timeout_s
        )
        if isinstance(answer, DeliveryResult):
            return answer
        status, body = answer
        error = classify_http(status)
        if error is not None:
            return DeliveryResult.failed(error, f"robot http {status}")
        errcode = body.get("errcode", 0) if isinstance(body, dict) else 0
        if errcode == 0:
            return DeliveryResult(ok=True, delivered=True)
        kind = ErrorClass.RETRYABLE if errcode in _ROBOT_TRANSIENT else ErrorClass.PERMANENT
        return DeliveryResult.failed(kind, f"robot errcode {errcode}")


def build_adapters(settings: Settings) -> dict[Channel, ChannelAdapter]:
    """The three adapters; in sandbox mode every one of them points at the dev sinks."""
    timeout = settings.provider_timeout_s
    if settings.sandbox_mode:
        sink = settings.sink_http_url.rstrip("/")
        smtp = SmtpAdapter(
            host=settings.sink_smtp_host,
            port=settings.sink_smtp_port,
            sender=settings.smtp_from,
            timeout_s=timeout,
        )
        sms_url, robot_url, token, secret = f"{sink}/sms", f"{sink}/robot/sandbox", None, None
    else:
        smtp = SmtpAdapter(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            timeout_s=timeout,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        )
        sms_url, robot_url = settings.sms_gateway_url, settings.robot_webhook_url
        token = (
            settings.sms_gateway_token.get_secret_value() if settings.sms_gateway_token else None
        )
        secret = settings.robot_secret.get_secret_value() if settings.robot_secret else None
    return {
        Channel.EMAIL: smtp,
        Channel.SMS: SmsGatewayAdapter(
            url=sms_url, sign=settings.sms_sign, timeout_s=timeout, token=token
        ),
        Channel.ROBOT: RobotWebhookAdapter(
            url=robot_url, kind=settings.robot_kind, timeout_s=timeout, secret=secret
        ),
    }
