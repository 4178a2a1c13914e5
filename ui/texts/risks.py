"""Texts of a risk that is followed up: the card's risk line and ⚠ Risk → Lower, the
alert's ✅ Acknowledge, its escalation, the worker told it was seen, the digest's list of
open risks; and the admins' alert about a bulk export (issue 23), an alert like the risk's.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from ui.i18n import N_, t, tn

# The alert and its button
ACKNOWLEDGE = N_("✅ Acknowledge")
RISK_NO_LONGER_OPEN = N_("This risk was lowered or flagged again since.")


def risk_escalated(author: str, client: str, reason: str) -> str:
    """`client` and `reason` arrive escaped."""
    return t(
        "⚠ <b>Risk not acknowledged yet</b> — flagged by {author} for {client}:\n{reason}",
        author=escape(author),
        client=client,
        reason=reason,
    )


def risk_acknowledged_by(name: str) -> str:
    return t("✅ Acknowledged by {name}", name=escape(name))


def risk_already_acknowledged(name: str) -> str:
    """A toast: plain text."""
    return t("Already acknowledged by {name}.", name=name)


def bulk_export_alert(exporter: str, count: int, limit: int) -> str:
    return tn(
        "📤 <b>Bulk export</b>: {exporter} exported {count} case file today, more than "
        "{limit}. Each one is in the audit trail (<code>caseline audit</code>).",
        "📤 <b>Bulk export</b>: {exporter} exported {count} case files today, more than "
        "{limit}. Each one is in the audit trail (<code>caseline audit</code>).",
        count,
        exporter=escape(exporter),
        limit=limit,
    )


def risk_seen(supervisor: str, client_code: str) -> str:
    return t(
        "✅ {supervisor} has seen your risk flag for {client}.",
        supervisor=escape(supervisor),
        client=client_code,
    )


# The client card
RISK_LOWER_BUTTON = N_("⚠ Risk → Lower")
RISK_LOWER_EMPTY = N_("Please write why the risk is lower now; it is saved as a note.")
RISK_LOWER_TOO_LONG = N_("That is too long for one note; please shorten it.")
RISK_NOT_OPEN = N_("This client has no open risk.")


def card_risk(reason: str | None, day: str) -> str:
    """The card's line at the top; `reason` is the worker's own words."""
    return t(
        "⚠ <b>Risk:</b> {reason} · since {day}",
        reason=escape(reason or "—"),
        day=day,
    )


def risk_lower_ask(client_code: str) -> str:
    return t(
        "Why is the risk for {client} lower now? Your answer is saved as a note on the card."
        "\nWhat kind of contact was it? Tap one if not ✓ Other: a home visit, office, phone or"
        " video contact counts as seeing the client.",
        client=client_code,
    )


def risk_lowered(client_code: str) -> str:
    """A toast: plain text."""
    return t("Risk lowered for {client}; your note is saved.", client=client_code)


# The supervisor digest
DIGEST_OPEN_RISKS = N_("⚠ <b>Open risks</b>")
RISK_NOT_ACKNOWLEDGED = N_("not acknowledged")


def digest_open_risk(client_code: str, worker: str, since: str, acknowledged: str) -> str:
    """`acknowledged` arrives escaped (a name, or RISK_NOT_ACKNOWLEDGED)."""
    return t(
        "{client} ({worker}) · since {since} · {acknowledged}",
        client=client_code,
        worker=escape(worker),
        since=since,
        acknowledged=acknowledged,
    )


def digest_risk_acknowledged(name: str) -> str:
    return t("✅ acknowledged by {name}", name=escape(name))
