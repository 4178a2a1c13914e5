"""Texts of the intake interview.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from ui.i18n import N_, in_sentence, number, t, tn
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.naming import nameless
from ui.texts.people import relation_name

# ── Intake interview ──────────────────────────────────────────────────────

# Buttons and their small words
SKIP = N_("⏭ Skip")
NO_EXPIRY = N_("⏭ No expiry")
NO_PHONE = N_("⏭ No phone")
NO_NOTE = N_("⏭ No note")
ANSWER_NOW = N_("✍ Answer them now")
TO_SUMMARY = N_("➡ Go to the summary")
FINISH = N_("✅ Finish intake")
START_NEW = N_("➕ Start a new one")
SAVE_GOALS = N_("✅ Save as draft plan")
NO_GOALS = N_("No goals now")
OTHER_TEXT = N_("Other…")

# What each question is about (progress line, summary, "still unanswered" list)
STEP_TITLES = {
    "name": N_("Name"),
    "date_of_birth": N_("Date of birth"),
    "phone": N_("Phone"),
    "address": N_("Address"),
    "emergency_contact": N_("Emergency contact"),
    "language": N_("Language"),
    "program": N_("Program"),
    "living_situation": N_("Living situation"),
    "contacts": N_("People around the client"),
    "consent": N_("Consent"),
}
NEED_NAMES = {
    "medical": N_("Medical"),
    "psychosocial": N_("Psycho-social"),
    "psychiatric": N_("Psychiatric"),
    "housing": N_("Housing"),
    "income": N_("Income and benefits"),
    "substance": N_("Substance use"),
    "safety": N_("Safety and risk"),
    "daily_living": N_("Daily living"),
}
NEED_HINTS = {
    "medical": N_("illnesses, medication, doctors, appointments"),
    "psychosocial": N_("loneliness, relationships, social contact, grief"),
    "psychiatric": N_("mental health, diagnoses, treatment"),
    "housing": N_("a safe and stable home, rent, repairs"),
    "income": N_("money, debts, benefits and entitlements"),
    "substance": N_("alcohol, drugs, medication misuse"),
    "safety": N_("falls, violence, self-harm, neglect"),
    "daily_living": N_("meals, hygiene, household, getting around"),
}
NEED_LEVELS = {"none": N_("No need"), "some": N_("Some need"), "urgent": N_("Urgent")}
NEED_BUTTONS = {"none": N_("No need"), "some": N_("🟡 Some need"), "urgent": N_("🔴 Urgent")}
NEED_MARKS = {"none": "⚪", "some": "🟡", "urgent": "🔴"}
LIVING_NAMES = {
    "alone": N_("Alone"),
    "family": N_("With family"),
    "carer": N_("With a carer"),
    "supported": N_("Supported housing"),
    "homeless": N_("Homeless"),
    "other": N_("Other"),
}
RELATION_NAMES = {
    "family": N_("Family"),
    "caregiver": N_("Caregiver"),
    "provider": N_("Provider"),
    "other": N_("Other"),
}
CONSENT_CHOICES = {"given": N_("✅ Given"), "refused": N_("🚫 Refused"), "later": N_("⏳ Later")}
SCOPES = {
    "referrals": N_("Share with referral agencies"),
    "health": N_("Share with health providers"),
    "family": N_("Share with family and caregivers"),
}
EXPIRIES = {"6m": N_("6 months"), "1y": N_("1 year")}
# Quick buttons of the language question (the org's own language first); any other is typed.
LANGUAGES = (
    N_("English"),
    N_("Spanish"),
    N_("Arabic"),
    N_("Turkish"),
    N_("Ukrainian"),
    N_("Russian"),
)
INTERPRETER_CHOICES = {"yes": N_("🗣 Yes"), "no": N_("No")}


def language_choices() -> list[tuple[str, str]]:
    """The quick buttons as (stored, shown): a listed language is stored by its English
    name, so every colleague reads it in their own language (`language_name`)."""
    return [(str(name), _(name)) for name in LANGUAGES]


def is_listed_language(value: str) -> bool:
    return value in LANGUAGES


# The first goal proposed for a need marked "some" or "urgent" (a draft plan's goals).
GOAL_FOR_NEED = {
    "medical": N_("Get medical care in place and keep appointments"),
    "psychosocial": N_("Strengthen social contact and emotional support"),
    "psychiatric": N_("Connect with mental health care"),
    "housing": N_("Secure stable housing"),
    "income": N_("Secure income and the benefits the client is entitled to"),
    "substance": N_("Reduce substance use and engage with recovery support"),
    "safety": N_("Make a safety plan and reduce the risks at home"),
    "daily_living": N_("Arrange help with daily living (meals, hygiene, household)"),
}

# Questions
NEW_INTAKE = N_("<b>New intake.</b>")
ASK_NAME = N_("What is the client's full name?")
ASK_PHONE = N_("The client's phone number?")
ASK_ADDRESS = N_("The client's address?")
ASK_EMERGENCY = N_(
    "Emergency contact: who, and how to reach them? "
    "(e.g. “Ana Gonzalez, daughter, +49 170 1234567”)"
)
ASK_LANGUAGE = N_("Which language does the client prefer? Tap one, or type it.")
ASK_INTERPRETER = N_("Is an interpreter needed for visits?")
ASK_PROGRAM = N_("Which program?")
ASK_LIVING = N_("Living situation? Tap one, or type a short description.")
ASK_LIVING_OTHER = N_("Describe the living situation in a few words.")
ASK_CONTACT_RELATION = N_(
    "People around the client (family, caregiver, providers): add one, or tap ✅ Done."
)
ASK_CONSENT = N_(
    "<b>Consent / release of information.</b> May the client's information be shared "
    "(for example with referral agencies)? Nothing is shared before consent is recorded."
)
ASK_SCOPE_GIVEN = N_("Consent given — for what? Tap, or type the scope in a few words.")
ASK_SCOPE_REFUSED = N_("Consent refused — for what? Tap, or type the scope in a few words.")
ASK_EXPIRY = N_("Until when is the consent valid? Tap, or type a date (e.g. {example}).")

# Replies
SAVED = N_("✓ Saved.")
SAVED_TOAST = N_("Saved")
KEPT_TOAST = N_("Kept as it was")
SKIPPED_TOAST = N_("Skipped — it comes back at the end")
USE_BUTTONS = N_("Please tap one of the buttons above (⏭ Skip, ◀ Back and ✖ Cancel work too).")
TYPE_ANSWER = N_("Please type the answer as text, or use the buttons (⏭ Skip, ◀ Back, ✖ Cancel).")
NAME_TOO_SHORT = N_("That name is too short. Please type the client's full name.")
NOT_A_PHONE = N_(
    "That doesn't look like a phone number. Use digits, spaces and + - ( ) only, "
    "e.g. +49 170 1234567."
)
EMPTY_ANSWER = N_("That was empty. Please type the answer, or tap ⏭ Skip.")
GONE = N_(
    "This intake isn't open to you any more (it was finished, or the client was "
    "reassigned). Everything answered so far is saved."
)
PICK_GOALS = N_("Tick at least one goal, or tap “No goals now”.")
LATE_USED = N_("Used what you sent before the pause.")


def too_long(limit: int, length: int) -> str:
    return t(
        "That's {length} characters; this answer can hold {limit}. Please "
        "shorten it and send it again.",
        length=number(length),
        limit=number(limit),
    )


def date_example(order: str) -> str:
    return "24/12/1950" if order == "DMY" else "12/24/1950"


def ask_birth_date(order: str) -> str:
    written = _("day/month/year") if order == "DMY" else _("month/day/year")
    return t(
        "Date of birth? Type it like {date_example} ({written}) or 1950-12-24.",
        date_example=date_example(order),
        written=written,
    )


def bad_date(order: str) -> str:
    written = _("day/month/year") if order == "DMY" else _("month/day/year")
    return t(
        "I can't read that as a date. Type it like {date_example} ({written}) or "
        "1950-12-24, with the year in four digits.",
        date_example=date_example(order),
        written=written,
    )


NO_SUCH_DATE = N_("That date doesn't exist. Please check the day and the month.")
BIRTH_IN_FUTURE = N_("That date is in the future. Please type the date of birth.")
TOO_OLD = N_("That would make the client over 120 years old. Please check the year.")
EXPIRY_NOT_FUTURE = N_(
    "The consent must be valid beyond today. Type a later date, or tap a button."
)
EXPIRY_TOO_FAR = N_("That is more than 10 years ahead. Please check the year.")


def ask_need(domain: str) -> str:
    return t(
        "<b>{need_names}</b> needs? ({need_hints})",
        need_names=tr(NEED_NAMES)[domain],
        need_hints=tr(NEED_HINTS)[domain],
    )


def ask_need_note(domain: str) -> str:
    return t(
        "A short note on the <b>{need}</b> need? (optional)",
        need=in_sentence(tr(NEED_NAMES)[domain]),
    )


def ask_contact_name(relation: str) -> str:
    return t("Name of the {relation} contact?", relation=in_sentence(tr(RELATION_NAMES)[relation]))


def ask_contact_phone(name: str) -> str:
    return t("Phone number of {name}? (⏭ No phone if you don't have it)", name=escape(name))


@nameless
def progress(code: str, name: str, index: int, total: int, title: str) -> str:
    return t(
        "<b>Intake · {code} · {name}</b> · {index}/{total} · {title}",
        code=code,
        name=escape(name),
        index=index,
        total=total,
        title=title,
    )


@nameless
def review_progress(code: str, name: str, index: int, total: int, title: str) -> str:
    return t(
        "<b>Intake · {code} · {name}</b> · skipped {index}/{total} · {title}",
        code=code,
        name=escape(name),
        index=index,
        total=total,
        title=title,
    )


def saved_value(value_html: str) -> str:
    """`value_html` arrives escaped."""
    return t("<i>Saved:</i> {value_html}", value_html=value_html)


def late_button(text: str) -> str:
    short = text if len(text) <= 24 else text[:23] + "…"
    return t("📥 Use “{short}”", short=short)


def started(code: str) -> str:
    return t("Intake started: the client is saved as {code} (status: intake).", code=code)


def cancelled_kept(code: str) -> str:
    return t("The intake for {code} is saved as far as you got; /intake resumes it.", code=code)


def resume_offer(refs: list[tuple[str, str]]) -> str:
    """`refs` are (code, name) pairs; the first is the one left most recently."""
    if len(refs) == 1:
        code, name = refs[0]
        return t(
            "Resume the intake for <b>{code} · {name}</b>? Or start a new one.",
            code=code,
            name=escape(name),
        )
    return _("You have intakes in progress. Resume one, or start a new one?")


def resume_button(code: str, name: str) -> str:
    label = f"▶ {code} · {name}"
    return label if len(label) <= 40 else label[:39] + "…"


def not_in_intake(code: str) -> str:
    """A toast (plain text)."""
    return t("{code} is not in intake any more.", code=code)


def skipped_offer(count: int) -> str:
    questions = tn("{count} question", "{count} questions", count)
    return t("You skipped {questions} — answer them now?", questions=questions)


def age(years: int) -> str:
    return t("{years} years", years=years)


@nameless
def summary_title(code: str, name: str) -> str:
    return t("<b>Intake summary · {code} · {name}</b>", code=code, name=escape(name))


def unanswered(titles: list[str]) -> str:
    return _("<i>Not answered yet:</i> ") + ", ".join(titles)


def needs_none(names: list[str]) -> str:
    return _("⚪ No need: ") + ", ".join(names)


def contact_line(relation: str, name: str, phone: str | None) -> str:
    # A relation the intake does not offer (a GP added from the card's 👥 People) too.
    shown = tr(RELATION_NAMES).get(relation) or escape(relation_name(relation))
    line = f"{shown} · {escape(name)}"
    return line + (f" · {escape(phone)}" if phone else "")


def consent_line(given: bool, scope: str, when: str, until: str | None) -> str:
    mark = _("✅ Given") if given else _("🚫 Refused")
    line = t("{mark} · {scope} · recorded {when}", mark=mark, scope=escape(scope), when=when)
    return line + (t(" · until {until}", until=until) if until else "")


CONSENT_NONE = N_("not recorded — no referral can share data yet")
PEOPLE_NONE = N_("none recorded")
NEEDS_TITLE = N_("Needs")
PEOPLE_TITLE = N_("People")
CONSENT_TITLE = N_("Consent")
SUMMARY_HINT = N_("Check it, then tap ✅ Finish intake: the client becomes active.")


def finished(code: str) -> str:
    return t("✅ <b>Intake for {code} finished.</b> The client is now active.", code=code)


def propose_goals(code: str) -> str:
    return t(
        "Proposed first goals for {code}, from the needs you marked. Tick the ones "
        "to keep; they become a draft plan.",
        code=code,
    )


def plan_saved(code: str, goals: list[str]) -> str:
    listed = "\n".join(f"• {escape(goal)}" for goal in goals)
    return t("📋 <b>Draft plan saved for {code}</b>\n{listed}", code=code, listed=listed)


def no_goals(code: str) -> str:
    return t("No goals saved for {code}. You can add a plan later.", code=code)
