"""One client's record as a printable case file (PDF) or a timeline spreadsheet (CSV):
rendering (also for `caseline export`, bot/cli.py) and the in-chat 📤 Export button.

In the chat the file goes to the requester's own (private) chat only, after the server
re-checked that they may see the client; every export, allowed or refused, is an audit
event ("client.export" with the format; from the CLI with no actor and via=cli).

The PDF's sections: identity, the people around the client, consent, the plan, the
safety plan's version in effect (its six sections), referrals, the timeline.

PDF: fpdf2, in DejaVu Sans (shipped in bot/fonts, as the charts use it), so a name with
accents or in Greek, Cyrillic or another alphabet comes out as typed. Characters the font
lacks are dropped when they are symbols (emoji) and shown as ? otherwise, so fpdf2 never
logs a glyph warning with client text in it.

CSV: UTF-8 with a byte-order mark (spreadsheets then read accents right), one row per
timeline event (date, type, author, summary, text) — a note's amendments, comments and
co-signs each a row of their own after it — oldest first, dates as ISO 8601 in
the exporter's zone with the offset. A cell that starts with = + - @ gets a leading '
so that a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import asyncio
import csv
import functools
import html
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.fonts import font_files
from domain.results import Refused
from domain.usecases.exports import export_choice, export_client
from storage.client_people import in_care_team
from storage.export import ClientRecord
from storage.history import EventKind
from ui import i18n, privacy, texts
from ui.callbacks import pack, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer, show
from ui.views import View

FORMATS = ("pdf", "csv")


# ---------------------------------------------------------------------------------------
# In the chat


async def export_menu(update: Update, context: CaselineContext, client_id: int) -> None:
    """cf:export:<id> — choose PDF or CSV. A refused look is audited as an export. In
    strict mode the case file never goes into the chat: the answer says how to get it."""
    if privacy.strict():
        await _strict_refusal(update, client_id)
        return
    client = await export_choice(context.services, context.require_actor(), client_id)
    if isinstance(client, Refused):
        await _not_found(update, client_id)
        return
    await answer(update)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.EXPORT_PDF, callback_data=pack("ex", "pdf", client.id)),
                InlineKeyboardButton(texts.EXPORT_CSV, callback_data=pack("ex", "csv", client.id)),
            ],
            [InlineKeyboardButton(texts.CARD_BACK, callback_data=pack("cf", "card", client.id))],
        ]
    )
    await show(update, View(texts.export_ask(client.code, privacy.client_name(client)), keyboard))


async def _strict_refusal(update: Update, client_id: int | None) -> None:
    await answer(update)
    back = (
        [[InlineKeyboardButton(texts.CARD_BACK, callback_data=pack("cf", "card", client_id))]]
        if client_id is not None
        else []
    )
    await show(update, View(texts.STRICT_EXPORT_REFUSED, InlineKeyboardMarkup(back)))


async def export_pressed(update: Update, context: CaselineContext) -> None:
    """ex:pdf|csv:<id> — render and send the file to the requester only."""
    actor = context.require_actor()
    pressed = unpack(update.callback_query.data)
    client_id = pressed.int_arg()
    fmt = pressed.action
    if privacy.strict():  # a 📄 button sent before the organisation went strict
        await _strict_refusal(update, client_id)
        return
    if fmt not in FORMATS:
        await answer(update, texts.STALE_BUTTON)
        return
    services = context.services
    now = services.clock.now()
    zone = zone_of(context)
    record = await export_client(services, actor, client_id, fmt)
    if isinstance(record, Refused):
        await _not_found(update, client_id)
        return
    data = await asyncio.to_thread(render, record, fmt, exported_by=actor.name, at=now, zone=zone)
    await answer(update, texts.EXPORT_SENT_TOAST)
    await context.bot.send_document(
        chat_id=update.effective_chat.id,
        document=data,
        filename=f"{record.identity.code}.{fmt}",
        caption=texts.export_caption(record.identity.code, fmt, texts.record_moment(now, zone)),
    )


async def _not_found(update: Update, client_id: int | None) -> None:
    code = f"C-{client_id:04d}" if client_id is not None else "?"
    await answer(update, html.unescape(texts.client_not_found(code)), alert=True)


def handlers() -> list:
    """The format buttons (the 📤 Export card button itself is routed by bot/record.py)."""
    return [CallbackQueryHandler(export_pressed, pattern=r"^ex:(pdf|csv):")]


# ---------------------------------------------------------------------------------------
# Rendering


def render(
    record: ClientRecord, fmt: str, *, exported_by: str, at: datetime, zone: ZoneInfo
) -> bytes:
    if fmt == "csv":
        return render_csv(record, zone)
    return render_pdf(record, exported_by=exported_by, at=at, zone=zone)


def iso_time(moment: datetime, zone: ZoneInfo) -> str:
    """`2026-03-02T10:02:00+01:00`: ISO 8601 in `zone`, to the second, with the offset."""
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


def csv_cell(value: str | None) -> str:
    """A text cell a spreadsheet never runs as a formula: a leading ' before = + - @."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_csv(record: ClientRecord, zone: ZoneInfo) -> bytes:
    """The timeline for other tools: the columns and the `type` codes are fixed English in
    every language; the summaries and texts are as the worker reads them."""
    rows: list[tuple[datetime, list[str]]] = []
    t = texts
    with i18n.speaking(i18n.SOURCE_LANGUAGE):
        kinds, amendment_type = t.RECORD_EVENT_KINDS, t.CSV_AMENDMENT
        comment_type, cosign_type = t.CSV_COMMENT, t.CSV_COSIGN
    for event in record.timeline:
        rows.append(
            (
                event.at,
                [
                    iso_time(event.at, zone),
                    kinds.get(event.kind, str(event.kind)),
                    event.author or "",
                    t.record_event_title(event),
                    t.record_event_body(event),
                ],
            )
        )
        for amendment in event.amendments:
            rows.append(
                (
                    amendment.at,
                    [
                        iso_time(amendment.at, zone),
                        amendment_type,
                        amendment.author or "",
                        t.csv_amendment_summary(event.ref),
                        amendment.text,
                    ],
                )
            )
        for comment in event.comments:
            rows.append(
                (
                    comment.at,
                    [
                        iso_time(comment.at, zone),
                        cosign_type if comment.cosign else comment_type,
                        comment.author or "",
                        t.csv_cosign_summary(event.ref)
                        if comment.cosign
                        else t.csv_comment_summary(event.ref),
                        comment.text,
                    ],
                )
            )
    rows.sort(key=lambda row: row[0])  # stable: an amendment or comment stays after its note
    return csv_file(t.CSV_HEADER, [cells for _, cells in rows])


