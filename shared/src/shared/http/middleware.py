"""ASGI middleware: request-size limit (413) and HTTP latency metrics."""

from __future__ import annotations

import time
from typing import Any

from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http.problems import problem_response
from shared.metrics import Metrics


class _TooLargeError(BaseException):
    """Raised from ``receive``; a BaseException since FastAPI turns Exceptions there into 400."""


class BodyLimitMiddleware:
    """Refuse bodies over ``max_bytes`` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLargeError:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"请求体超过 {self.max_bytes} 字节上限"
        await problem_response(413, "payload_too_large", detail)(scope, receive, send)


class MetricsMiddleware:
    """Observe each request's latency by route template (never by raw path: ids explode labels)."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}
        began = time.perf_counter()

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                # Now: the server span ends with the response's last chunk, and the router has
                # set the route by the time an answer starts.
                template = getattr(scope.get("route"), "path", None)
                if template is not None:
                    name_server_span(scope["method"], template)
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route: Any = scope.get("route")
            template = getattr(route, "path", None)
            self.metrics.http_latency.labels(
                scope["method"], template or "unmatched", str(status["code"])
            ).observe(time.perf_counter() - began)


def name_server_span(method: str, template: str) -> None:
    """Name the request's server span by its route template, as the HTTP conventions ask."""
    span = trace.get_current_span()
    if span.is_recording():
        span.update_name(f"{method} {template}")
        span.set_attribute("http.route", template)
