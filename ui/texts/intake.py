"""Texts of the intake interview.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

# ── Intake interview ──────────────────────────────────────────────────────

# Buttons and their small words
SKIP = "⏭ Skip"
NO_EXPIRY = "⏭ No expiry"
NO_PHONE = "⏭ No phone"
NO_NOTE = "⏭ No note"
ANSWER_NOW = "✍ Answer them now"
TO_SUMMARY = "➡ Go to the summary"
FINISH = "✅ Finish intake"
START_NEW = "➕ Start a new one"
SAVE_GOALS = "✅ Save as draft plan"
NO_GOALS = "No goals now"
OTHER_TEXT = "Other…"

# What each question is about (progress line, summary, "still unanswered" list)
STEP_TITLES = {
    "name": "Name",
    "date_of_birth": "Date of birth",
    "phone": "Phone",
    "address": "Address",
    "emergency_contact": "Emergency contact",
    "language": "Language",
    "program": "Program",
    "living_situation": "Living situation",
    "contacts": "People around the client",
    "consent": "Consent",
}
NEED_NAMES = {
    "medical": "Medical",
    "psychosocial": "Psycho-social",
    "psychiatric": "Psychiatric",
    "housing": "Housing",
    "income": "Income and benefits",
    "substance": "Substance use",
    "safety": "Safety and risk",
    "daily_living": "Daily living",
}
NEED_HINTS = {
    "medical": "illnesses, medication, doctors, appointments",
    "psychosocial": "loneliness, relationships, social contact, grief",
    "psychiatric": "mental health, diagnoses, treatment",
    "housing": "a safe and stable home, rent, repairs",
    "income": "money, debts, benefits and entitlements",
    "substance": "alcohol, drugs, medication misuse",
    "safety": "falls, violence, self-harm, neglect",
    "daily_living": "meals, hygiene, household, getting around",
}
NEED_LEVELS = {"none": "No need", "some": "Some need", "urgent": "Urgent"}
NEED_BUTTONS = {"none": "No need", "some": "🟡 Some need", "urgent": "🔴 Urgent"}
NEED_MARKS = {"none": "⚪", "some": "🟡", "urgent": "🔴"}
LIVING_NAMES = {
    "alone": "Alone",
    "family": "With family",
    "carer": "With a carer",
    "supported": "Supported housing",
    "homeless": "Homeless",
    "other": "Other",
}
RELATION_NAMES = {
    "family": "Family",
    "caregiver": "Caregiver",
    "provider": "Provider",
    "other": "Other",
}
CONSENT_CHOICES = {"given": "✅ Given", "refused": "🚫 Refused", "later": "⏳ Later"}
SCOPES = {
    "referrals": "Share with referral agencies",
    "health": "Share with health providers",
    "family": "Share with family and caregivers",
}
EXPIRIES = {"6m": "6 months", "1y": "1 year"}
# Quick buttons of the language question (the org's own language first); any other is typed.
LANGUAGES = ("English", "Spanish", "Arabic", "Turkish", "Ukrainian", "Russian")
INTERPRETER_CHOICES = {"yes": "🗣 Yes", "no": "No"}
# The first goal proposed for a need marked "some" or "urgent" (a draft plan's goals).
GOAL_FOR_NEED = {
    "medical": "Get medical care in place and keep appointments",
    "psychosocial": "Strengthen social contact and emotional support",
    "psychiatric": "Connect with mental health care",
    "housing": "Secure stable housing",
    "income": "Secure income and the benefits the client is entitled to",
    "substance": "Reduce substance use and engage with recovery support",
    "safety": "Make a safety plan and reduce the risks at home",
    "daily_living": "Arrange help with daily living (meals, hygiene, household)",
}

# Questions
NEW_INTAKE = "<b>New intake.</b>"
ASK_NAME = "What is the client's full name?"
ASK_PHONE = "The client's phone number?"
ASK_ADDRESS = "The client's address?"
ASK_EMERGENCY = (
    "Emergency contact: who, and how to reach them? "
    "(e.g. “Ana Gonzalez, daughter, +49 170 1234567”)"
)
ASK_LANGUAGE = "Which language does the client prefer? Tap one, or type it."
ASK_INTERPRETER = "Is an interpreter needed for visits?"
ASK_PROGRAM = "Which program?"
ASK_LIVING = "Living situation? Tap one, or type a short description."
ASK_LIVING_OTHER = "Describe the living situation in a few words."
ASK_CONTACT_RELATION = (
    "People around the client (family, caregiver, providers): add one, or tap ✅ Done."
)
ASK_CONSENT = (
    "<b>Consent / release of information.</b> May the client's information be shared "
    "(for example with referral agencies)? Nothing is shared before consent is recorded."
)
ASK_SCOPE_GIVEN = "Consent given — for what? Tap, or type the scope in a few words."
ASK_SCOPE_REFUSED = "Consent refused — for what? Tap, or type the scope in a few words."
ASK_EXPIRY = "Until when is the consent valid? Tap, or type a date (e.g. {example})."

# Replies
SAVED = "✓ Saved."
SAVED_TOAST = "Saved"
KEPT_TOAST = "Kept as it was"
SKIPPED_TOAST = "Skipped — it comes back at the end"
USE_BUTTONS = "Please tap one of the buttons above (⏭ Skip, ◀ Back and ✖ Cancel work too)."
TYPE_ANSWER = "Please type the answer as text, or use the buttons (⏭ Skip, ◀ Back, ✖ Cancel)."
NAME_TOO_SHORT = "That name is too short. Please type the client's full name."
NOT_A_PHONE = (
    "That doesn't look like a phone number. Use digits, spaces and + - ( ) only, "
    "e.g. +49 170 1234567."
)
EMPTY_ANSWER = "That was empty. Please type the answer, or tap ⏭ Skip."
GONE = (
    "This intake isn't open to you any more (it was finished, or the client was "
    "reassigned). Everything answered so far is saved."
)
PICK_GOALS = "Tick at least one goal, or tap “No goals now”."
LATE_USED = "Used what you sent before the pause."


def too_long(limit: int, length: int) -> str:
    return (
        f"That's {length:,} characters; this answer can hold {limit:,}. "
        "Please shorten it and send it again."
    )


def date_example(order: str) -> str:
    return "24/12/1950" if order == "DMY" else "12/24/1950"


def ask_birth_date(order: str) -> str:
    written = "day/month/year" if order == "DMY" else "month/day/year"
    return f"Date of birth? Type it like {date_example(order)} ({written}) or 1950-12-24."


def bad_date(order: str) -> str:
    written = "day/month/year" if order == "DMY" else "month/day/year"
    return (
        f"I can't read that as a date. Type it like {date_example(order)} ({written}) "
        "or 1950-12-24, with the year in four digits."
    )


NO_SUCH_DATE = "That date doesn't exist. Please check the day and the month."
BIRTH_IN_FUTURE = "That date is in the future. Please type the date of birth."
TOO_OLD = "That would make the client over 120 years old. Please check the year."
EXPIRY_NOT_FUTURE = "The consent must be valid beyond today. Type a later date, or tap a button."
EXPIRY_TOO_FAR = "That is more than 10 years ahead. Please check the year."


def ask_need(domain: str) -> str:
    return f"<b>{NEED_NAMES[domain]}</b> needs? ({NEED_HINTS[domain]})"


def ask_need_note(domain: str) -> str:
    return f"A short note on the <b>{NEED_NAMES[domain].lower()}</b> need? (optional)"


def ask_contact_name(relation: str) -> str:
    return f"Name of the {RELATION_NAMES[relation].lower()} contact?"


def ask_contact_phone(name: str) -> str:
    return f"Phone number of {escape(name)}? (⏭ No phone if you don't have it)"


def progress(code: str, name: str, index: int, total: int, title: str) -> str:
    return f"<b>Intake · {code} · {escape(name)}</b> · {index}/{total} · {title}"


def review_progress(code: str, name: str, index: int, total: int, title: str) -> str:
    return f"<b>Intake · {code} · {escape(name)}</b> · skipped {index}/{total} · {title}"


def saved_value(value_html: str) -> str:
    """`value_html` arrives escaped."""
    return f"<i>Saved:</i> {value_html}"


def late_button(text: str) -> str:
    short = text if len(text) <= 24 else text[:23] + "…"
    return f"📥 Use “{short}”"


def started(code: str) -> str:
    return f"Intake started: the client is saved as {code} (status: intake)."


def cancelled_kept(code: str) -> str:
    return f"The intake for {code} is saved as far as you got; /intake resumes it."


def resume_offer(refs: list[tuple[str, str]]) -> str:
    """`refs` are (code, name) pairs; the first is the one left most recently."""
    if len(refs) == 1:
        code, name = refs[0]
        return f"Resume the intake for <b>{code} · {escape(name)}</b>? Or start a new one."
    return "You have intakes in progress. Resume one, or start a new one?"


def resume_button(code: str, name: str) -> str:
    label = f"▶ {code} · {name}"
    return label if len(label) <= 40 else label[:39] + "…"


def not_in_intake(code: str) -> str:
    """A toast (plain text)."""
    return f"{code} is not in intake any more."


def skipped_offer(count: int) -> str:
    questions = "1 question" if count == 1 else f"{count} questions"
    return f"You skipped {questions} — answer them now?"


def age(years: int) -> str:
    return f"{years} years"


def summary_title(code: str, name: str) -> str:
    return f"<b>Intake summary · {code} · {escape(name)}</b>"


def unanswered(titles: list[str]) -> str:
    return "<i>Not answered yet:</i> " + ", ".join(titles)


def needs_none(names: list[str]) -> str:
    return "⚪ No need: " + ", ".join(names)


def contact_line(relation: str, name: str, phone: str | None) -> str:
    line = f"{RELATION_NAMES.get(relation, escape(relation))} · {escape(name)}"
    return line + (f" · {escape(phone)}" if phone else "")


def consent_line(given: bool, scope: str, when: str, until: str | None) -> str:
    mark = "✅ Given" if given else "🚫 Refused"
    line = f"{mark} · {escape(scope)} · recorded {when}"
    return line + (f" · until {until}" if until else "")


CONSENT_NONE = "not recorded — no referral can share data yet"
PEOPLE_NONE = "none recorded"
NEEDS_TITLE = "Needs"
PEOPLE_TITLE = "People"
CONSENT_TITLE = "Consent"
SUMMARY_HINT = "Check it, then tap ✅ Finish intake: the client becomes active."


def finished(code: str) -> str:
    return f"✅ <b>Intake for {code} finished.</b> The client is now active."


def propose_goals(code: str) -> str:
    return (
        f"Proposed first goals for {code}, from the needs you marked. "
        "Tick the ones to keep; they become a draft plan."
    )


def plan_saved(code: str, goals: list[str]) -> str:
    listed = "\n".join(f"• {escape(goal)}" for goal in goals)
    return f"📋 <b>Draft plan saved for {code}</b>\n{listed}"


def no_goals(code: str) -> str:
    return f"No goals saved for {code}. You can add a plan later."
