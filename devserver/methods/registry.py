"""Name → handler table for Bot API methods (Telegram method names are case-insensitive)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..params import ApiRequest
    from ..state import BotState

Handler = Callable[["BotState", "ApiRequest"], Awaitable[Any]]


@dataclass(frozen=True)
class ApiMethod:
    name: str  # canonical spelling, e.g. "sendMessage"
    handler: Handler


_REGISTRY: dict[str, ApiMethod] = {}


def api_method(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated coroutine as the implementation of Bot API method ``name``."""

    def register(handler: Handler) -> Handler:
        _REGISTRY[name.lower()] = ApiMethod(name, handler)
        return handler

    return register


def resolve(name: str) -> ApiMethod | None:
    return _REGISTRY.get(name.lower())


def method_names() -> list[str]:
    return sorted(method.name for method in _REGISTRY.values())
