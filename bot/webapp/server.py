"""The Mini App's HTTP server: the page's static files and its JSON API.

Served by tornado in the bot's own event loop, like /healthz (bot/health_server.py): started
in the Application's post_init and stopped in its post_shutdown (bot/app.py), so the API
shares the bot's database pool, clock and settings and calls the very use cases the chat
calls — same permissions, same audit trail. A process of its own would need a second pool
and a second copy of the wiring for no gain: the Mini App is read a few times a day per
worker. It listens on CASELINE_WEBAPP_LISTEN:CASELINE_WEBAPP_PORT (127.0.0.1:8090), behind
the reverse proxy that gives it the public CASELINE_WEBAPP_URL
(deploy/nginx/caseline-locations.conf).

The static files hold no data; every API answer needs the init data Telegram signed for the
page (bot/webapp/api.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, StaticFileHandler

from bot.cli_errors import StartupProblem
from bot.webapp.api import (
    AttachmentHandler,
    ClientCardHandler,
    ClientExportHandler,
    ClientHistoryHandler,
    ClientNotesHandler,
    ClientPageHandler,
    NotePeopleHandler,
    NotFoundHandler,
    TeamHandler,
    WordsHandler,
)
from bot.webapp.plan_api import PlanChangeHandler, SafetyPlanChangeHandler
from bot.webapp.record_api import record_routes
from bot.webapp.writes import (
    ClientDetailsHandler,
    NewClientHandler,
    NoteAmendmentHandler,
    NoteCommentHandler,
)
from domain.rules.refusal_budget import RefusalBudget
from domain.work import Work

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
# A note of storage's 20,000 characters, in UTF-8 and JSON, fits (nginx allows as much).
MAX_BODY = 128 * 1024


class WebAppPortUnavailable(StartupProblem):
    """The Mini App's port cannot be listened on (in use, or not allowed)."""


class _StaticHandler(StaticFileHandler):
    def set_extra_headers(self, path: str) -> None:
        # The page runs only its own script, shows no one else's content, and is framed
        # only by Telegram's web client (its desktop and phone apps use a web view).
        self.set_header(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; media-src blob:; "
            "frame-ancestors https://web.telegram.org",
        )
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Cache-Control", "no-cache")


class WebAppServer:
    def __init__(self, work: Work, deliver_soon: Callable[[], object] | None = None) -> None:
        settings = work.settings
        self.work = work
        # Sends what a save just queued (a risk alert) now, when this process sends them.
        self.deliver_soon = deliver_soon
        self.listen = settings.webapp_listen
        #: The port asked for; once started, the one bound (0 asks the system for any).
        self.port = settings.webapp_port
        self._server: HTTPServer | None = None
        self.refusals = RefusalBudget()

    async def start(self) -> None:
        try:
            sockets = bind_sockets(self.port, address=self.listen)
        except OSError as error:
            raise WebAppPortUnavailable(
                f"cannot serve the Mini App on {self.listen}:{self.port} "
                f"({error.strerror or error}): choose another CASELINE_WEBAPP_PORT"
            ) from None
        self.port = sockets[0].getsockname()[1]
        api = {"work": self.work, "refusals": self.refusals}
        routes: list[Any] = [
            (r"/api/clients", NewClientHandler, api),
            (r"/api/clients/([0-9]{1,12})", ClientCardHandler, api),
            (r"/api/clients/([0-9]{1,12})/history", ClientHistoryHandler, api),
            (r"/api/clients/([0-9]{1,12})/notes/people", NotePeopleHandler, api),
            (
                r"/api/clients/([0-9]{1,12})/notes",
                ClientNotesHandler,
                {**api, "deliver_soon": self.deliver_soon},
            ),
            (
                r"/api/clients/([0-9]{1,12})/plan/(?:goals/([0-9]{1,12})/)?"
                r"(goals|status|interventions|interval|activate|review)",
                PlanChangeHandler,
                {**api, "deliver_soon": self.deliver_soon},
            ),
            (
                r"/api/clients/([0-9]{1,12})/safety_plan/(save|review)",
                SafetyPlanChangeHandler,
                api,
            ),
            (r"/api/clients/([0-9]{1,12})/export\.(pdf|csv)", ClientExportHandler, api),
            *record_routes(api),
            (
                r"/api/clients/([0-9]{1,12})/(plan|safety_plan|referrals|people)",
                ClientPageHandler,
                api,
            ),
            (r"/api/clients/([0-9]{1,12})/details", ClientDetailsHandler, api),
            (r"/api/notes/([0-9]{1,12})/amendments", NoteAmendmentHandler, api),
            (
                r"/api/notes/([0-9]{1,12})/comments",
                NoteCommentHandler,
                {**api, "deliver_soon": self.deliver_soon},
            ),
            (r"/api/team", TeamHandler, api),
            (r"/api/words/([A-Za-z_-]{2,12})", WordsHandler, {"work": self.work}),
            (r"/api/attachments/([0-9]{1,12})", AttachmentHandler, api),
            (r"/api/.*", NotFoundHandler),
            (r"/(.*)", _StaticHandler, {"path": str(STATIC), "default_filename": "index.html"}),
        ]
        # No access log: its URLs carry client ids, and the audit trail says who read what.
        application = Application(routes, log_function=lambda _handler: None)
        self._server = HTTPServer(application, xheaders=True, max_body_size=MAX_BODY)
        self._server.add_sockets(sockets)
        log.info("the Mini App on http://%s:%d/", self.listen, self.port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            await server.close_all_connections()
