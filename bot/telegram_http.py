"""The HTTP client Caseline's bots talk to the Bot API with: PTB's `HTTPXRequest` without
a cookie jar.

The Bot API sets no cookies, yet httpx files every response in the client's jar, and to do
so builds a `urllib.request.Request` for it, parsing the URL once more: about 3 % of the CPU
of an update (bench/README.md, session 15).
A bot that keeps no cookies also sends none, whatever a proxy in between sets.
"""

from __future__ import annotations

from typing import Any

import httpx
from telegram.request import HTTPXRequest


class _NoCookies(httpx.Cookies):
    """Always empty: what a response sets is dropped unread."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None

    def set(self, name: str, value: str, domain: str = "", path: str = "/") -> None:
        return None


class _CookielessClient(httpx.AsyncClient):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._no_cookies = _NoCookies()

    # httpx reads the jar through this property, both to file a response and to build the
    # next request's Cookie header.
    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        return None


class TelegramRequest(HTTPXRequest):
    """`HTTPXRequest` (same arguments) whose httpx client keeps no cookies."""

    def _build_client(self) -> httpx.AsyncClient:
        return _CookielessClient(**self._client_kwargs)
