"""The client's safety plan (the card's 🛟 Safety plan, conversations/safety_plan.py): its
page, the section questions, earlier versions, its line on the card, its events in the
history and its part of the PDF, the agenda and the digest.

The plan's lines are the worker's own words: every helper here escapes them.
"""

from __future__ import annotations

from html import escape

from ui.i18n import N_, t, tn
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.common import every_days
from ui.texts.naming import nameless

CARD_SAFETY = N_("🛟 Safety plan")

# domain/rules/safety_plans.SECTIONS, in their order: the Stanley–Brown steps.
SAFETY_SECTIONS = {
    "warning_signs": N_("Warning signs"),
    "coping": N_("Things I can do on my own"),
    "distraction": N_("People and places that distract me"),
    "help": N_("People I can ask for help"),
    "professionals": N_("Professionals and crisis lines"),
    "environment": N_("Making my surroundings safe"),
}
SAFETY_HINTS = {
    "warning_signs": N_("Thoughts, moods or situations that show a crisis may be coming."),
    "coping": N_("What the client can do alone to feel better or take their mind off things."),
    "distraction": N_("People and social places that take the client's mind off things."),
    "help": N_("People the client can ask for help: a name, and a phone if known."),
    "professionals": N_(
        "Professionals and agencies to call in a crisis, crisis lines too: "
        "“Dr Weber, GP +49 30 1234”, “Crisis line 112”."
    ),
    "environment": N_("Keeping the means of harm out of reach: medication, weapons, …"),
}
SAFETY_NONE = N_("No safety plan yet.")
SAFETY_NONE_HINT = N_(
    "A safety plan is written with the client, in six short steps: warning signs, what "
    "they can do alone, who and what distracts them, whom to ask for help, professionals "
    "and crisis lines, and a safe environment."
)
SAFETY_NOTHING_YET = N_("nothing yet")
SAFETY_WRITE = N_("➕ Write a safety plan")
SAFETY_SAVE = N_("💾 Save")
SAFETY_DISCARD = N_("🗑 Discard changes")
SAFETY_DISCARD_ASK = N_("Discard your changes to the safety plan? What was saved stays as it is.")
SAFETY_DISCARD_YES = N_("🗑 Yes, discard")
SAFETY_DISCARDED_TOAST = N_("Changes discarded")
SAFETY_REVIEWED = N_("✅ Reviewed, no changes")
SAFETY_VERSIONS = N_("🕘 Earlier versions")
SAFETY_SKIP = N_("⏭ Skip")
SAFETY_CLEAR = N_("🗑 Clear section")
SAFETY_NOW = N_("Now:")
SAFETY_HOW_TO_TYPE = N_(
    "Type the lines, one per line: they replace what is there. Start with + and a space "
    "to add lines instead."
)
SAFETY_TAP_TO_REMOVE = N_("✖ and a number removes that line.")
SAFETY_EMPTY_TYPED = N_("That was empty. Type the lines, or go back with 🛟 Safety plan.")
SAFETY_NOTHING_TO_SAVE = N_("Nothing to save: there are no changes.")
SAFETY_UNCHANGED = N_(
    "Nothing changed. If you went through the plan with the client, tap ✅ Reviewed, no changes."
)
SAFETY_EMPTY_PLAN = N_("A safety plan needs at least one line. Add one in any section.")
SAFETY_CHANGED_MEANWHILE = N_(
    "The safety plan changed since this was shown. Here it is as it is now."
)
SAFETY_NO_PLAN_TO_REVIEW = N_("There is no safety plan to review yet.")
SAFETY_ASK_INTERVAL = N_("How often should the safety plan be reviewed with the client?")
SAFETY_INTERVAL_NAME = N_("review interval")
SAFETY_NO_VERSIONS = N_("No versions yet.")
SAFETY_VERSION_KINDS = {
    "saved": N_("saved"),
    "reviewed": N_("reviewed, no changes"),
}
AGENDA_SAFETY_REVIEWS = N_("Safety plan reviews due")
PDF_SAFETY = N_("Safety plan")
PDF_NO_SAFETY = N_("No safety plan.")


def safety_section_title(key: str) -> str:
    return tr(SAFETY_SECTIONS).get(key, key)


def safety_section_titles(keys: list[str]) -> str:
    """The sections (and the review interval) named in a list, for "Changed: …"."""
    names = [
        tr(SAFETY_INTERVAL_NAME) if key == "interval" else safety_section_title(key) for key in keys
    ]
    return ", ".join(names)


def card_safety_line(version: int, due: str, overdue: bool) -> str:
    """The card's line under its title: the version in effect and its next review."""
    if overdue:
        return t(
            "🛟 <b>Safety plan v{version}</b> · review due {due} ⚠ overdue",
            version=version,
            due=due,
        )
    return t("🛟 <b>Safety plan v{version}</b> · review due {due}", version=version, due=due)


@nameless
def safety_title(code: str, name: str) -> str:
    return t("🛟 <b>Safety plan · {code} {name}</b>", code=code, name=escape(name))


def safety_status(
    version: int, reviewed: str, author: str | None, due: str, overdue: bool, days: int
) -> str:
    """Under the title: the version, when and by whom it was last looked at, the next
    review and how often."""
    by = t(" by {author}", author=escape(author)) if author else ""
    late = " " + _("⚠ overdue") if overdue else ""
    return t(
        "v{version} · last reviewed {reviewed}{by}\nNext review {due}{late} · {every_days}",
        version=version,
        reviewed=reviewed,
        by=by,
        due=due,
        late=late,
        every_days=every_days(days),
    )


