"""The Mini App page's words, in the worker's language.

The page (bot/webapp/static/app.js, pages.js and plan_edit.js) is written in English and
says every word through `say("…")`; it asks the server once for its reader's catalog
(`GET /api/words/<language>`, bot/webapp/api.py), built here from the same gettext
catalogs the chat speaks from, so a word is translated once for both. The codes the API
sends (programme, status, kinds) are named as the chat names them, from the chat's own
tables.

Each English text the page says is declared below with N_ so `pybabel extract` finds it;
tests/test_webapp_words.py fails when app.js or index.html says a text not declared here,
or when a text here is no longer said. A count is declared with `ngettext` (a keyword
pybabel extracts by default, as a plural entry) and sent as its two forms, "one" and
"other"; the page picks by the language's plural category, which is right for every
language Caseline ships (a language with more plural forms would need more than two).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ui import i18n
from ui.i18n import N_
from ui.texts.appointments import APPOINTMENT_STATUS_NAMES
from ui.texts.approvals import APPROVAL_KIND_NAMES, APPROVAL_STATUS_NAMES
from ui.texts.common import KIND_NAMES, PROGRAM_NAMES, STATUS_NAMES
from ui.texts.details import DETAIL_NAMES
from ui.texts.evv import EVV_EXCEPTION_NAMES
from ui.texts.people import PEOPLE_RELATIONS
from ui.texts.plans import GOAL_STATUS_NAMES, PLAN_STATUS_NAMES
from ui.texts.record import RECORD_EVENT_KINDS
from ui.texts.referrals import REFERRAL_STATUS_NAMES
from ui.texts.safety_plans import SAFETY_SECTIONS

PAGE_WORDS: tuple[str, ...] = (
    # index.html
    N_("Card"),
    N_("History"),
    N_("Team"),
    N_("New note"),
    N_("Kind"),
    N_("Note"),
    N_("Save note"),
    N_("Loading…"),
    # answers the page gives
    N_("This client isn't available to you."),
    N_("Please close this page and open it again from the chat."),
    N_("Only supervisors can see the team view."),
    N_("The note is too long."),
    N_("Write the note first."),
    N_("Which team? Choose one:"),
    N_("Caseline could not answer. Try again in a moment."),
    N_("There is no team to show you."),
    N_("Open this page from a client's card in the chat (🗂 Open)."),
    N_("Saving…"),
    N_("Saved."),
    # the note composer (the chat's /note card's words where it has them)
    N_("Data, assessment, plan (DAP)"),
    N_("Data"),
    N_("Assessment"),
    N_("Plan"),
    N_("⚠ Risk"),
    N_("What is the risk? A short reason (the supervisor is alerted)."),
    N_("🎯 Goals"),
    N_("👥 Who was there"),
    N_("🗣 With whom"),
    N_("👤 Someone not on the card"),
    N_("A goal or person you ticked is no longer on the card. Open the page again."),
    N_("🔔 Told at once: {who}."),
    N_("Present: {attendees}"),
    N_("Data: {data}"),
    N_("Assessment: {assessment}"),
    N_("Plan: {plan}"),
    N_("Risk: {reason}"),
    N_("Goals worked on: {goals}"),
    # the card
    N_("Client"),
    N_("Risk"),
    N_("flagged"),
    N_("Worker"),
    N_("none"),
    N_("Phone"),
    N_("Address"),
    N_("Born"),
    N_("Last contact"),
    N_("Next visit due"),
    N_("never"),
    N_("Safety plan"),
    N_("in place"),
    N_("Waiting for approval"),
    N_("Upcoming"),
    N_("Plan v{version}"),
    N_("Next review"),
    N_("Referrals"),
    N_("Open"),
    N_("Recent notes"),
    N_("amended — see History"),
    N_("Co-signed"),
    N_("Comment"),
    N_("Amended"),
    # the team view
    N_("Visits"),
    N_("No-shows"),
    N_("Notes"),
    N_("Tomorrow"),
    N_("Intakes"),
    N_("Plans reviewed"),
    N_("Collateral"),
    N_("Clients overdue"),
    N_("Plan reviews overdue"),
    N_("Risk flags (24\u00a0h)"),
    N_("Safety reviews overdue"),
    N_("Appointments left open"),
    N_("Unverified visits"),
    N_("Open risks"),
    N_("overdue"),
    N_("reviews"),
    N_("risk flags"),
    N_("safety reviews"),
    N_("left open"),
    N_("unverified"),
    N_("open risks"),
    N_("no open clients"),
    N_("{seen}/{open} seen within frequency ({percent} %)"),
    N_("team digest · {day}"),
    N_("Seen within frequency"),
    N_("Quiet for 2 working days"),
    N_("Today"),
    N_("since {day}"),
    N_("acknowledged by {name}"),
    N_("not acknowledged"),
    N_("No workers in this team yet."),
    N_("(own caseload)"),
    N_("quiet"),
    N_("Teams"),
    N_("Workers ({count})"),
    # the caseload
    N_("My clients"),
    N_("Overdue first"),
    N_("No clients yet."),
    N_("➕ New client"),
    N_("Program"),
    N_("Contact frequency"),
    N_("Already one of your clients:"),
    N_("➕ Add a new one anyway"),
    N_("That name is too long."),
    N_("That name is too short. Please type the client's full name."),
    # the plan, referrals and people tabs (pages.js); most are the chat's own words
    N_("People"),
    N_("This case is closed: its plan is kept as it was, read-only."),
    N_("No plan yet."),
    N_("Status"),
    N_("Draft: not in effect until ✅ Activate (the next review is set then)."),
    N_("In effect"),
    N_("Since"),
    N_("Interventions"),
    N_("Goals"),
    N_("No goals yet."),
    N_("No safety plan yet."),
    N_("Version {version}"),
    N_("nothing yet"),
    N_("Earlier versions"),
    N_("reviewed {day} by {name}"),
    N_("Summary"),
    N_("No referrals yet."),
    N_("Reason"),
    N_("Follow-up"),
    N_("🏛 Application made"),
    N_("Answered"),
    N_("Declined because"),
    N_("Outcome"),
    N_("Family and others"),
    N_("🩺 Care team"),
    N_("Earlier"),
    N_("Nobody is listed yet."),
    N_("consent to share: yes"),
    N_("consent to share: no"),
    N_("ended {day}"),
    # note_edit.js: the chat's own words for the same things
    N_("Name"),
    N_("Date of birth"),
    N_("Usual place of visits"),
    N_("Cancel"),
    N_("✅ Save"),
    N_("📤 Export"),
    N_("✏️ Edit"),
    N_("📄 PDF"),
    N_("📊 CSV"),
    N_("Which detail needs correcting?"),
    N_("✏️ Amend"),
    N_("💬 Comment"),
    N_("✍️ Co-sign"),
    # record_edit.js: the Referrals and People tabs' writes (the chat's words where it has them)
    N_("This changed meanwhile: here is how it is now."),
    N_("That was empty. Please type it."),
    N_("There is no consent to share information on record."),
    N_("That service is no longer in the directory."),
    N_("Please choose a follow-up day from today on."),
    N_("Please type the phone number with its country code, e.g. +49 30 1234567."),
    N_("✅ Accepted"),
    N_("🚫 Declined"),
    N_("🏁 Completed"),
    N_("↩ Withdraw"),
    N_("Why was it declined?"),
    N_("What was the outcome?"),
    N_("Withdraw this referral? This cannot be undone."),
    N_("↩ Yes, withdraw it"),
    N_("Save"),
    N_("✖ Cancel"),
    N_("The client refused consent on {day}."),
    N_("What does the consent cover?"),
    N_("Referrals to community services"),
    N_("✅ Consent given"),
    N_("🚫 Client refused"),
    N_("Recorded: the client refused consent."),
    N_("Consent: {scope}"),
    N_("The directory has no services yet: an admin adds them with /resources."),
    N_("Service"),
    N_("Reason for the referral"),
    N_("Follow up on"),
    N_("➕ New referral"),
    N_("not asked"),
    N_("✅ Yes"),
    N_("🚫 No"),
    N_("Relation"),
    N_("📞 Phone"),
    N_("🏢 Organisation"),
    N_("Consent to share"),
    N_("➕ Add"),
    N_("Someone of that name is already listed. Tap ➕ Add again to add them anyway."),
    N_("🗒 Notes"),
    N_("⏹ Yes, end it"),
    N_("⏹ End relation"),
    N_("➕ Add someone"),
    # plan_edit.js (the Plan tab's changes; "✅ Activate", "➕ Goal" and "🔁 Review
    # interval" are the chat's /plan buttons' words)
    N_("The plan changed meanwhile: here it is as it stands now."),
    N_("That is too long."),
    N_("Write it first."),
    N_("The plan was reviewed meanwhile: here it is as it stands now."),
    N_("🔎 Review"),
    N_("How well it worked (1–5)"),
    N_("✅ Save review"),
    N_("The safety plan changed meanwhile: here it is as it stands now."),
    N_(
        "Nothing changed. If you went through the plan with the client, tap ✅ Reviewed, "
        "no changes."
    ),
    N_("A line is too long, or a section has too many lines."),
    N_("➕ Write a safety plan"),
    N_("💾 Save"),
    N_("✅ Reviewed, no changes"),
    N_("The plan already has as many goals as it may hold."),
    N_("Add a goal before activating the plan."),
    N_("Goal status"),
    N_("➕ Goal"),
    N_("Goal"),
    N_("How it is measured (optional)"),
    N_("Target date (optional)"),
    N_("Routine (optional)"),
    N_("Add goal"),
    N_("Change the plan"),
    N_("Save interventions"),
    N_("🔁 Review interval"),
    N_("✅ Activate"),
)


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a count's two texts for extraction; they are translated per reader below."""
    return (singular, plural)


