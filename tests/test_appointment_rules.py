"""An appointment's life and the 90-minute visit match: the rule alone (no I/O), and the
typed drafts of /appt and /visit reading what the first version stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from conversations.appointment import AppointmentDraft
from conversations.pickers import ClientRef
from conversations.visit import VisitDraft
from domain.rules import appointments as rules
from storage.appointments import Recurrence
from storage.kinds import AppointmentStatus, InteractionType

NOW = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
STATUSES = list(AppointmentStatus)


def test_only_a_scheduled_appointment_changes():
    for change in rules.Change:
        for status in STATUSES:
            verdict = rules.check(
                change, status=status, starts_at=NOW - timedelta(hours=1), now=NOW
            )
            expected = (
                rules.Verdict.ALLOWED
                if status == AppointmentStatus.SCHEDULED
                else rules.Verdict.NOT_SCHEDULED
            )
            assert verdict == expected, (change, status)


def test_completing_before_the_start_is_a_question_not_a_future_contact():
    later = NOW + timedelta(minutes=1)
    assert (
        rules.check(rules.Change.COMPLETE, status="scheduled", starts_at=later, now=NOW)
        == rules.Verdict.NOT_STARTED
    )
    for change in (rules.Change.NO_SHOW, rules.Change.CANCEL, rules.Change.RESCHEDULE):
        assert rules.check(change, status="scheduled", starts_at=later, now=NOW) == (
            rules.Verdict.ALLOWED
        )
    assert rules.completed_start(later, NOW, NOW) == NOW
    assert rules.completed_start(NOW - timedelta(hours=2), NOW, NOW) == NOW - timedelta(hours=2)


@given(planned=st.integers(-3 * 24 * 60, 3 * 24 * 60), logged=st.integers(-3 * 24 * 60, 0))
def test_a_completed_visit_never_starts_in_the_future(planned: int, logged: int):
    start = rules.completed_start(
        NOW + timedelta(minutes=planned), NOW + timedelta(minutes=logged), NOW
    )
    assert rules.contact_time_ok(start, NOW)


@given(offset=st.integers(-600, 600))
def test_the_match_window_is_90_minutes_either_side(offset: int):
    visit = NOW + timedelta(minutes=offset)
    assert rules.matches(NOW, visit) == (abs(offset) <= 90)
    begin, end = rules.match_window(visit)
    assert (begin <= NOW <= end) == rules.matches(NOW, visit)


def test_the_nearest_appointment_not_declined_is_offered():
    at = lambda minutes: NOW + timedelta(minutes=minutes)  # noqa: E731
    candidates = [
        rules.Candidate(1, at(-80)),
        rules.Candidate(2, at(30)),
        rules.Candidate(3, at(95)),
    ]
    assert rules.best_match(candidates, NOW) == rules.Candidate(2, at(30))
    assert rules.best_match(candidates, NOW, declined=[2]) == rules.Candidate(1, at(-80))
    assert rules.best_match(candidates, NOW, declined=[1, 2]) is None


def test_an_appointment_draft_stored_by_the_first_version_loads():
    old = {
        "duration": 45,
        "kind": "phone",
        "repeat": "weekly",
        "client": {"id": 3, "code": "C-0003", "name": "Helga Brandt"},
        "day": "2026-03-03",
        "start": "2026-03-03T14:00:00+00:00",
        "past_ok": True,
        "place": "Office",
        "token": "a1b2c3d4",
        "touched": "2026-03-02T08:00:00+00:00",
        "revision": 4,
    }
    draft = AppointmentDraft.from_json(old)
    assert draft.client == ClientRef(3, "C-0003", "Helga Brandt")
    assert draft.start == datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    assert (draft.duration, draft.kind, draft.repeat) == (
        45,
        InteractionType.PHONE,
        Recurrence.WEEKLY,
    )
    assert (draft.place, draft.past_ok, draft.token, draft.revision) == (
        "Office",
        True,
        "a1b2c3d4",
        4,
    )
    assert draft.to_json() == old
    moving = AppointmentDraft.from_json({"reschedule": 7, "client": old["client"]})
    assert moving.reschedule == 7 and moving.start is None


def test_a_visit_draft_stored_by_the_first_version_loads_kept_ones_too():
    old = {
        "duration": 30,
        "kind": "office",
        "outcome": "no_show",
        "parts": ["Door locked.", "Called, no answer."],
        "client": {"id": 1, "code": "C-0001", "name": "Maria Gonzalez"},
        "start": "2026-03-02T07:00:00+00:00",
        "appointment": 12,
        "token": "ffee",
        "revision": 2,
    }
    draft = VisitDraft.from_json(old | {"kept_at": "2026-03-02T09:00:00+00:00"})
    assert (draft.duration, draft.kind, draft.outcome) == (
        30,
        InteractionType.OFFICE,
        AppointmentStatus.NO_SHOW,
    )
    assert draft.note == "Door locked.\n\nCalled, no answer."
    assert (draft.appointment, draft.card, draft.declined) == (12, None, [])
    assert draft.to_json() == old
    fresh = VisitDraft().to_json()
    assert "client" not in fresh  # the idle guard keeps a draft only once it has a client
    assert fresh["kind"] == "home_visit" and fresh["parts"] == []


def test_undo_takes_back_how_a_visit_ended_for_one_minute_from_when_it_was_recorded():
    for status in STATUSES:
        ended = status in {"completed", "no_show", "cancelled"}
        assert rules.undoable(status, NOW, NOW + timedelta(seconds=60)) is ended
        assert rules.amendable(status) is ended
        assert not rules.undoable(status, NOW, NOW + timedelta(seconds=61))
        # Cancelled with the card's ✖ records no moment: never undone.
        assert not rules.undoable(status, None, NOW)


def test_a_time_corrected_on_the_visit_card_stands_even_for_a_plan():
    planned, logged = NOW - timedelta(hours=3), NOW - timedelta(hours=1)
    assert rules.completed_start(planned, logged, NOW) == planned
    assert rules.completed_start(planned, logged, NOW, corrected=True) == logged
