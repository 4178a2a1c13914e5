"""The /note dialog's draft, typed.

It is stored in user_data["note"] as plain JSON (the persistence writes it after every
update) in the same shape as the dict drafts stored before it, so a draft kept by an
older version still loads and the dialog kit (conversations/drafts.py) still finds
what it looks at: "client" and "kind" (whether it is worth keeping), "parts" (where
text typed at the idle timeout goes), "token", "revision", "touched", "kept_at".

It is a `cards.Draft`: its card's ✅ Save is checked by conversations/cards.py like every
other card's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from telegram import Message, Update

from conversations import cards
from conversations.drafts import REVISION, TOKEN
from conversations.pickers import ClientRef
from domain.rules.notes import client_there_by_default, with_someone, worth_saving
from domain.usecases.attachments import FileNotFetched, keep_file
from domain.usecases.notes import NewNote, NotePerson
from storage.kinds import InteractionType
from storage.notes import Attachment
from ui import held_answers, texts
from ui.context import CaselineContext


@dataclass
class NoteDraft(cards.Draft):
    client: ClientRef | None = None
    kind: InteractionType | None = None
    parts: list[str] = field(default_factory=list)
    when: datetime | None = None  # None: when ✅ Save is pressed
    risk: str | None = None
    goals: list[int] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    dap: tuple[str, str, str] | None = None
    dap_wip: list[str] | None = None  # the DAP parts typed so far
    card: int | None = None  # the message id of the live card
    # Who was there: None until the worker chooses (👥 Who was there); then whether the
    # client was, and the client's people ticked, in the order ticked.
    client_present: bool | None = None
    present: list[NotePerson] = field(default_factory=list)
    # A collateral contact's person (None: not said, or someone not on the card).
    about: NotePerson | None = None
    # What the dialog kit keeps beside the draft ("kept_at"), kept as it is.
    rest: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(self.parts)

    @property
    def ready(self) -> bool:
        return worth_saving(self.text, self.attachments, self.dap)

    @property
    def client_there(self) -> bool:
        """Whether the client is ticked in "who was there": as chosen, else by the kind."""
        if self.client_present is not None:
            return self.client_present
        return self.kind is not None and client_there_by_default(self.kind)

    def toggle_present(self, person: NotePerson | None) -> None:
        """One tap in "who was there": the client (None) or one of their people."""
        if person is None:
            self.client_present = not self.client_there
            return
        self.client_present = self.client_there
        if any(chosen.id == person.id for chosen in self.present):
            self.present = [chosen for chosen in self.present if chosen.id != person.id]
        else:
            self.present.append(person)

    def set_kind(self, kind: InteractionType) -> None:
        """A collateral contact's person goes with any other kind."""
        self.kind = kind
        if not with_someone(kind):
            self.about = None

    def to_note(self, saved_at: datetime) -> NewNote:
        """The note to save; with no time of its own it happened when ✅ Save was pressed."""
        assert self.client is not None and self.kind is not None
        return NewNote(
            client_id=self.client.id,
            kind=self.kind,
            text=self.text,
            occurred_at=self.when or saved_at,
            dap=self.dap,
            risk_reason=self.risk,
            goal_ids=tuple(self.goals),
            attachments=tuple(self.attachments),
            client_present=bool(self.client_present),
            attendee_ids=tuple(person.id for person in self.present),
            about_contact_id=self.about.id if self.about and with_someone(self.kind) else None,
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.rest)
        if self.client is not None:
            data["client"] = self.client.to_json()
        if self.kind is not None:
            data["kind"] = self.kind.value
        if self.parts:
            data["parts"] = list(self.parts)
        if self.when is not None:
            data["when"] = self.when.isoformat()
        if self.risk:
            data["risk"] = self.risk
        if self.goals:
            data["goals"] = list(self.goals)
        if self.attachments:
            data["attachments"] = [asdict(item) for item in self.attachments]
        if self.dap is not None:
            data["dap"] = list(self.dap)
        if self.dap_wip is not None:
            data["dap_wip"] = list(self.dap_wip)
        if self.card is not None:
            data["card"] = self.card
        if self.client_present is not None:
            data["client_present"] = self.client_present
        if self.present:
            data["present"] = [asdict(person) for person in self.present]
        if self.about is not None:
            data["about"] = asdict(self.about)
        if self.token is not None:
            data[TOKEN] = self.token
        if self.revision:
            data[REVISION] = self.revision
        if self.touched is not None:
            data["touched"] = self.touched
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> NoteDraft:
        data = dict(data or {})
        draft = cls()
        if "client" in data:
            draft.client = ClientRef.from_json(data.pop("client"))
        kind = data.pop("kind", None)
        if kind in set(InteractionType):
            draft.kind = InteractionType(kind)
        draft.parts = [str(part) for part in data.pop("parts", None) or []]
        when = data.pop("when", None)
        draft.when = datetime.fromisoformat(when) if when else None
        draft.risk = data.pop("risk", None) or None
        draft.goals = [int(goal) for goal in data.pop("goals", None) or []]
        draft.attachments = [Attachment(**item) for item in data.pop("attachments", None) or []]
        dap = data.pop("dap", None)
        if dap:
            first, second, third = (list(dap) + ["", "", ""])[:3]
            draft.dap = (str(first), str(second), str(third))
        wip = data.pop("dap_wip", None)
        draft.dap_wip = [str(part) for part in wip] if wip is not None else None
        draft.card = data.pop("card", None)
        present = data.pop("client_present", None)
        draft.client_present = present if isinstance(present, bool) else None
        draft.present = [_person(item) for item in data.pop("present", None) or []]
        about = data.pop("about", None)
        draft.about = _person(about) if about else None
        draft.token = data.pop(TOKEN, None)
        draft.revision = int(data.pop(REVISION, 0) or 0)
        draft.touched = data.pop("touched", None)
        draft.rest = data
        return draft


def _person(data: dict[str, Any]) -> NotePerson:
    return NotePerson(int(data["id"]), str(data["name"]), str(data["relation"]))


def attachment_of(message: Message | None) -> Attachment | None:
    """The voice note, audio, document or photo (its largest size) a message carries."""
    if message is None:
        return None
    media = message.voice or message.audio or message.document or (message.photo or [None])[-1]
    if media is None:
        return None
    kind = (
        "voice"
        if message.voice
        else "audio"
        if message.audio
        else "document"
        if message.document
        else "photo"
    )
    return Attachment(
        kind=kind,
        file_id=media.file_id,
        file_unique_id=media.file_unique_id,
        caption=message.caption,
    )


async def keep_sent_file(update: Update, context: CaselineContext) -> bool:
    """Store the bytes of the file the worker's message carries (fetched by the shell
    before the update's transaction, bot/attachments.py), for the note being written.
    False when it could not be kept: the worker is told so (over 20 MB, or send it
    again) and the message stays in the chat, the draft as it was."""
    fetched = held_answers.incoming_file()
    if fetched is not None and not isinstance(fetched, FileNotFetched):
        await keep_file(context.services, context.require_actor(), fetched)
        return True
    held_answers.keep_message_in_chat()
    too_large = isinstance(fetched, FileNotFetched) and fetched.reason == "too_large"
    await update.effective_message.reply_text(
        texts.FILE_TOO_LARGE if too_large else texts.FILE_NOT_KEPT
    )
    return False