# "{count}" is the number.
PAGE_COUNTS: tuple[tuple[str, str], ...] = (
    ngettext("{count} entry", "{count} entries"),
    ngettext("{count} client", "{count} clients"),
    ngettext("every day", "every {count} days"),
)

# The codes the API sends, by the group the page names them with, as the chat names them.
CODE_NAMES: dict[str, Mapping[Any, str]] = {
    "program": PROGRAM_NAMES,
    "status": STATUS_NAMES,
    "kind": KIND_NAMES,
    "appointment_status": APPOINTMENT_STATUS_NAMES,
    "goal_status": GOAL_STATUS_NAMES,
    "plan_status": PLAN_STATUS_NAMES,
    "referral_status": REFERRAL_STATUS_NAMES,
    "approval_kind": APPROVAL_KIND_NAMES,
    "approval_status": APPROVAL_STATUS_NAMES,
    "detail": DETAIL_NAMES,
    "event": RECORD_EVENT_KINDS,
    "evv": EVV_EXCEPTION_NAMES,
    "relation": PEOPLE_RELATIONS,
    "safety_section": SAFETY_SECTIONS,
}


def page_words(language: str) -> dict[str, Any]:
    """The page's catalog in `language` (a shipped one; else the organisation's)."""
    with i18n.speaking(language):
        spoken = i18n.current_language()
        translations = i18n.catalog(spoken)
        return {
            "language": spoken,
            "words": {text: i18n.gettext(text) for text in PAGE_WORDS},
            "counts": {
                one: [translations.ngettext(one, many, count) for count in (1, 2)]
                for one, many in PAGE_COUNTS
            },
            "codes": {
                group: {str(code): i18n.gettext(name) for code, name in names.items()}
                for group, names in CODE_NAMES.items()
            },
        }
