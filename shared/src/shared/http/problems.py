"""Errors as application/problem+json (RFC 9457) with a stable machine ``code``."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared import db

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

_TITLES = {
    400: "请求格式错误",
    401: "未认证",
    403: "无权限",
    404: "未找到",
    405: "方法不允许",
    409: "状态冲突",
    413: "请求体过大",
    415: "不支持的媒体类型",
    422: "输入无效",
    500: "服务器内部错误",
    503: "服务暂不可用",
}


class Problem(Exception):  # noqa: N818 - it is the RFC's own name for the error document
    """A refusal with a status, a stable ``code`` and a Chinese ``detail`` for people."""

    def __init__(
        self, status: int, code: str, detail: str, *, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra or {}


def problem_response(
    status: int, code: str, detail: str, extra: dict[str, Any] | None = None
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": f"https://minzheng.yiyang.example/problems/{code}",
        "title": _TITLES.get(status, "错误"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if extra:
        body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # The offending input is never echoed: it may be an ID-card number or a phone.
    return [
        {
            "loc": [str(p) for p in err.get("loc", ())],
            "msg": err.get("msg", ""),
            "type": err["type"],
        }
        for err in exc.errors()
    ]


async def _on_data_error(request: Request, exc: Exception) -> JSONResponse:
    if not db.is_unstorable(exc):
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem_response(500, "internal_error", "服务器内部错误")
    # DECISIONS §6: never a 500 for bad input, even input only the database could judge.
    log.warning(
        "input the database cannot hold",
        extra={"path": request.url.path, "error": type(exc).__name__},
    )
    return problem_response(422, "invalid_input", "输入值超出可存储的范围")


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(Problem)
    async def on_problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.code, exc.detail, exc.extra)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        return problem_response(422, "invalid_input", "请求内容不符合要求", {"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem_response(exc.status_code, code, str(exc.detail))

    async def on_unavailable(request: Request, exc: Exception) -> JSONResponse:
        log.warning(
            "database unavailable", extra={"path": request.url.path, "error": type(exc).__name__}
        )
        return problem_response(503, "database_unavailable", "数据库暂不可用，请稍后重试")

    # Registered by class, not left to the catch-all below: Starlette sends the catch-all's
    # response from its outermost middleware and then re-raises, so during an outage uvicorn
    # logged a traceback and closed the keep-alive connection after every 503 (clients reusing
    # it saw resets) and the latency metric counted each 503 as a 500.
    for error in db.UNAVAILABLE_ERRORS:
        if issubclass(error, Exception):
            app.add_exception_handler(error, on_unavailable)

    app.add_exception_handler(asyncpg.exceptions.DataError, _on_data_error)

    @app.exception_handler(Exception)
    async def on_error(request: Request, exc: Exception) -> JSONResponse:
        if db.is_unavailable(exc):
            return problem_response(503, "database_unavailable", "数据库暂不可用，请稍后重试")
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem_response(500, "internal_error", "服务器内部错误")


class ProblemDoc(BaseModel):
    """The error document (application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="Stable machine-readable reason, e.g. unknown_reference")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting problem+json errors."""
    return {
        status: {
            "model": ProblemDoc,
            "description": _TITLES.get(status, "错误"),
            # The schema under the media type actually sent, so clients can validate errors.
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDoc"}}},
        }
        for status in statuses
    }
