"""A worker's routine: when Caseline may push to them, and when their day starts.

The one place these rules live (the tick, the snooze button and /settings call them):

- Quiet hours (which may wrap past midnight) and days off win over every push except
  a risk alert. A push that falls in them waits until they end (`quiet_until`).
- The morning agenda goes out at the start of day or, when quiet hours cover the start
  of day, when they end (`agenda_at`); a day off has none. The supervisor's digest
  follows the same rule at its own time (`daily_at`), and so does their weekly trend, on
  the weekday they chose (`trend_at`).
- An appointment reminder that falls in quiet hours is folded into that agenda when the
  appointment starts before they end, and sent when they end otherwise (`hold`).
- /settings warns when quiet hours cover the start of day (`quiet_covers`).

Pure: no I/O, only a worker's settings and the moment asked about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum, StrEnum
from zoneinfo import ZoneInfo

from storage.bot_messages import EXPIRE_KIND, WIPE_KIND
from storage.kinds import Role
from storage.models import Worker


class ReminderKind(StrEnum):
    """What an outbox row is; the value is its `kind` column and its key's prefix."""

    APPOINTMENT = "appt"
    AGENDA = "agenda"
    DIGEST = "digest"
    RISK = "risk"
    BLOCKED = "blocked"
    SNOOZED = "snoozed"
    # The flagging worker told that a supervisor acknowledged their risk alert.
    RISK_SEEN = "risk_seen"
    # A worker's plan activation or discharge waiting for a supervisor's approval, to the
    # team's supervisors; and the requesting worker told what was decided.
    APPROVAL = "approval"
    APPROVAL_DECIDED = "approval_done"
    # A check-in with no check-out after the visit's length and the grace (EVV), once.
    CHECK_OUT = "checkout"
    # An appointment still scheduled two hours after its end (and not checked in), once.
    UNCLOSED = "unclosed"
    # A supervisor's comment on a note, or their co-sign, told to the note's author.
    NOTE_COMMENT = "note_comment"
    # A supervisor's weekly trend of the team, on their chosen weekday.
    TREND = "trend"
    # One person exported more case files in a day than CASELINE_BULK_EXPORT_LIMIT: to
    # each admin, once that day (domain/usecases/bulk_exports.py).
    BULK_EXPORT = "bulk_export"
    # Not a message: delete the bot's recent messages in a switched-off worker's chat.
    WIPE = WIPE_KIND
    # Not a message: delete the bot's messages past CASELINE_DELETE_AFTER_HOURS in a chat.
    EXPIRE = EXPIRE_KIND


# Kinds a worker may switch off in /settings (risk alerts and notices cannot be muted).
OPTIONAL_KINDS = (ReminderKind.APPOINTMENT, ReminderKind.AGENDA, ReminderKind.DIGEST)
# A week of days off plus the quiet hours around them is the longest a push can wait.
_MAX_STEPS = 16


class Hold(Enum):
    """What quiet hours do to an appointment reminder that has fallen due."""

    SEND = "send"  # not quiet: send it now
    DEFER = "defer"  # quiet now: send it when quiet hours end
    FOLD = "fold"  # the appointment starts before they end: the agenda lists it


@dataclass(frozen=True, slots=True)
class QuietWarning:
    """Quiet hours cover a time a daily message is meant for: it goes out at `moved_to`,
    when they end, or not at all that day (None: they last past the end of the day)."""

    kind: ReminderKind  # AGENDA (the start of day) or DIGEST
    meant_for: time
    moved_to: time | None


