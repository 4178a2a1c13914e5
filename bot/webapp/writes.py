"""The Mini App's corrections: what strict mode's chat refuses to take (a note's amendment,
a supervisor's comment or co-sign, a client's identifying details), taken on the page in
both privacy modes, each through the one use case the chat calls for it:

    POST /api/notes/<id>/amendments  {"text", "token"}   amend_note, as ✏️ Amend
    POST /api/notes/<id>/comments    {"text", "token"}   comment_on_note, as 💬 Comment
                                     {"cosign": true}    cosign_note, as ✍️ Co-sign
    POST /api/clients/<id>/details   {"detail", "value"} edit_client_detail, as ✏️ Edit

A body of the wrong shape is 400; the use case's Invalid is 422 with its reason; a note or
client the worker may not touch (another team's, withdrawn, a forged id) is 404, the
refusal audited by the use case as the chat's. The answer is the thing as it now stands,
for the page to redraw: the note's amendments and comments, or the client's details.

A date of birth is read as the chat reads one typed (conversations/intake_steps.py's
reader, in the worker's date order); what it objects to is 422 "date" with its words in the
worker's language. A phone is read by the intake's reader, then written by
domain/rules/phones.py inside the use case.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.webapp.api import NOTE_TOKEN, DeliveringHandler, _ApiHandler
from bot.webapp.serialise import amended_note_json, client_json, note_page_json
from conversations.details import invalid_words
from conversations.intake_steps import read_birth_date, read_phone
from domain.results import AlreadySaved, Invalid, Saved, Stale
from domain.usecases.client_details import Detail, edit_client_detail
from domain.usecases.note_comments import comment_on_note, cosign_note
from domain.usecases.notes import amend_note
from storage.workers import Actor
from ui import texts
from ui.i18n import speaking

# The details the page corrects: strict mode's chat refuses these (the identifying ones).
PAGE_DETAILS = frozenset({Detail.NAME, Detail.BIRTH, Detail.ADDRESS, Detail.PHONE, Detail.PLACE})
# Far above any detail's limit (the use case says too_long); a bound on what is parsed.
VALUE_MAX = 2000


def _body(raw: bytes) -> dict[str, Any] | None:
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _text_and_token(body: dict[str, Any]) -> tuple[str, str] | None:
    """A typed text (not blank) and the page's draft token, or None when not exactly so."""
    text, token = body.get("text"), body.get("token")
    if set(body) != {"text", "token"} or not isinstance(text, str) or not text.strip():
        return None
    if not isinstance(token, str) or not NOTE_TOKEN.match(token):
        return None
    return text.strip(), token


class _NoteWriteHandler(_ApiHandler):
    def answer_written(self, actor: Actor, result: object, shape: Callable[[Any], Any]) -> None:
        """A note's write answered: 201 made, 200 made already (its token), 422 the use
        case's reason, 404 refused (another team's note, withdrawn, a forged id, or a
        comment from a worker: the use case audited it)."""
        if isinstance(result, Invalid):
            self.answer(422, {"error": result.reason})
        elif isinstance(result, Saved | AlreadySaved):
            status = 201 if isinstance(result, Saved) else 200
            self.answer_for(actor, status, shape(result.value))
        else:
            self.answer(404, {"error": "not_found"})


class NoteAmendmentHandler(_NoteWriteHandler):
    async def post(self, note_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        body = _body(self.request.body)
        typed = _text_and_token(body) if body is not None else None
        if typed is None:
            self.answer(400, {"error": "bad_request"})
            return
        text, token = typed
        result = await amend_note(self.work, actor, int(note_id), text, token=token)
        self.answer_written(actor, result, amended_note_json)


class NoteCommentHandler(_NoteWriteHandler, DeliveringHandler):
    async def post(self, note_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        body = _body(self.request.body)
        if body is None:
            self.answer(400, {"error": "bad_request"})
            return
        if set(body) == {"cosign"} and body["cosign"] is True:
            result: Any = await cosign_note(self.work, actor, int(note_id))
        else:
            typed = _text_and_token(body)
            if typed is None:
                self.answer(400, {"error": "bad_request"})
                return
            result = await comment_on_note(self.work, actor, int(note_id), typed[0], token=typed[1])
        if isinstance(result, Saved) and self.deliver_soon is not None:
            self.deliver_soon()  # the note's author is told now, as after the chat's
        self.answer_written(actor, result, note_page_json)


class ClientDetailsHandler(_ApiHandler):
    async def post(self, client_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        body = _body(self.request.body)
        detail, value = (body or {}).get("detail"), (body or {}).get("value")
        if (
            body is None
            or set(body) != {"detail", "value"}
            or detail not in PAGE_DETAILS
            or not (value is None or isinstance(value, str) and len(value) <= VALUE_MAX)
        ):
            self.answer(400, {"error": "bad_request"})
            return
        language = actor.language or self.work.settings.language
        with speaking(language):
            read = self._read(actor, Detail(detail), value)
        if isinstance(read, Problem):
            self.answer(422, {"error": read.reason, "message": read.message})
            return
        result = await edit_client_detail(self.work, actor, int(client_id), Detail(detail), read)
        if isinstance(result, Invalid):
            # The chat's words for it, in the worker's language (the page shows them).
            with speaking(language):
                message = invalid_words(result.reason, Detail(detail), value or "")
            self.answer(422, {"error": result.reason, "message": message})
        elif isinstance(result, Saved | Stale):
            self.answer_for(actor, 200, {"client": client_json(result.value)})
        else:
            self.answer(404, {"error": "not_found"})

    def _read(self, actor: Actor, detail: Detail, value: str | None) -> object:
        """The value as the chat's ✏️ Edit reads it typed (None clears it), or a Problem
        in the chat's words (read in the worker's language: see post)."""
        if value is None or not value.strip():
            return None
        if detail == Detail.BIRTH:
            settings = self.work.settings
            order = actor.date_order if actor.date_order in ("DMY", "MDY") else settings.date_order
            today = self.work.clock.now().astimezone(self.work.zone_for(actor.timezone)).date()
            born = read_birth_date(value, order, today)
            return Problem("date", str(born)) if isinstance(born, str) else born
        if detail == Detail.PHONE:
            phone = read_phone(value)
            return Problem("not_a_phone", texts.NOT_A_PHONE) if phone is None else phone
        return value


class Problem:
    """Why a typed value is not read (its reason, and the chat's words for it if any)."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.message = message
