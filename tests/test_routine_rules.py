"""domain/rules/routine.py on its own: quiet hours, days off and the start of day."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules.routine import Hold, QuietWarning, ReminderKind, Routine

BERLIN = ZoneInfo("Europe/Berlin")


def routine(quiet=(time(22), time(9, 30)), start=time(8), days_off=(6, 7), muted=()) -> Routine:
    return Routine(
        worker_id=1,
        role="worker",
        team_id=None,
        zone=BERLIN,
        quiet_start=quiet[0],
        quiet_end=quiet[1],
        days_off=frozenset(days_off),
        start_of_day=start,
        digest_time=time(18),
        lead=timedelta(minutes=60),
        muted=frozenset(muted),
    )


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def test_the_agenda_goes_out_at_the_start_of_day_or_when_quiet_hours_end():
    tuesday = berlin(2026, 3, 3, 12, 0).astimezone(BERLIN).date()
    assert routine(quiet=(time(20), time(8))).agenda_at(tuesday) == berlin(2026, 3, 3, 8, 0)
    assert routine().agenda_at(tuesday) == berlin(2026, 3, 3, 9, 30)
    assert routine(quiet=(time(0), time(0))).agenda_at(tuesday) == berlin(2026, 3, 3, 8, 0)
    saturday = tuesday + timedelta(days=4)
    assert routine().agenda_at(saturday) is None
    # Quiet from 06:00 until 05:00 the next morning: no time left for the agenda.
    assert routine(quiet=(time(6), time(5))).agenda_at(tuesday) is None


def test_a_reminder_in_quiet_hours_is_folded_deferred_or_sent():
    now = berlin(2026, 3, 3, 8, 15)  # Tuesday, quiet until 09:30
    assert routine().hold(berlin(2026, 3, 3, 9, 15), now) == (Hold.FOLD, berlin(2026, 3, 3, 9, 30))
    assert routine().hold(berlin(2026, 3, 3, 10, 0), now) == (Hold.DEFER, berlin(2026, 3, 3, 9, 30))
    no_agenda = routine(muted=("agenda",))
    assert no_agenda.hold(berlin(2026, 3, 3, 9, 15), now) == (Hold.DEFER, berlin(2026, 3, 3, 9, 30))
    awake = berlin(2026, 3, 3, 10, 0)
    assert routine().hold(berlin(2026, 3, 3, 11, 0), awake) == (Hold.SEND, awake)
    friday_night = berlin(2026, 3, 6, 23, 0)
    assert routine().hold(berlin(2026, 3, 9, 12, 0), friday_night)[1] == berlin(2026, 3, 9, 9, 30)


def test_settings_warn_when_quiet_hours_cover_the_start_of_day():
    assert routine(quiet=(time(20), time(8))).quiet_warnings() == ()
    assert routine().quiet_warnings() == (QuietWarning(ReminderKind.AGENDA, time(8), time(9, 30)),)
    assert routine(quiet=(time(6), time(5))).quiet_warnings() == (
        QuietWarning(ReminderKind.AGENDA, time(8), None),
    )


times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@settings(max_examples=300, deadline=None)
@given(
    quiet_start=times,
    quiet_end=times,
    start=times,
    days_off=st.frozensets(st.integers(1, 7), max_size=6),
    minutes=st.integers(0, 60 * 24 * 21),
)
def test_quiet_until_is_the_first_moment_that_is_not_quiet(
    quiet_start, quiet_end, start, days_off, minutes
):
    person = routine(quiet=(quiet_start, quiet_end), start=start, days_off=days_off)
    moment = berlin(2026, 3, 2, 0, 0) + timedelta(minutes=minutes)
    free = person.quiet_until(moment)
    assert free >= moment and not person.is_quiet(free)
    # Nothing in between is free (checked every quarter hour: settings are on the quarter).
    probe = moment
    while probe < free:
        assert person.is_quiet(probe)
        probe += timedelta(minutes=15)
    resumed = person.start_of_day_from(moment)
    assert resumed >= moment and not person.is_quiet(resumed)