@dataclass(frozen=True, slots=True)
class Routine:
    """A worker's reminder settings, resolved to concrete values."""

    worker_id: int
    role: str
    team_id: int | None
    zone: ZoneInfo
    quiet_start: time
    quiet_end: time
    days_off: frozenset[int]
    start_of_day: time
    digest_time: time
    lead: timedelta
    muted: frozenset[str]
    # The ISO weekday of a supervisor's weekly trend (None: off).
    trend_weekday: int | None = None

    @classmethod
    def of(cls, worker: Worker, default_zone: str) -> Routine:
        return cls(
            worker_id=worker.id,
            role=worker.role,
            team_id=worker.team_id,
            zone=ZoneInfo(worker.timezone or default_zone),
            quiet_start=worker.quiet_start,
            quiet_end=worker.quiet_end,
            days_off=frozenset(worker.days_off),
            start_of_day=worker.start_of_day,
            digest_time=worker.digest_time,
            lead=timedelta(minutes=worker.reminder_lead_minutes),
            muted=frozenset(worker.muted_reminder_kinds),
            trend_weekday=worker.trend_weekday,
        )

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def wants(self, kind: str) -> bool:
        return kind not in self.muted

    def is_day_off(self, moment: datetime) -> bool:
        return self.local(moment).isoweekday() in self.days_off

    def quiet_covers(self, moment: time) -> bool:
        """Whether this time of day lies inside the quiet hours (end excluded)."""
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return False
        if start < end:
            return start <= moment < end
        return moment >= start or moment < end

    def is_quiet(self, moment: datetime) -> bool:
        """Quiet hours and days off."""
        return self.is_day_off(moment) or self.quiet_covers(self.local(moment).time())

    def quiet_until(self, moment: datetime) -> datetime:
        """The first moment at or after `moment` that is neither quiet nor a day off
        (`moment` itself when it is not quiet)."""
        at = moment
        for _ in range(_MAX_STEPS):
            local = self.local(at)
            if local.isoweekday() in self.days_off:
                at = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=self.zone)
            elif self.quiet_covers(local.time()):
                ends_on = local.date() + timedelta(days=0 if local.time() < self.quiet_end else 1)
                at = datetime.combine(ends_on, self.quiet_end, tzinfo=self.zone)
            else:
                return at
        return at

    def daily_at(self, day: date, at: time) -> datetime | None:
        """When a once-a-day message meant for `at` on `day` goes out: at `at`, or when
        quiet hours covering it end; None on a day off, or when the quiet hours last
        past the end of `day` (/settings warns about that)."""
        if day.isoweekday() in self.days_off:
            return None
        free = self.quiet_until(datetime.combine(day, at, tzinfo=self.zone))
        return free if self.local(free).date() == day else None

    def trend_at(self, day: date) -> datetime | None:
        """When a supervisor's weekly trend goes out on `day`: at the digest time (or when
        quiet hours covering it end) on their chosen weekday; None on any other day, on
        a day off, and when they switched it off."""
        if self.trend_weekday is None or day.isoweekday() != self.trend_weekday:
            return None
        return self.daily_at(day, self.digest_time)

    def agenda_at(self, day: date) -> datetime | None:
        """When the morning agenda of `day` goes out (None: not on that day)."""
        return self.daily_at(day, self.start_of_day)

    def start_of_day_from(self, moment: datetime) -> datetime:
        """The first working start of day (quiet hours respected) at or after `moment`."""
        day = self.local(moment).date()
        for _ in range(_MAX_STEPS):
            at = self.agenda_at(day)
            if at is not None and at >= moment:
                return at
            day += timedelta(days=1)
        return self.quiet_until(moment)  # quiet hours leave no day a start: when they end

    def next_start_of_day(self, moment: datetime) -> datetime:
        """The next working day's start of day after `moment`'s day (for 'tomorrow')."""
        day = self.local(moment).date() + timedelta(days=1)
        return self.start_of_day_from(datetime.combine(day, time(0), tzinfo=self.zone))

    def quiet_warnings(self) -> tuple[QuietWarning, ...]:
        """What /settings warns about: quiet hours that cover the start of day (and,
        for a supervisor, the digest time), so those messages come later or not at all."""
        wanted = [(ReminderKind.AGENDA, self.start_of_day)]
        if self.role == Role.SUPERVISOR:
            wanted.append((ReminderKind.DIGEST, self.digest_time))
        return tuple(
            QuietWarning(kind, at, self.quiet_end if self.quiet_end > at else None)
            for kind, at in wanted
            if self.quiet_covers(at)
        )

    def hold(self, starts_at: datetime, now: datetime) -> tuple[Hold, datetime]:
        """What quiet hours do to an appointment reminder due now, and when it may go:
        sent now; deferred to the end of quiet hours; or folded into the agenda that
        goes out then, because the appointment starts before they end."""
        free = self.quiet_until(now)
        if free <= now:
            return Hold.SEND, now
        if (
            starts_at < free
            and self.wants(ReminderKind.AGENDA)
            and self.agenda_at(self.local(free).date()) == free
        ):
            return Hold.FOLD, free
        return Hold.DEFER, free
