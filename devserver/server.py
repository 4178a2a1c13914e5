"""The HTTP face of the dev server: a tornado app on the running asyncio loop.

Three route families share one port:

* ``/bot<token>/<method>``: the Bot API, answered Telegram-style (this is PTB's ``base_url``);
* ``/file/bot<token>/<file_path>``: file downloads (PTB's ``base_file_url``);
* ``/control/bot<token>/...``: the JSON control API that lets another process play the users.

Running on the caller's loop (rather than in a thread) is what lets pytest drive a real PTB
``Application`` and the server side by side with no locks and fully deterministic waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import tornado.httputil
import tornado.netutil
import tornado.web
from tornado.httpserver import HTTPServer

from . import control
from .config import ServerConfig
from .errors import ApiError
from .methods import ApiMethod, resolve
from .models import CallRecord
from .notify import Notifier
from .params import ApiRequest, UploadedFile, decode_json_body, decode_params
from .state import BotState

_LOG = logging.getLogger(__name__)
_TOKEN_RE = re.compile(r"^(\d{1,19}):(\S+)$")
_SHUTDOWN_GRACE = 2.0


class BotApiServer:
    """A loopback Telegram Bot API for tests, benchmarks and demos.

    ``port=0`` picks a free port; read :attr:`port` / :attr:`base_url` after :meth:`start`.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limits: bool = False,
        bot_username: str = "caseline_test_bot",
    ) -> None:
        self.host = host
        self.port: int = port
        self.config = ServerConfig(bot_username=bot_username)
        self.config.rate_limits.enabled = rate_limits
        self._bots: dict[str, BotState] = {}
        self._revoked: set[str] = set()
        self._http_server: HTTPServer | None = None
        self._in_flight = 0
        self._idle = Notifier()

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind the socket and start serving on the current event loop."""
        if self._http_server is not None:
            raise RuntimeError("BotApiServer already started")
        sockets = tornado.netutil.bind_sockets(self.port, address=self.host)
        self.port = sockets[0].getsockname()[1]
        self._http_server = HTTPServer(_make_app(self))
        self._http_server.add_sockets(sockets)
        _LOG.info("Bot API dev server listening on %s", self.base_url)

    async def stop(self) -> None:
        """Answer pending long polls with ``[]``, stop webhooks, then close every socket."""
        http_server, self._http_server = self._http_server, None
        if http_server is None:
            return
        http_server.stop()
        for state in self._bots.values():
            await state.close()
        with contextlib.suppress(TimeoutError):
            await self._idle.wait_for(lambda: self._in_flight == 0, _SHUTDOWN_GRACE)
        await http_server.close_all_connections()

    async def __aenter__(self) -> BotApiServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @contextlib.contextmanager
    def track_request(self) -> Iterator[None]:
        """Count in-flight requests so :meth:`stop` can let them answer first."""
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            self._idle.notify()

    # -- addresses -------------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """PTB ``base_url`` (PTB appends the token)."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB ``base_file_url`` (PTB appends the token)."""
        return f"{self.root_url}/file/bot"

    # -- bots and knobs --------------------------------------------------------------------

    def bot(self, token: str) -> BotState:
        """The state for ``token`` (``"<digits>:<secret>"``), created on first use.

        As Telegram answers: a malformed token is 404 Not Found, a well-formed one that was
        revoked (:meth:`revoke`) is 401 Unauthorized."""
        if token in self._revoked:
            raise ApiError.unauthorized()
        state = self._bots.get(token)
        if state is None:
            match = _TOKEN_RE.match(token)
            if match is None:
                raise ApiError.not_found()
            state = BotState(token, int(match.group(1)), self.config)
            self._bots[token] = state
        return state

    def revoke(self, token: str) -> None:
        """Reject ``token`` from now on with 401, as Telegram does once BotFather revoked it
        (or for a token it never issued)."""
        self._revoked.add(token)

    def clock(self) -> float:
        """Seconds since the epoch as stamped on messages (shifted by the time offset)."""
        return self.config.clock()

    def follow_clock(self, source: Callable[[], float]) -> None:
        """Stamp messages from ``source`` (seconds since the epoch) instead of the wall clock:
        a test's injected clock, so a message sent while the bot is down carries the time
        it was sent on the bot's timeline, as a late update from Telegram does."""
        self.config.time_source = source

    def set_time_offset(self, seconds: float) -> None:
        """Shift message dates (a demo can "jump forward" a day); rate limits are unaffected."""
        self.config.time_offset = float(seconds)

    def set_rate_limits(
        self, enabled: bool, overall_per_second: int = 30, per_chat_per_second: int = 1
    ) -> None:
        limits = self.config.rate_limits
        limits.enabled = enabled
        limits.overall_per_second = overall_per_second
        limits.per_chat_per_second = per_chat_per_second


# -- tornado glue ------------------------------------------------------------------------------


def _make_app(server: BotApiServer) -> tornado.web.Application:
    args = {"server": server}
    return tornado.web.Application(
        [
            (r"/bot(?P<token>[^/]+)/(?P<method>[^/]+)/?", ApiHandler, args),
            (r"/file/bot(?P<token>[^/]+)/(?P<path>.+)", FileHandler, args),
            (r"/control/bot(?P<token>[^/]+)/(?P<path>.*)", ControlHandler, args),
            (r"/", IndexHandler, args),
        ],
        default_handler_class=NotFoundHandler,
        default_handler_args=args,
        log_function=_log_request,
    )


