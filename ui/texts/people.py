"""The people around the client (the card's 👥 People, conversations/client_people.py),
their history events and their lines in the PDF."""

from __future__ import annotations

from html import escape

from ui.i18n import N_, in_sentence, t
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.naming import nameless

CARD_PEOPLE = N_("👥 People")

# storage/client_people.RELATIONS: who a person is to the client.
PEOPLE_RELATIONS = {
    "family": N_("Family"),
    "caregiver": N_("Caregiver"),
    "neighbour": N_("Neighbour"),
    "other": N_("Other"),
    "gp": N_("GP"),
    "nurse": N_("Nurse"),
    "therapist": N_("Therapist"),
    "pharmacist": N_("Pharmacist"),
    "social_security": N_("Social security office"),
    "school": N_("School"),
    "provider": N_("Other professional"),
}
PEOPLE_AROUND = N_("Family and others")
PEOPLE_CARE_TEAM = N_("🩺 Care team")
PEOPLE_EARLIER = N_("Earlier")
PEOPLE_NONE = N_("Nobody is listed yet.")
PEOPLE_ADD = N_("➕ Add someone")
PEOPLE_BACK = N_("👥 People")
PEOPLE_NO_PHONE = N_("⏭ No phone")
PEOPLE_NO_ORGANISATION = N_("⏭ Skip")
PEOPLE_CONSENT_YES = N_("✅ Yes")
PEOPLE_CONSENT_NO = N_("🚫 No")
PEOPLE_ADD_ANYWAY = N_("➕ Add anyway")
PEOPLE_ADDED_TOAST = N_("Added")
PEOPLE_SAVED_TOAST = N_("Saved")
PEOPLE_ENDED_TOAST = N_("Ended: listed under Earlier")
PEOPLE_ALREADY_ENDED = N_("This relation has already ended.")
PEOPLE_EMPTY = N_("That was empty. Please type it, or tap ✖ Cancel.")
PEOPLE_USE_BUTTONS = N_("Please choose with the buttons above, or tap ✖ Cancel.")
PEOPLE_EDIT_NAME = N_("✏️ Name")
PEOPLE_EDIT_PHONE = N_("📞 Phone")
PEOPLE_EDIT_ORGANISATION = N_("🏢 Organisation")
PEOPLE_EDIT_NOTES = N_("🗒 Notes")
PEOPLE_CONSENT_GIVEN = N_("✅ Consent to share")
PEOPLE_CONSENT_REFUSED = N_("🚫 No consent to share")
PEOPLE_END = N_("⏹ End relation")
PEOPLE_END_YES = N_("⏹ Yes, end it")
# What a person's detail is called in "New … for Ana?"
PEOPLE_FIELDS = {
    "name": N_("Name"),
    "phone": N_("Phone"),
    "organisation": N_("Organisation"),
    "notes": N_("Notes"),
}


def relation_name(relation: str) -> str:
    """Plain: the relation's label, or the stored value when it is not one we know."""
    return tr(PEOPLE_RELATIONS).get(relation, relation)


@nameless
def people_title(code: str, name: str) -> str:
    return t("<b>👥 People around {code} · {name}</b>", code=code, name=escape(name))


def _consent(consent: bool | None) -> str:
    if consent is None:
        return ""
    return _("consent to share: yes") if consent else _("consent to share: no")


def person_line(
    relation: str,
    name: str,
    phone: str | None,
    organisation: str | None,
    consent: bool | None,
    ended: str | None = None,
) -> str:
    """One person in the list (HTML)."""
    parts = [f"<b>{escape(name)}</b> ({escape(relation_name(relation))})"]
    parts += [escape(value) for value in (organisation, phone) if value]
    if consent is not None:
        parts.append(_consent(consent))
    if ended:
        parts.append(t("ended {day}", day=ended))
    return " · ".join(parts)


