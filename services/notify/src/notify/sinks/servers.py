"""The dev delivery sinks: an SMTP server and an HTTP receiver (SMS gateway + chat robots).

Both store what they receive; the HTTP side lists it on a Chinese page (``GET /``) and as JSON
(``GET /messages``). Tests script their answers (``POST /_control/script``) to simulate
failing providers. Nothing here ever forwards a message anywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

from notify.sinks.store import SinkStore

_KINDS = {"email": "邮件", "sms": "短信", "robot": "群机器人"}


class _SmtpHandler:
    """aiosmtpd handler: parse and store each message; answer as scripted (default 250)."""

    def __init__(self, store: SinkStore) -> None:
        self.store = store

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        code = self.store.next_status("email", 250)
        mail: EmailMessage = message_from_bytes(envelope.content, policy=policy.default)
        body = mail.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        self.store.add(
            kind="email",
            to=list(envelope.rcpt_tos),
            subject=str(mail.get("Subject", "")),
            text=text,
            answered=code,
        )
        if code == 250:
            return "250 Message accepted for delivery"
        return f"{code} Simulated failure"


class Script(BaseModel):
    """Answer the next messages of a kind with these statuses."""

    kind: str
    statuses: list[int]


def http_app(store: SinkStore) -> FastAPI:
    """The HTTP sink: /sms, /robot/{key}, /messages, the page, and the script control."""
    app = FastAPI(title="通知开发接收端", docs_url=None, redoc_url=None)

    @app.post("/sms")
    async def sms(request: Request) -> JSONResponse:
        """An SMS gateway that answers DELIVERED synchronously (or as scripted)."""
        payload = await request.json()
        status = store.next_status("sms", 200)
        store.add(
            kind="sms",
            to=[str(payload.get("phone", ""))],
            subject="",
            text=str(payload.get("content", "")),
            answered=status,
            payload=payload,
        )
        body = {"code": 0, "status": "DELIVERED"} if status < 300 else {"code": status}
        return JSONResponse(body, status_code=status)

    @app.post("/robot/{key}")
    async def robot(key: str, request: Request) -> JSONResponse:
        """A WeCom/DingTalk-style robot webhook."""
        payload = await request.json()
        text = payload.get("text", {})
        mentioned = text.get("mentioned_list") or payload.get("at", {}).get("atUserIds") or []
        status = store.next_status("robot", 200)
        store.add(
            kind="robot",
            to=[str(m) for m in mentioned],
            subject=key,
            text=str(text.get("content", "")),
            answered=status,
            payload=payload,
        )
        return JSONResponse({"errcode": 0 if status < 300 else status, "errmsg": "ok"}, status)

    @app.get("/messages")
    async def messages(kind: str | None = None, to: str | None = None) -> list[dict[str, Any]]:
        """Everything received, as JSON."""
        return [m.as_dict() for m in store.items(kind, to)]

    @app.delete("/messages", status_code=204)
    async def clear() -> None:
        """Forget everything."""
        store.clear()

    @app.post("/_control/script", status_code=204)
    async def script(body: Script) -> None:
        """Script the next answers of a kind (HTTP statuses, or SMTP codes for e-mail)."""
        store.script(body.kind, body.statuses)

    @app.get("/", response_class=HTMLResponse)
    async def page() -> str:
        """A page listing what arrived, newest first (Chinese)."""
        return render_page(store)

    return app


def render_page(store: SinkStore) -> str:
    """The HTML listing."""
    rows = []
    for m in reversed(store.items()):
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v))}</td>"
                for v in (
                    m.id,
                    m.received_at,
                    _KINDS.get(m.kind, m.kind),
                    "、".join(m.to),
                    m.answered,
                    m.subject,
                )
            )
            + f"<td><pre>{html.escape(m.text)}</pre></td></tr>"
        )
    body = "".join(rows) or '<tr><td colspan="7">尚未收到任何消息</td></tr>'
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>通知开发接收端</title><style>body{font-family:sans-serif}td,th{border:1px solid "
        "#ccc;padding:4px;vertical-align:top}table{border-collapse:collapse}</style></head><body>"
        "<h1>通知开发接收端（沙箱）</h1><p>这里显示通知服务在沙箱模式下发出的全部邮件、短信和群机器人"
        f"消息，共 {len(store.items())} 条。消息不会转发给任何真实的人。</p>"
        "<table><tr><th>序号</th><th>接收时间</th><th>渠道</th><th>接收人</th><th>应答</th>"
        f"<th>主题</th><th>内容</th></tr>{body}</table></body></html>"
    )


class DevSinks:
    """Both sinks, started and stopped together (in-process for tests, or by ``__main__``)."""

    def __init__(self, *, smtp_host: str, smtp_port: int, http_host: str, http_port: int) -> None:
        self.store = SinkStore()
        self.smtp_host, self.smtp_port = smtp_host, smtp_port
        self.http_host, self.http_port = http_host, http_port
        self._controller = Controller(_SmtpHandler(self.store), hostname=smtp_host, port=smtp_port)
        config = uvicorn.Config(
            http_app(self.store),
            host=http_host,
            port=http_port,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def http_url(self) -> str:
        """Base URL of the HTTP sink."""
        return f"http://{self.http_host}:{self.http_port}"

    async def start(self) -> None:
        """Start both servers; returns once they accept connections."""
        await asyncio.to_thread(self._controller.start)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:  # noqa: ASYNC110 - uvicorn exposes only a flag
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        """Stop both servers."""
        self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
        await asyncio.to_thread(self._controller.stop)
