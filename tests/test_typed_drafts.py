"""The /refer, /intake and resource-editor drafts are typed, and a draft stored by an
earlier version (a plain dict in user_data, as the dialogs wrote it before) still loads,
with its fields typed, and is written back in the same layout.
"""

from __future__ import annotations

from datetime import date

from conversations.intake_steps import STEPS, IntakeDraft, Phase
from conversations.pickers import ClientRef
from conversations.referral_draft import ConsentRef, ReferralDraft, ResourceRef, Search
from conversations.resources import ResourceDraft

CLIENT = {"id": 1, "code": "C-0001", "name": "Maria Gonzalez"}
BOOKKEEPING = {"touched": "2026-03-02T08:00:00+00:00", "token": "0123456789abcdef"}


def test_an_old_referral_draft_loads_typed_and_is_written_back_as_it_was():
    old = {
        "client": CLIENT,
        "consent": {"id": 3, "scope": "Share needs with community services"},
        "resource": {"id": 4, "name": "Wohngeld", "category": "Benefits", "benefit": True},
        "reason": "Rent arrears",
        "follow_up": "2026-03-09",
        "applied": "2026-03-01",
        **BOOKKEEPING,
        "kept_at": "2026-03-02T09:00:00+00:00",
    }
    draft = ReferralDraft.from_json(old)
    assert draft.client == ClientRef(1, "C-0001", "Maria Gonzalez")
    assert draft.consent == ConsentRef(3, "Share needs with community services")
    assert draft.resource == ResourceRef(4, "Wohngeld", "Benefits", True)
    assert (draft.follow_up, draft.applied) == (date(2026, 3, 9), date(2026, 3, 1))
    assert draft.ready()
    assert draft.to_json() == old

    searching = {
        "client": CLIENT,
        "consent": {"id": 3, "scope": "x"},
        "search": {"w": "food", "c": None},
    }
    assert ReferralDraft.from_json(searching).search == Search("food", None)
    assert ReferralDraft.from_json(searching).to_json() == searching
    waiting = {"referral": 7, "expected": "sent", "to": "declined", **BOOKKEEPING}
    assert ReferralDraft.from_json(waiting).to_json() == waiting
    # Whatever cannot be read is simply missing, and asked for again.
    broken = ReferralDraft.from_json({"client": CLIENT, "follow_up": "someday", "consent": 5})
    assert (broken.follow_up, broken.consent, broken.ready()) == (None, None, False)


def test_an_old_intake_draft_loads_typed_and_is_written_back_as_it_was():
    old = {
        "kind": "intake",
        # As the version before the language question stored it: its own route.
        "route": [step for step in STEPS if step != "language"],
        "pos": 15,
        "phase": "phone",
        "sub": {"relation": "family", "name": "Ana", "contact_id": 2},
        "answered": ["name", "phone"],
        "review": False,
        "stage": "ask",
        "client": CLIENT,
        "msg": 42,
        "late": ["+49 30 1234"],
        **BOOKKEEPING,
    }
    draft = IntakeDraft.from_json(old)
    assert draft.step == "contacts" and draft.phase == "phone"
    assert draft.sub == Phase(relation="family", name="Ana", contact_id=2)
    assert draft.pending()[:2] == ["date_of_birth", "address"]
    assert draft.to_json() == old

    goals = dict(old, stage="goals", proposals=["housing", "medical"], ticked=["housing"])
    assert IntakeDraft.from_json(goals).to_json() == goals
    # A first-version draft without most keys starts at the beginning.
    fresh = IntakeDraft.from_json({"client": CLIENT})
    assert (fresh.step, fresh.stage, fresh.answered) == ("name", "ask", [])


def test_an_old_resource_editor_draft_loads_typed_and_is_written_back_as_it_was():
    old = {
        "id": 5,
        "values": {"name": "Food Bank Mitte", "category": "Food", "phone": None},
        "benefit": False,
        "step": "phone",
        **BOOKKEEPING,
    }
    draft = ResourceDraft.from_json(old)
    assert draft is not None and draft.editing and draft.values["name"] == "Food Bank Mitte"
    assert draft.to_json() == old
    assert ResourceDraft.from_json({}) is None