def csv_file(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A CSV a spreadsheet opens as UTF-8 (the BOM) and never runs as formulas."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for cells in rows:
        writer.writerow([csv_cell(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


@functools.lru_cache(maxsize=2)
def _covered(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


def _sanitiser(covered: frozenset[int]):
    def clean(text: str | None) -> str:
        text = (text or "").replace("\r\n", "\n").replace("\t", "    ")
        text = "".join(
            char for char in text if char == "\n" or unicodedata.category(char)[0] != "C"
        )
        return "".join(
            char
            if char == "\n" or ord(char) in covered
            else ("" if unicodedata.category(char)[0] in "SM" else "?")
            for char in text
        )

    return clean


@dataclass
class PdfDocument:
    """An A4 page begun as every Caseline PDF begins (pdf_document): the fpdf2 document,
    its font family, and `clean` for any text put on it (see the module docstring)."""

    pdf: Any
    family: str
    clean: Callable[[str | None], str]

    def text(self, value: str, size: float = 10, style: str = "", height: float = 5) -> None:
        """A paragraph, wrapped, from the left margin."""
        from fpdf.enums import XPos, YPos

        self.pdf.set_font(self.family, style, size)
        self.pdf.multi_cell(
            0, height, self.clean(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def section(self, title: str) -> None:
        self.pdf.ln(3)
        self.text(title, 13, "B", 7)
        self.pdf.ln(1)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def pdf_document(
    *, title: str, code: str, exported_by: str, at: datetime, zone: ZoneInfo
) -> PdfDocument:
    """A new A4 document with its first page: DejaVu Sans (bot/fonts),
    on every page the "Confidential" header with `code` and who exported it when, and the
    page numbers in the footer."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    t = texts
    regular, bold = font_files()
    clean = _sanitiser(_covered(regular))
    family = "DejaVu"
    exported = clean(t.pdf_exported(exported_by, f"{t.record_moment(at, zone)} ({zone.key})"))
    confidential, heading = clean(t.PDF_CONFIDENTIAL), f"{code} · {exported}"

    class CaseFile(FPDF):
        def header(self) -> None:
            self.set_font(family, "", 8)
            self.set_text_color(120)
            self.cell(0, 4, confidential, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.cell(0, 4, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
            self.ln(4)
            self.set_text_color(0)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(family, "", 8)
            self.set_text_color(120)
            self.cell(0, 5, t.pdf_page(self.page_no(), "{nb}"), align="C")
            self.set_text_color(0)

    pdf = CaseFile(format="A4")
    pdf.set_title(clean(title))
    pdf.set_creator("Caseline")
    pdf.set_creation_date(at)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_font(family, "", str(regular))
    pdf.add_font(family, "B", str(bold))
    pdf.add_page()
    return PdfDocument(pdf, family, clean)


def render_pdf(record: ClientRecord, *, exported_by: str, at: datetime, zone: ZoneInfo) -> bytes:
    from fpdf.enums import XPos, YPos

    t = texts
    identity = record.identity
    document = pdf_document(
        title=t.pdf_title(identity.code),
        code=identity.code,
        exported_by=exported_by,
        at=at,
        zone=zone,
    )
    pdf, family, clean = document.pdf, document.family, document.clean
    text, section = document.text, document.section

    text(f"{identity.code} · {identity.name}", 17, "B", 9)
    pdf.ln(2)
    section(t.PDF_IDENTITY)
    for label, value in t.pdf_identity_rows(identity, zone):
        pdf.set_font(family, "B", 10)
        pdf.cell(45, 5, clean(label))
        pdf.set_font(family, "", 10)
        pdf.multi_cell(0, 5, clean(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    section(t.PDF_CONTACTS)
    current = [contact for contact in record.contacts if contact.ended_at is None]
    team = [contact for contact in current if in_care_team(contact.relation)]
    ended = [contact for contact in record.contacts if contact.ended_at is not None]
    for heading, group in (
        (None, [contact for contact in current if contact not in team]),
        (t.PDF_PEOPLE_CARE_TEAM, team),
        (t.PDF_PEOPLE_ENDED, ended),
    ):
        if group and heading:
            text(heading, 10, "B")
        for contact in group:
            when = t.record_day(contact.ended_at, zone) if contact.ended_at else None
            text(
                t.pdf_person(
                    contact.relation,
                    contact.name,
                    contact.phone,
                    contact.organisation,
                    contact.consent,
                    contact.notes,
                    when,
                )
            )
    if not record.contacts:
        text(t.PDF_NONE)

    section(t.PDF_CONSENT)
    for consent in record.consents:
        text(t.pdf_consent(consent, zone))
    if not record.consents:
        text(t.PDF_NONE)

    section(t.PDF_PLAN)
    if record.plan is None:
        text(t.PDF_NO_PLAN)
    else:
        text(t.pdf_plan_header(record.plan, zone), style="B")
        if record.plan.interventions:
            text(record.plan.interventions)
        for number, goal in enumerate(record.plan.goals, start=1):
            text(t.pdf_goal(number, goal))

    section(t.PDF_SAFETY)
    safety = record.safety_plan
    if safety is None:
        text(t.PDF_NO_SAFETY)
    else:
        header = t.pdf_safety_header(
            safety.version,
            t.record_day(safety.reviewed_at, zone),
            safety.reviewed_by,
            t.record_day(safety.next_review_on),
            safety.review_interval_days,
        )
        text(header, style="B")
        for number, (key, lines) in enumerate(safety.sections, start=1):
            text(f"{number}. {t.safety_section_title(key)}", 10, "B")
            for line in lines or [t.SAFETY_NOTHING_YET]:
                text(f"• {line}" if lines else line)

    section(t.PDF_REFERRALS)
    for referral in record.referrals:
        text(t.pdf_referral(referral, zone))
        pdf.ln(1)
    if not record.referrals:
        text(t.PDF_NONE)

    section(t.PDF_TIMELINE)
    for event in record.timeline:
        head = f"{t.record_moment(event.at, zone)} · {t.record_event_title(event)}"
        if event.author:
            head += f" · {event.author}"
        text(head, 10, "B")
        body = t.record_event_body(event)
        if body:
            text(body, 10)
        for amendment in event.amendments:
            text(t.record_amendment(amendment.author, t.record_moment(amendment.at, zone)), 9, "B")
            text(amendment.text, 10)
        for comment in event.comments:
            if comment.cosign:
                text(t.cosign_line(comment.author, t.record_day(comment.at, zone)), 9, "B")
            else:
                text(t.record_comment(comment.author, t.record_moment(comment.at, zone)), 9, "B")
                text(comment.text, 10)
        if event.kind == EventKind.NOTE or body:
            pdf.ln(2)
    if not record.timeline:
        text(t.PDF_NONE)
    return document.output()