def _log_request(handler: tornado.web.RequestHandler) -> None:
    _LOG.debug("%s %s -> %s", handler.request.method, handler.request.path, handler.get_status())


def _first_values(arguments: dict[str, list[bytes]]) -> dict[str, str]:
    return {name: values[-1].decode("utf-8", "replace") for name, values in arguments.items()}


def request_from_tornado(request: tornado.httputil.HTTPServerRequest) -> ApiRequest:
    """Collect query, form/multipart or JSON parameters plus uploads into an ApiRequest."""
    raw: dict[str, Any] = _first_values(request.query_arguments)
    if request.headers.get("Content-Type", "").startswith("application/json"):
        raw.update(decode_json_body(request.body))
    else:
        raw.update(_first_values(request.body_arguments))
    files = {
        name: UploadedFile(parts[-1].filename, parts[-1].content_type, parts[-1].body)
        for name, parts in request.files.items()
    }
    return ApiRequest(decode_params(raw), files)


class _DroppedConnection(Exception):
    """Raised after a fault closed the socket on purpose: there is nobody to answer."""


class _Handler(tornado.web.RequestHandler):
    server: BotApiServer

    def initialize(self, server: BotApiServer) -> None:
        self.server = server

    def answer_json(self, status: int, payload: Any) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload, ensure_ascii=False).encode())


class ApiHandler(_Handler):
    """``/bot<token>/<method>``: decode, apply faults, run the method, log the call."""

    _state: BotState | None = None
    _req: ApiRequest | None = None

    def on_connection_close(self) -> None:
        """The client hung up mid-call (e.g. PTB cancelled its long poll): stop waiting."""
        if self._req is not None:
            self._req.client_gone = True
        if self._state is not None:
            self._state.notifier.notify()

    async def get(self, token: str, method: str) -> None:
        with self.server.track_request():
            await self._serve(token, method)

    async def post(self, token: str, method: str) -> None:
        await self.get(token, method)

    async def _serve(self, token: str, method_name: str) -> None:
        arrived = time.monotonic()
        try:
            state = self.server.bot(token)
        except ApiError as error:
            self.answer_json(error.status, error.to_payload())
            return
        self._state = state
        method = resolve(method_name)
        req = ApiRequest({}, {})
        try:
            if method is None:
                raise ApiError.not_found("method not found")
            req = self._req = request_from_tornado(self.request)
            payload: dict[str, Any] = {"ok": True, "result": await self._run(state, method, req)}
            status = 200
        except ApiError as error:
            status, payload = error.status, error.to_payload()
        except _DroppedConnection:
            status, payload = 0, {"description": "connection dropped (injected fault)"}
        except Exception as error:  # a dev server bug must not look like a network problem
            _LOG.exception("dev server failed on %s", method_name)
            status = 500
            payload = ApiError(
                500, f"Internal Server Error: dev server bug: {error!r}"
            ).to_payload()
        if req.client_gone and status:
            status, payload = 499, {"description": "client closed the connection before the answer"}
        state.record_call(
            CallRecord(
                seq=len(state.calls) + 1,
                method=method.name if method else method_name,
                params=req.summary(),
                status=status,
                error=None if status == 200 else payload.get("description"),
                time=arrived,
            )
        )
        if status:
            self.answer_json(status, payload)

    async def _run(self, state: BotState, method: ApiMethod, req: ApiRequest) -> Any:
        fault = state.faults.take(method.name)
        if fault is not None:
            if fault.delay > 0:
                await asyncio.sleep(fault.delay)  # simulated latency, not a state poll
            if fault.drop_connection:
                self.detach().close()
                raise _DroppedConnection
            error = fault.error()
            if error is not None:
                raise error
        return await method.handler(state, req)


class FileHandler(_Handler):
    """``/file/bot<token>/<file_path>``: raw bytes of a stored file."""

    async def get(self, token: str, path: str) -> None:
        try:
            state = self.server.bot(token)
        except ApiError as error:
            self.answer_json(error.status, error.to_payload())
            return
        stored = state.files.by_path(path)
        if stored is None:
            self.answer_json(404, ApiError.not_found().to_payload())
            return
        self.set_header("Content-Type", stored.mime_type or "application/octet-stream")
        self.finish(stored.data)


class ControlHandler(_Handler):
    """``/control/bot<token>/...``: the JSON control API (see :mod:`.control`)."""

    async def get(self, token: str, path: str) -> None:
        with self.server.track_request():
            try:
                state = self.server.bot(token)
                body = decode_json_body(self.request.body) if self.request.body else {}
            except ApiError as error:
                self.answer_json(error.status, {"ok": False, "error": error.description})
                return
            status, payload = await control.dispatch(
                self.server,
                state,
                self.request.method or "GET",
                path,
                _first_values(self.request.query_arguments),
                body,
            )
            self.answer_json(status, payload)

    async def post(self, token: str, path: str) -> None:
        await self.get(token, path)

    async def delete(self, token: str, path: str) -> None:
        await self.get(token, path)


class IndexHandler(_Handler):
    def get(self) -> None:
        self.answer_json(200, {"ok": True, "service": "caseline Bot API dev server"})


class NotFoundHandler(_Handler):
    def prepare(self) -> None:
        self.answer_json(404, ApiError.not_found().to_payload())
