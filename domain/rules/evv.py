"""Visit verification (EVV): the rules, written once, with no I/O.

A visit is verified from two positions the worker's phone shares with one tap, at the
check-in and at the check-out, compared with the client's home location:

- A position within the radius (CASELINE_EVV_RADIUS_METERS, default 300 m) of the home is
  verified; farther is recorded with its distance (`distance_m`, the haversine) and an
  exception, and the worker gives a reason (`Reason`).
- No position shared (the worker chose "No location"), no home known yet, a check-in more
  than 15 minutes after the appointment's start, a check-out still missing after the
  appointment's duration plus a grace (CASELINE_EVV_CHECKOUT_GRACE_MINUTES, default 60)
  from the check-in (from the start, for a check-in before it),
  or checked-in times edited by hand on the visit log: each is an exception (`EvvException`).
- A visit with no exception is verified; one with any is unverified (`status_of`).

What a phone reports is what is recorded: Caseline is not a state-certified EVV system.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from storage.appointments import DURATION_RANGE
from storage.kinds import AppointmentStatus, EvvStatus, InteractionType
from storage.models import Appointment

# A check-in this long after the appointment's start is a late start.
LATE_START_AFTER = timedelta(minutes=15)
# A check-in earlier than this before the start is refused: not this visit (yet).
EARLIEST_CHECK_IN = timedelta(hours=2)
# The mean Earth radius (IUGG), in metres.
EARTH_RADIUS_M = 6_371_008.8
# Telegram reports a horizontal accuracy of 0–1500 m.
ACCURACY_MAX = 1500.0


class EvvException(StrEnum):
    """Why a visit is not verified; the value is what the visit stores (and exports)."""

    NO_LOCATION = "no_location"
    NO_HOME = "no_home"
    OUTSIDE_RADIUS = "outside_radius"
    LATE_START = "late_start"
    MISSING_CHECKOUT = "missing_checkout"
    TIME_EDITED = "time_edited"


class Reason(StrEnum):
    """Why a position lay outside the radius: the worker's answer."""

    ELSEWHERE = "elsewhere"  # the client was met elsewhere
    GPS_POOR = "gps_poor"
    OTHER = "other"


class Moment(StrEnum):
    """Which of a visit's two positions."""

    CHECK_IN = "in"
    CHECK_OUT = "out"


# Exceptions a position (or its absence) makes; recomputed when a home becomes known.
PLACE_EXCEPTIONS = frozenset(
    {EvvException.NO_LOCATION, EvvException.NO_HOME, EvvException.OUTSIDE_RADIUS}
)


@dataclass(frozen=True, slots=True)
class Position:
    """Where the phone said it was; `accuracy` in metres, as Telegram reports it."""

    latitude: float
    longitude: float
    accuracy: float | None = None


def position_ok(latitude: float, longitude: float) -> bool:
    """A place on Earth (a forged or broken one is refused)."""
    return (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90.0 <= latitude <= 90.0
        and -180.0 <= longitude <= 180.0
    )


def accuracy_of(reported: float | None) -> float | None:
    """The accuracy as stored: Telegram's 0–1500 m, anything else left out."""
    if reported is None or not math.isfinite(reported) or not 0 <= reported <= ACCURACY_MAX:
        return None
    return float(reported)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance in metres between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Placed:
    """A position judged against the home: its distance (whole metres; None when there
    was no position or no home) and the exceptions it makes."""

    distance: int | None
    exceptions: frozenset[EvvException]


def place(position: Position | None, home: tuple[float, float] | None, radius_m: int) -> Placed:
    """A check-in's or check-out's position compared with the client's home."""
    if position is None:
        return Placed(None, frozenset({EvvException.NO_LOCATION}))
    if home is None:
        return Placed(None, frozenset({EvvException.NO_HOME}))
    distance = round(distance_m((position.latitude, position.longitude), home))
    outside = frozenset({EvvException.OUTSIDE_RADIUS}) if distance > radius_m else frozenset()
    return Placed(distance, outside)


def position_at(visit: Appointment, moment: Moment) -> Position | None:
    """The position a visit recorded at its check-in or check-out (None: none shared)."""
    if moment == Moment.CHECK_IN:
        lat, lon, accuracy = (
            visit.check_in_latitude,
            visit.check_in_longitude,
            visit.check_in_accuracy,
        )
    else:
        lat, lon, accuracy = (
            visit.check_out_latitude,
            visit.check_out_longitude,
            visit.check_out_accuracy,
        )
    return Position(lat, lon, accuracy) if lat is not None and lon is not None else None


@dataclass(frozen=True, slots=True)
class Judged:
    """A visit's verification from what it recorded: its exceptions, its status, and
    how far each position lay from the home (None: no position, or no home)."""

    exceptions: frozenset[EvvException]
    status: EvvStatus
    check_in_distance: int | None
    check_out_distance: int | None