def person_button(name: str, relation: str) -> str:
    """Plain: a person to open from the list."""
    return f"{name} ({relation_name(relation)})"


@nameless
def person_page(
    code: str,
    name: str,
    relation: str,
    phone: str | None,
    organisation: str | None,
    consent: bool | None,
    notes: str | None,
    ended: str | None,
) -> str:
    lines = [
        t(
            "<b>{name}</b> · {relation} · {code}",
            name=escape(name),
            relation=escape(relation_name(relation)),
            code=code,
        )
    ]
    if ended:
        lines.append(t("⏹ Relation ended {day}", day=ended))
    lines.append(t("📞 Phone: {phone}", phone=escape(phone)) if phone else _("📞 No phone"))
    if organisation:
        lines.append(t("🏢 Organisation: {organisation}", organisation=escape(organisation)))
    if consent is None:
        lines.append(_("Consent to share: not asked"))
    else:
        lines.append(
            _("✅ The client consents to sharing with them")
            if consent
            else _("🚫 The client does not consent to sharing with them")
        )
    if notes:
        lines.append(t("🗒 {notes}", notes=escape(notes)))
    return "\n".join(lines)


def person_notes_title(name: str, count: int) -> str:
    """The notes with a person on their page (collateral notes about them, notes they
    attended), the latest listed under it."""
    return t("<b>📝 Notes with {name}: {count}</b>", name=escape(name), count=count)


def person_note_button(name: str) -> str:
    """Plain: a collateral note with this person."""
    return t("📝 Note with {name}", name=name)


@nameless
def people_ask_relation(code: str, name: str) -> str:
    return t(
        "<b>Add someone around {code} · {name}</b>\nWho are they to the client?",
        code=code,
        name=escape(name),
    )


def people_ask_name(relation: str) -> str:
    return t("Their name? ({relation})", relation=escape(relation_name(relation)))


def people_ask_phone(name: str) -> str:
    return t(
        "{name}'s phone number, in international format (e.g. +49 170 1234567)?",
        name=escape(name),
    )


def people_ask_organisation(name: str, relation: str) -> str:
    return t(
        "Which organisation is {name} with (the {relation}'s practice, office or school)?",
        name=escape(name),
        relation=escape(in_sentence(relation_name(relation))),
    )


def people_ask_consent(name: str) -> str:
    return t("Does the client consent to sharing information with {name}?", name=escape(name))


def people_already_listed(name: str, relation: str) -> str:
    return t(
        "Already listed: {name} ({relation}). Add anyway?",
        name=escape(name),
        relation=escape(relation_name(relation)),
    )


def people_ask_edit(field: str, name: str, limit: int) -> str:
    return t(
        "New {field} for {name}? (at most {limit} characters)",
        field=in_sentence(tr(PEOPLE_FIELDS)[field]),
        name=escape(name),
        limit=limit,
    )


def people_ask_end(name: str) -> str:
    return t(
        "End the relation with {name}? They stay in the record, listed under Earlier.",
        name=escape(name),
    )


# History (plain)
def person_event_title(added: bool, name: str, relation: str) -> str:
    if added:
        return t("{name} ({relation}) added", name=name, relation=relation_name(relation))
    return t("Relation with {name} ({relation}) ended", name=name, relation=relation_name(relation))


# PDF (plain)
PDF_PEOPLE_CARE_TEAM = N_("Care team")
PDF_PEOPLE_ENDED = N_("Earlier (ended)")


def pdf_person(
    relation: str,
    name: str,
    phone: str | None,
    organisation: str | None,
    consent: bool | None,
    notes: str | None,
    ended: str | None,
) -> str:
    line = f"{relation_name(relation)}: {name}"
    if organisation:
        line += f", {organisation}"
    if phone:
        line += f", {phone}"
    if consent is not None:
        line += f" · {_consent(consent)}"
    if ended:
        line += " · " + t("ended {day}", day=ended)
    if notes:
        line += f" — {notes}"
    return line
