"""The Mini App's JSON API. Each request carries the init data Telegram signed for the page
(`Authorization: tma <initData>`, as Telegram's own documentation sends it); the worker
behind it is found by domain/usecases/webapp.py (refusals audited there, answered 401).
Each endpoint then calls the one use case the chat calls for the same thing, so who may
see what, and what the audit trail says, is the chat's:

    GET /api/clients/<id>           the card        (look_at_client, as /client C-0042)
    GET /api/clients/<id>/history   the timeline    (history_page, as /history C-0042)

A client the worker may not see, or that does not exist, is 404 either way (the chat's
answer does not say which either); the use case has audited the refusal.
"""

from __future__ import annotations

import json
from typing import Any

from tornado.web import RequestHandler

from bot.webapp.serialise import card_json, history_json
from domain.usecases.clients import ClientHistory, history_page, look_at_client
from domain.usecases.webapp import NotSignedIn, webapp_actor
from domain.work import Work
from storage.caseload import CardFacts
from storage.workers import Actor

SCHEME = "tma "


class _JsonHandler(RequestHandler):
    def compute_etag(self) -> None:
        return None  # each answer is as of now, and audited as a look

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        # A client record: kept by no cache, proxy or browser history.
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def answer(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.finish(json.dumps(body, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # Never a traceback: the status says enough, the log has the error.
        self.finish(json.dumps({"error": self._reason.lower().replace(" ", "_")}))


class _ApiHandler(_JsonHandler):
    def initialize(self, work: Work) -> None:
        self.work = work

    async def signed_in(self) -> Actor | None:
        """The worker asking, or None once 401 is answered."""
        header = self.request.headers.get("Authorization", "")
        init_data = header[len(SCHEME) :].strip() if header.startswith(SCHEME) else ""
        actor = await webapp_actor(self.work, init_data)
        if isinstance(actor, NotSignedIn):
            self.set_header("WWW-Authenticate", "tma")
            self.answer(401, {"error": "sign_in"})
            return None
        return actor


class ClientCardHandler(_ApiHandler):
    async def get(self, client_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        facts = await look_at_client(self.work, actor, int(client_id))
        if not isinstance(facts, CardFacts):
            self.answer(404, {"error": "not_found"})
            return
        self.answer(200, card_json(facts))


class ClientHistoryHandler(_ApiHandler):
    async def get(self, client_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        # The page shows the whole timeline at once; the audit names it page 0 as /history.
        history = await history_page(self.work, actor, int(client_id), 0)
        if not isinstance(history, ClientHistory):
            self.answer(404, {"error": "not_found"})
            return
        self.answer(200, history_json(history))


class NotFoundHandler(_JsonHandler):
    def get(self) -> None:
        self.answer(404, {"error": "not_found"})
