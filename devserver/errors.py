"""Telegram-shaped API failures.

Every rule violation inside the dev server is raised as an :class:`ApiError` and turned into
exactly the JSON body and HTTP status the real Bot API answers with, because python-telegram-bot
maps those (status code, ``description``, ``parameters.retry_after``) onto its exception classes.
Getting the shape right is what lets our bot's error handling be tested for real.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class ApiError(Exception):
    """A failed Bot API call: HTTP status, Telegram description and optional ``retry_after``."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def to_payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        payload: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            payload["parameters"] = {"retry_after": self.retry_after}
        return payload

    @classmethod
    def bad_request(cls, reason: str) -> ApiError:
        return cls(400, f"Bad Request: {reason}")

    @classmethod
    def forbidden(cls, reason: str) -> ApiError:
        return cls(403, f"Forbidden: {reason}")

    @classmethod
    def not_found(cls, reason: str | None = None) -> ApiError:
        return cls(404, f"Not Found: {reason}" if reason else "Not Found")

    @classmethod
    def conflict(cls, reason: str) -> ApiError:
        return cls(409, f"Conflict: {reason}")

    @classmethod
    def unauthorized(cls) -> ApiError:
        return cls(401, "Unauthorized")

    @classmethod
    def too_many_requests(cls, retry_after: int) -> ApiError:
        retry_after = max(1, int(retry_after))
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    @classmethod
    def for_status(
        cls, status: int, description: str | None = None, retry_after: int | None = None
    ) -> ApiError:
        """A Telegram-looking error for any status (used by fault injection)."""
        if status == 429:
            error = cls.too_many_requests(retry_after or 1)
            if description:
                error.description = description
            return error
        if description is None:
            description = _DEFAULT_DESCRIPTIONS.get(status)
        if description is None:
            try:
                description = HTTPStatus(status).phrase
            except ValueError:
                description = f"Error {status}"
        return cls(status, description, retry_after=retry_after)


class UserActionError(ValueError):
    """A fake user tried something impossible (e.g. pressing a button on a deleted message).

    Raised by the in-process user API and answered with HTTP 400 by the control API; it is a
    mistake in the *test*, not a Bot API error the bot should see.
    """


_DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request: injected fault",
    401: "Unauthorized",
    403: "Forbidden: injected fault",
    404: "Not Found",
    409: "Conflict: injected fault",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
