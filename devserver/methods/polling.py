"""Getting updates: long polling (getUpdates) and webhooks, mutually exclusive as in Telegram."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from ..errors import ApiError
from ..params import ApiRequest
from ..state import BotState
from ..updates import Update
from .registry import api_method

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_MAX_LIMIT = 100


def _set_allowed_updates(state: BotState, req: ApiRequest) -> None:
    allowed = req.get("allowed_updates")
    if allowed is None:
        return  # Telegram keeps the previous setting
    if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
        raise ApiError.bad_request("can't parse allowed_updates JSON object")
    state.updates.allowed_updates = list(allowed)


@api_method("getUpdates")
async def get_updates(state: BotState, req: ApiRequest) -> list[Update]:
    """Long poll: answer as soon as an update is queued, or ``[]`` after ``timeout`` seconds.

    A newer getUpdates call ends an older pending one with 409, which is how Telegram reports
    two bot instances polling the same token.
    """
    if state.webhook.active:
        raise ApiError.conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    limit = min(max(req.integer("limit", _MAX_LIMIT) or _MAX_LIMIT, 1), _MAX_LIMIT)
    try:
        timeout = max(float(req.get("timeout", 0)), 0.0)
    except (TypeError, ValueError):
        raise ApiError.bad_request("wrong timeout specified") from None
    _set_allowed_updates(state, req)
    state.updates.confirm(req.integer("offset"))

    state.poll_generation += 1
    generation = state.poll_generation

    def superseded() -> bool:
        return generation != state.poll_generation

    def ready() -> bool:
        return (
            state.closing
            or req.client_gone
            or state.webhook.active
            or superseded()
            or bool(state.updates.batch(limit))
        )

    state.polls_waiting += 1
    state.notifier.notify()
    try:
        with contextlib.suppress(TimeoutError):
            await state.notifier.wait_for(ready, timeout)
    finally:
        state.polls_waiting -= 1
    if state.closing or req.client_gone:
        return []
    if superseded():
        raise ApiError.conflict(
            "terminated by other getUpdates request; "
            "make sure that only one bot instance is running"
        )
    if state.webhook.active:
        raise ApiError.conflict("terminated by setWebhook request")
    return state.updates.batch(limit)


@api_method("setWebhook")
async def set_webhook(state: BotState, req: ApiRequest) -> bool:
    url = (req.text("url") or "").strip()
    if not url:
        await state.webhook.delete()
        return True
    if not url.lower().startswith(("http://", "https://")):
        raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = req.text("secret_token")
    if secret and not _SECRET_RE.match(secret):
        raise ApiError.bad_request("secret token contains unallowed characters")
    max_connections = req.integer("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise ApiError.bad_request("bad webhook: max_connections must be between 1 and 100")
    _set_allowed_updates(state, req)
    if req.flag("drop_pending_updates"):
        state.updates.clear()
    await state.webhook.set(url, secret or None, max_connections)
    return True


@api_method("deleteWebhook")
async def delete_webhook(state: BotState, req: ApiRequest) -> bool:
    if req.flag("drop_pending_updates"):
        state.updates.clear()
    await state.webhook.delete()
    return True


@api_method("getWebhookInfo")
async def get_webhook_info(state: BotState, req: ApiRequest) -> dict[str, Any]:
    return state.webhook.info()