def judged(
    visit: Appointment,
    home: tuple[float, float] | None,
    radius_m: int,
    *,
    extra: Iterable[str] = (),
) -> Judged:
    """A checked-in visit judged again from its positions and the home as known now
    (a home set since the check-in turns "no home" into a distance), keeping the
    exceptions that are not about a position (late start, missing check-out, edited
    times) and adding `extra`."""
    found = {code for code in ordered(visit.evv_exceptions or ()) if code not in PLACE_EXCEPTIONS}
    found |= set(ordered(extra))
    checked_in = place(position_at(visit, Moment.CHECK_IN), home, radius_m)
    found |= checked_in.exceptions
    out_distance = None
    if visit.check_out_at is not None:
        checked_out = place(position_at(visit, Moment.CHECK_OUT), home, radius_m)
        found |= checked_out.exceptions
        out_distance = checked_out.distance
    return Judged(frozenset(found), status_of(found), checked_in.distance, out_distance)


def too_early(planned: datetime, now: datetime) -> bool:
    """A check-in more than two hours before the appointment's start: another day's or
    a later visit's card, not the one the worker is at."""
    return planned - now > EARLIEST_CHECK_IN


def late_start(planned: datetime, checked_in: datetime) -> bool:
    """A check-in more than 15 minutes after the appointment's start."""
    return checked_in - planned > LATE_START_AFTER


def status_of(exceptions: Iterable[str]) -> EvvStatus:
    return EvvStatus.UNVERIFIED if any(True for _ in exceptions) else EvvStatus.VERIFIED


# The kind of visit that is checked in and out with a position: at the client's home.
VERIFIED_KIND = InteractionType.HOME_VISIT


def verifiable(kind: str) -> bool:
    """Which visits are checked in and out with a position: those at the client's home."""
    return kind == VERIFIED_KIND


def check_out_due(
    check_in_at: datetime, starts_at: datetime, duration_minutes: int, grace_minutes: int
) -> datetime:
    """When a check-in with no check-out is reminded about once and marked unverified:
    the appointment's length plus the grace after the visit began — the check-in, or the
    appointment's start when the worker checked in early (waiting at the door is not the
    visit running out)."""
    began = max(check_in_at, starts_at)
    return began + timedelta(minutes=duration_minutes + grace_minutes)


# The earliest a check-out can be due after a check-in: the shortest visit, no grace.
SHORTEST_VISIT = timedelta(minutes=DURATION_RANGE.start)


def elapsed_minutes(check_in_at: datetime, check_out_at: datetime) -> int:
    """The whole minutes from a check-in to its check-out, as they were (the export's)."""
    return round((check_out_at - check_in_at).total_seconds() / 60)


def visit_minutes(check_in_at: datetime, check_out_at: datetime) -> int:
    """A visit's length from its check-in to its check-out, in whole minutes, within what
    a visit may last (5 minutes to 12 hours): what the visit log is pre-filled with."""
    minutes = elapsed_minutes(check_in_at, check_out_at)
    return max(DURATION_RANGE.start, min(DURATION_RANGE.stop - 1, minutes))


def ordered(exceptions: Iterable[str]) -> list[EvvException]:
    """Exception codes in the order a reader meets them (the enum's), unknown ones left out."""
    known = {str(code) for code in exceptions}
    return [code for code in EvvException if code.value in known]


# What an export says of a visit beyond what the visit stores (never stored on a visit):
# a completed or no-show home visit nobody checked in to, and a check-in with no
# check-out that the reminder tick has not found missing yet (the visit is still open).
NO_CHECK_IN = "no_check_in"
NO_CHECK_OUT = "no_check_out"
# Visits without a check-in that an export still lists, as unverified (no_check_in): a
# home visit that took place, or that the client missed, must be accounted for.
UNCHECKED_EXPORTED = (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW)


@dataclass(frozen=True, slots=True)
class Reported:
    """A visit as an export reports it: its verification and its exception codes (the
    stored ones in the enum's order, then NO_CHECK_IN or NO_CHECK_OUT)."""

    status: EvvStatus
    exceptions: list[str]


def reported(
    check_in_at: datetime | None, check_out_at: datetime | None, stored: Iterable[str]
) -> Reported:
    """A visit for the export: never checked in, it is unverified (no_check_in); checked
    in but not (yet) out, it is unverified too — a visit is verified only from both ends."""
    if check_in_at is None:
        return Reported(EvvStatus.UNVERIFIED, [NO_CHECK_IN])
    codes: list[str] = [code.value for code in ordered(stored)]
    if check_out_at is None and EvvException.MISSING_CHECKOUT not in codes:
        codes.append(NO_CHECK_OUT)
    return Reported(status_of(codes), codes)
