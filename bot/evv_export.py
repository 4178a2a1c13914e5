"""Visit verification on file: the EVV export (CSV) and the paper visit sheet (PDF) that
`caseline evv export` and `caseline evv sheet` write (bot/cli_evv.py).

The CSV is for the agency's own mapping to its state's aggregator: one row per visit,
the columns below in this order, their names fixed English codes in every language
(README, "Visit verification (EVV)", documents each one). UTF-8 with a byte-order mark
and CRLF line ends like the case file's CSV (bot/export.py); every text cell goes through
its formula guard (`csv_cell`), while the numbers we format ourselves are left as numbers
(a negative longitude is a number, not a formula). Times are ISO 8601: UTC, and local in
the organisation's zone with the offset.

The PDF is one client's month on paper, in the organisation's language (CASELINE_LANGUAGE),
with bot/export.py's document (font, "Confidential" header, page numbers): the visits
with their times, length, verification and exceptions, and lines for the client's and
each worker's signature.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from bot.export import PdfDocument, csv_cell, iso_time, pdf_document
from domain.usecases.evv_exports import ExportedVisit, VisitExport, VisitSheet
from storage.models import client_code
from storage.names import clean_name
from ui import texts
from ui.i18n import translated as tr
from ui.timefmt import day_with_year, month_with_year

COLUMNS = (
    "visit_id",
    "visit_status",
    "service_type",
    "program",
    "client_code",
    "client_name",
    "client_medicaid_id",
    "worker_id",
    "worker_name",
    "visit_date",
    "appointment_start_local",
    "check_in_utc",
    "check_out_utc",
    "check_in_local",
    "check_out_local",
    "duration_minutes",
    "check_in_latitude",
    "check_in_longitude",
    "check_in_accuracy_m",
    "check_in_distance_m",
    "check_in_out_of_radius_reason",
    "check_out_latitude",
    "check_out_longitude",
    "check_out_accuracy_m",
    "check_out_distance_m",
    "check_out_out_of_radius_reason",
    "verification",
    "exception_codes",
    "time_edit_reason",
)


def _degrees(value: float | None) -> str:
    """Six decimals (about 0.1 m), as the phone reported it; empty when none."""
    return "" if value is None else f"{value:.6f}"


def _number(value: float | int | None) -> str:
    return "" if value is None else f"{value:g}"


def _row(item: ExportedVisit, export: VisitExport) -> list[str]:
    visit, zone = item.visit, export.zone

    def moment(at: datetime | None, where=zone) -> str:
        return "" if at is None else iso_time(at, where)

    return [
        str(visit.id),
        *(csv_cell(text) for text in (visit.status, visit.kind, visit.program)),
        client_code(visit.client_id),
        csv_cell(clean_name(visit.client_name)),
        "",  # client_medicaid_id: Caseline keeps none (README)
        str(visit.worker_id),
        csv_cell(clean_name(visit.worker_name)),
        visit.at.astimezone(zone).date().isoformat(),
        moment(visit.starts_at),
        moment(visit.check_in_at, UTC),
        moment(visit.check_out_at, UTC),
        moment(visit.check_in_at),
        moment(visit.check_out_at),
        _number(item.minutes),
        _degrees(visit.check_in_latitude),
        _degrees(visit.check_in_longitude),
        _number(visit.check_in_accuracy),
        _number(visit.check_in_distance),
        csv_cell(visit.check_in_reason),
        _degrees(visit.check_out_latitude),
        _degrees(visit.check_out_longitude),
        _number(visit.check_out_accuracy),
        _number(visit.check_out_distance),
        csv_cell(visit.check_out_reason),
        str(item.status),
        ";".join(item.exceptions),
        csv_cell(visit.time_edit_reason),
    ]


def render_csv(export: VisitExport) -> bytes:
    """The export: a header row of COLUMNS, then a row per visit, oldest first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in export.visits:
        writer.writerow(_row(item, export))
    return buffer.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------------------------------
