"""A Bot API request that wraps another one: what every layer between the bot and HTTP shares.

The application's bot sends through a stack of them (ui/held_answers.py holds answers until
the update commits, bot/pacing.py paces, bot/sent_messages.py notes what was sent); each
only says what it does with one call in `handle`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from telegram.request import BaseRequest, RequestData

Call = Callable[[], Awaitable[tuple[int, bytes]]]


class WrappedRequest(BaseRequest):
    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    @property
    def waits_out_429(self) -> bool:
        """True when some layer below already waits out flood control and tries again
        (bot/pacing.py): a layer above must not try a refused call again on its own."""
        return bool(getattr(self.inner, "waits_out_429", False))

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        call = partial(
            self.inner.do_request,
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        return await self.handle(url.rsplit("/", 1)[-1], request_data, call)

    async def handle(
        self, name: str, request_data: RequestData | None, call: Call
    ) -> tuple[int, bytes]:
        """Do this layer's part for Bot API method `name`; `call` passes it on."""
        raise NotImplementedError


def retry_after(code: int, payload: bytes) -> float | None:
    """The seconds a 429 asks to wait, or None if this is not a 429."""
    if code != 429:
        return None
    try:
        value = json.loads(payload)["parameters"]["retry_after"]
        return max(0.0, float(value))
    except (ValueError, KeyError, TypeError):
        return 1.0  # a 429 without its parameters: Telegram's smallest wait


def chat_id_of(request_data: RequestData | None) -> int | None:
    """The numeric chat a call is addressed to; None for an @channel name, an inline
    message or a call without a chat."""
    value = request_data.parameters.get("chat_id") if request_data is not None else None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None