def safety_draft(keys: list[str], version: int) -> str:
    """A draft not saved yet: what it changes, and the version 💾 Save makes."""
    return t(
        "✏️ <b>Not saved yet:</b> {sections}. 💾 Save makes it v{version}.",
        sections=escape(safety_section_titles(keys)),
        version=version,
    )


def safety_section_heading(number: int, key: str) -> str:
    return f"<b>{number}. {escape(safety_section_title(key))}</b>"


def safety_line(line: str) -> str:
    return f"• {escape(line)}"


def safety_numbered_line(number: int, line: str) -> str:
    """A line shown to be copied (tap the code) or removed by its number."""
    return f"{number}. <code>{escape(line)}</code>"


def safety_ask_section(code: str, number: int, key: str, step: bool) -> str:
    """The head of a section's question; `step`: part of writing the plan step by step."""
    head = t(
        "🛟 {code} · <b>{number}. {section}</b>",
        code=code,
        number=number,
        section=escape(safety_section_title(key)),
    )
    if step:
        head += "\n" + t("Step {number} of 6", number=number)
    return f"{head}\n<i>{escape(tr(SAFETY_HINTS).get(key, ''))}</i>"


def safety_limits(lines: int, chars: int) -> str:
    return t("At most {lines} lines of {chars} characters each.", lines=lines, chars=chars)


def safety_line_too_long(number: int, length: int, limit: int) -> str:
    return t(
        "Line {number} has {length} characters; a line can hold {limit}. Please shorten it "
        "and send the lines again.",
        number=number,
        length=length,
        limit=limit,
    )


def safety_too_many(count: int, limit: int) -> str:
    return t(
        "That makes {count} lines; a section holds {limit}. Please send fewer.",
        count=count,
        limit=limit,
    )


def safety_saved_toast(version: int) -> str:
    return t("Saved as v{version}", version=version)


def safety_reviewed_toast(due: str) -> str:
    return t("Reviewed. Next review {due}", due=due)


def safety_saved_meanwhile(version: int, author: str | None) -> str:
    """A save over a version that is no longer the one in effect (an alert: plain)."""
    return t(
        "Someone saved v{version} meanwhile ({author}). Your changes are kept over it: "
        "check them and save again.",
        version=version,
        author=author or "?",
    )


def safety_interval_button(days: int, chosen: bool) -> str:
    return ("• " if chosen else "") + t("🔁 {every_days}", every_days=every_days(days))


@nameless
def safety_versions_title(code: str, name: str) -> str:
    return t("🕘 <b>Safety plan versions · {code} {name}</b>", code=code, name=escape(name))


def safety_version_button(version: int, day: str, kind: str) -> str:
    """A version in the list (plain: a button): ✏️ saved, ✅ reviewed with no changes."""
    return f"{'✅' if kind == 'reviewed' else '✏️'} v{version} · {day}"


def safety_version_head(
    version: int, kind: str, day: str, author: str | None, changed: list[str], until: str | None
) -> str:
    """An earlier (or the current) version's head: what it was, who, when, what changed."""
    lines = [
        t(
            "🛟 <b>Safety plan v{version}</b> · {kind} {day}{by}",
            version=version,
            kind=tr(SAFETY_VERSION_KINDS).get(kind, kind),
            day=day,
            by=t(" by {author}", author=escape(author)) if author else "",
        )
    ]
    if changed:
        lines.append(t("Changed: {sections}", sections=escape(safety_section_titles(changed))))
    lines.append(
        t("In effect until {day}", day=until) if until else t("This is the version in effect.")
    )
    return "\n".join(lines)


def safety_suggest(code: str) -> str:
    """Under a saved risk note, for a client without a safety plan."""
    return t("🛟 {code} has no safety plan yet: write one with the client?", code=code)


# ── history, the PDF, the digest ───────────────────────────────────────────


def safety_event_title(version: object, kind: str | None, author: str | None) -> str:
    """Plain: "Safety plan v2 saved by Wanda", "… reviewed by Wanda, no changes"."""
    if kind == "reviewed":
        if author:
            return t(
                "Safety plan v{version} reviewed by {author}, no changes",
                version=version,
                author=author,
            )
        return t("Safety plan v{version} reviewed, no changes", version=version)
    if author:
        return t("Safety plan v{version} saved by {author}", version=version, author=author)
    return t("Safety plan v{version} saved", version=version)


def safety_event_body(changed: list[str], next_review: str | None) -> str:
    """Plain: what the version changed, and when it is to be reviewed."""
    parts = []
    if changed:
        parts.append(t("Changed: {sections}", sections=safety_section_titles(changed)))
    if next_review:
        parts.append(t("Next review: {day}", day=next_review))
    return "\n".join(parts)


def pdf_safety_header(version: int, reviewed: str, author: str | None, due: str, days: int) -> str:
    """Plain."""
    return t(
        "Version {version} · last reviewed {reviewed}{by} · next review {due} ({every_days})",
        version=version,
        reviewed=reviewed,
        by=t(" by {author}", author=author) if author else "",
        due=due,
        every_days=every_days(days),
    )


def digest_safety_overdue(count: int) -> str:
    return tn(
        "🛟 {count} safety plan review overdue", "🛟 {count} safety plan reviews overdue", count
    )