# The paper visit sheet

SHEET_WIDTHS = (32, 26, 14, 14, 18, 27, 59)  # millimetres: A4 less its margins


def _sheet_cells(item: ExportedVisit, sheet: VisitSheet) -> list[str]:
    t, visit, zone = texts, item.visit, sheet.zone

    def clock(at: datetime | None) -> str:
        return "" if at is None else f"{at.astimezone(zone):%H:%M}"

    exceptions = t.evv_exception_list(item.exceptions)
    reasons = tr(t.EVV_REASONS)
    given = [reasons.get(code, code) for code in (visit.check_in_reason, visit.check_out_reason)]
    given = [reason for reason in given if reason]
    if given:
        exceptions += f" ({', '.join(dict.fromkeys(given))})"
    return [
        day_with_year(visit.at.astimezone(zone).date()),
        tr(t.APPOINTMENT_STATUS_NAMES).get(visit.status, visit.status),
        clock(visit.check_in_at),
        clock(visit.check_out_at),
        "" if item.minutes is None else str(item.minutes),
        tr(t.EVV_STATUS_NAMES).get(item.status, str(item.status)),
        exceptions,
    ]


def render_sheet(sheet: VisitSheet, *, exported_by: str, at: datetime) -> bytes:
    """One client's month of visits on paper, with lines to sign."""
    t, zone = texts, sheet.zone
    title = t.sheet_title(month_with_year(sheet.month))
    document = pdf_document(
        title=f"{sheet.code} · {title}", code=sheet.code, exported_by=exported_by, at=at, zone=zone
    )
    pdf, clean = document.pdf, document.clean
    document.text(title, 17, "B", 9)
    document.text(t.sheet_client(sheet.code, clean_name(sheet.client_name)), 11, "B", 6)
    if sheet.workers:
        document.text(t.sheet_workers([clean_name(name) for name in sheet.workers]), 11)
    first, last = day_with_year(sheet.month), day_with_year(sheet.last_day)
    document.text(t.sheet_period(first, last, zone.key), 9)
    pdf.ln(3)
    if sheet.visits:
        pdf.set_font(document.family, "", 9)
        with pdf.table(
            col_widths=SHEET_WIDTHS,
            width=sum(SHEET_WIDTHS),
            align="LEFT",
            text_align="LEFT",
            line_height=5,
            first_row_as_headings=True,
        ) as table:
            heading = table.row()
            for label in tr(t.SHEET_COLUMNS):
                heading.cell(clean(label))
            for item in sheet.visits:
                row = table.row()
                for cell in _sheet_cells(item, sheet):
                    row.cell(clean(cell).strip())
        verified = sum(1 for item in sheet.visits if item.status == "verified")
        pdf.ln(2)
        document.text(t.sheet_totals(len(sheet.visits), verified), 10)
    else:
        document.text(t.SHEET_NO_VISITS, 10)
    pdf.ln(2)
    document.text(t.SHEET_NOTE, 8)
    signers = [t.SHEET_SIGN_CLIENT] + [t.sheet_sign_worker(clean_name(w)) for w in sheet.workers]
    for label in signers:
        _signature_line(document, label, t.SHEET_SIGN_DATE)
    return document.output()


def _signature_line(document: PdfDocument, label: str, date_label: str) -> None:
    """`label` and `Date` over two lines to sign and date on, kept on one page."""
    pdf = document.pdf
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    pdf.ln(8)
    left, right = pdf.l_margin, pdf.w - pdf.r_margin
    pdf.set_font(document.family, "", 9)
    pdf.cell(125, 5, document.clean(label)[:70])
    pdf.cell(0, 5, document.clean(date_label))
    pdf.ln(14)
    y = pdf.get_y()
    pdf.line(left, y, left + 115, y)
    pdf.line(left + 125, y, right, y)
