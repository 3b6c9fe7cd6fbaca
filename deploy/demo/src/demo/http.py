"""The loader's HTTP client: aiohttp behind a small interface, answers read whole."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp


@dataclass(frozen=True)
class Answer:
    """A response, read: status, headers (lower-case names) and body text."""

    status_code: int
    headers: dict[str, str]
    text: str

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.text)


# What a retry may be needed for: the server closed an idle connection, or a reset.
TransportError = (aiohttp.ClientConnectionError, aiohttp.ServerDisconnectedError)


class Http:
    """One connection pool for every service the loader calls."""

    def __init__(self, connections: int, timeout_s: float = 120.0) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=connections, limit_per_host=connections),
            timeout=aiohttp.ClientTimeout(total=timeout_s),
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Answer:
        """Send a request and read its answer."""
        query = {k: str(v) for k, v in (params or {}).items()}
        async with self._session.request(
            method, url, json=json, headers=headers, params=query or None
        ) as response:
            text = await response.text()
            names = {k.lower(): v for k, v in response.headers.items()}
            return Answer(response.status, names, text)

    async def close(self) -> None:
        """Close the pool."""
        await self._session.close()
