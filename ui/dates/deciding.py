"""Deciding which day and which moment a reading means, for the purpose, in the zone."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from dateutil.relativedelta import relativedelta

from ui.dates.words import (
    Ambiguous,
    Invalid,
    Parsed,
    Result,
    _Ctx,
    _Date,
    _day_month,
    _daytime,
    _instants,
    _no_leap_day,
    _Time,
    _weekday_name,
    format_choice,
)
from ui.dates.words import _day_label as _label
from ui.i18n import t

# --- deciding which day and moment -----------------------------------------------------------


def _resolve_time_alone(at: _Time, ctx: _Ctx) -> Result:
    """A time without a date: today, moved or refused as the purpose needs."""
    today, tomorrow = ctx.today, ctx.today + timedelta(days=1)
    if at.kind == "midnight":
        last = [_parsed(m, ctx) for m in _instants_or_first(today, time(0), ctx.zone)]
        coming = [_parsed(m, ctx) for m in _instants_or_first(tomorrow, time(0), ctx.zone)]
        if ctx.purpose == "future":
            return _one_or_ask(coming)
        if ctx.purpose == "past":
            return _one_or_ask(last)
        return _one_or_ask(last + coming, t("Midnight last night or midnight tonight?"))
    if at.kind == "bare":
        hours = [at.hour % 12, at.hour % 12 + 12]
    else:
        hours = [_daytime(at.hour) if at.kind == "clock" else at.hour]
    options: list[Parsed] = []
    problems: list[Invalid | _NotYet] = []
    for hour in hours:
        found = _time_today(time(hour, at.minute), ctx)
        if isinstance(found, list):
            options.extend(found)
        else:
            problems.append(found)
    if not options:
        gaps = [problem for problem in problems if isinstance(problem, Invalid)]
        if gaps:
            return gaps[0]
        shown = [f"{problem.clock:%H:%M}" for problem in problems if isinstance(problem, _NotYet)]
        if len(shown) == 2:
            return Invalid(
                t(
                    "Neither {first} nor {second} has come yet today. "
                    "If you mean yesterday, type e.g. “yesterday {second}”.",
                    first=shown[0],
                    second=shown[1],
                )
            )
        return Invalid(
            t(
                "{time} hasn't come yet today. If you mean yesterday, type “yesterday {time}”.",
                time=shown[0],
            )
        )
    times = list(dict.fromkeys(f"{o.local:%H:%M}" for o in options))
    if len(times) == 1:
        return _one_or_ask(options, t("Do you mean {time}?", time=times[0]))
    return _one_or_ask(
        options,
        t("Do you mean {first} or {second}?", first=" or ".join(times[:-1]), second=times[-1]),
    )


@dataclass(frozen=True)
class _NotYet:
    """For "past": this time hasn't come yet today."""

    clock: time


def _time_today(clock: time, ctx: _Ctx) -> list[Parsed] | Invalid | _NotYet:
    """A wall-clock time on its own, by purpose (see the module docstring)."""
    today = ctx.today
    instants = _instants(today, clock, ctx.zone)
    wall = datetime.combine(today, clock)
    now_wall = ctx.local_now.replace(tzinfo=None, second=0, microsecond=0)
    if ctx.purpose == "future":
        ahead = [m for m in instants if m >= ctx.minute_start]
        if ahead:
            return [_parsed(m, ctx) for m in ahead]
        if not instants and wall >= now_wall:
            return _gap(today, clock, ctx)
        tomorrow = today + timedelta(days=1)
        instants = _instants(tomorrow, clock, ctx.zone)
        if not instants:
            return _gap(tomorrow, clock, ctx)
        return [_parsed(m, ctx) for m in instants]
    if not instants:
        if ctx.purpose == "past" and wall > now_wall:
            return _NotYet(clock)
        return _gap(today, clock, ctx)
    options = [_parsed(m, ctx) for m in instants]
    if ctx.purpose == "past":
        options = [o for o in options if _has_happened(o, ctx)]
        if not options:
            return _NotYet(clock)
    return options


def _resolve_dated(part: _Date, at: _Time | None, ctx: _Ctx) -> Result:
    """A date phrase, maybe with a time."""
    if part.wording:
        conflict = _wording_conflict(part.phrase, part.wording, ctx)
        if conflict:
            return conflict
    placed = _place_time(part, at) if at else None
    if isinstance(placed, Invalid):
        return placed
    days = _days(part, placed, ctx)
    if isinstance(days, Invalid):
        return days
    options: list[Parsed] = []
    for day in days:
        if placed is None:
            options.append(_parsed(_instants_or_first(day, time(0), ctx.zone)[0], ctx, False))
            continue
        clock, offset = placed
        on = day + timedelta(days=offset)
        instants = _instants(on, clock, ctx.zone)
        if not instants:
            return _gap(on, clock, ctx)
        options.extend(_parsed(moment, ctx) for moment in instants)
    if ctx.purpose == "past":
        happened = [o for o in options if _has_happened(o, ctx)]
        if not happened:
            label = format_choice(options[0])
            return Invalid(
                t(
                    "{label} hasn't happened yet — you can only log something that has "
                    "already happened.",
                    label=label,
                )
            )
        options = happened
    question = None
    if part.week_of is not None:  # "next week": the worker picks the day
        return Ambiguous(
            t("Which day next week? Tap one below."), sorted(options, key=lambda o: o.moment)
        )
    if ctx.purpose == "future" and options and _passed_this_month(part, days, ctx):
        # "the 3rd" typed on the 6th: next month's, but asked, like a date passed lately.
        return Ambiguous(
            t(
                "The {ordinal} has passed this month. Do you mean {day}?",
                ordinal=_ordinal(part.day_of_month or 0, ctx.language),
                day=_day_label(days[0], ctx),
            ),
            options,
        )
    if ctx.purpose == "future" and options and _passed_lately(part, days, ctx):
        # A date without a year that passed only lately this year: next year's, but asked,
        # not assumed ("3/12" on 6 December is a slip as often as a plan for next year;
        # "3 Jan" on 30 December is simply next month and is not asked).
        day = days[0]
        shown = _day_month(day)
        question = t(
            "{day} has passed this year. Do you mean {day} {year}?", day=shown, year=day.year
        )
        return Ambiguous(question=question, options=options)
    if len(days) == 2 and len(options) == 2 and part.modifier == "next":
        question = t(
            "{first} or {second}?", first=_day_label(days[0], ctx), second=_day_label(days[1], ctx)
        )
    elif len(days) == 2 and len(options) == 2 and part.weekday is not None:
        name = _weekday_name(part.weekday)
        last, coming = (_day_month(d) for d in days)
        question = t(
            "Last {weekday} ({last}) or next {weekday} ({coming})?",
            weekday=name,
            last=last,
            coming=coming,
        )
    elif len(days) == 2 and len(options) == 2:  # a date without a year, exactly in between
        first, second = (f"{_day_month(d)} {d.year}" for d in days)
        question = t("Do you mean {first} or {second}?", first=first, second=second)
    return _one_or_ask(options, question)


# How lately a date must have passed this year for next year's to be asked, not assumed.
ROLLED_ASK_DAYS = 60


# How lately "the 3rd" must have passed this month for next month's to be asked.
ROLLED_MONTH_ASK_DAYS = 7


def _passed_this_month(part: _Date, days: list[date], ctx: _Ctx) -> bool:
    if part.day_of_month is None or len(days) != 1 or days[0] <= ctx.today:
        return False
    return 0 < ctx.today.day - part.day_of_month <= ROLLED_MONTH_ASK_DAYS


def _ordinal(number: int, language: str = "en") -> str:
    """3 → "3rd", 11 → "11th", 22 → "22nd"; as each language writes the day of a month:
    "3" (es), "3." (de), "1er", "3" (fr)."""
    if language != "en":
        return {"de": f"{number}.", "fr": "1er" if number == 1 else str(number)}.get(
            language, str(number)
        )
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def _day_label(day: date, ctx: _Ctx) -> str:
    """ "Mon 7 Dec", with the year when it isn't this year's."""
    year = f" {day.year}" if day.year != ctx.today.year else ""
    return f"{_label(day)}{year}"


def _passed_lately(part: _Date, days: list[date], ctx: _Ctx) -> bool:
    if part.month_day is None or len(days) != 1 or days[0].year <= ctx.today.year:
        return False
    month, day = part.month_day
    this_year = date(ctx.today.year, month, min(day, monthrange(ctx.today.year, month)[1]))
    return 0 < (ctx.today - this_year).days <= ROLLED_ASK_DAYS


def _place_time(part: _Date, at: _Time) -> tuple[time, int] | Invalid:
    """The wall-clock time on the named day, and a day offset (midnight is the day's end)."""
    if at.kind == "midnight":
        return time(0), 1
    hour = at.hour
    if part.evening:
        if at.kind in ("clock", "bare") and hour < 12:
            hour += 12
        if hour < 17:
            shown = f"{hour:02}:{at.minute:02}"
            return Invalid(
                t("{time} isn't tonight. Try e.g. “tonight 8pm”, or “today {time}”.", time=shown)
            )
    elif at.kind in ("clock", "bare"):
        hour = _daytime(hour)
    return time(hour, at.minute), 0


def _days(part: _Date, placed: tuple[time, int] | None, ctx: _Ctx) -> list[date] | Invalid:
    """Which day(s) the phrase names, for this purpose."""
    if part.day is not None:
        days = [part.day]
    elif part.week_of is not None:
        days = [part.week_of + timedelta(days=offset) for offset in range(7)]
    elif part.day_of_month is not None:
        days = _month_for(part.day_of_month, ctx)
    elif part.weekday is not None:
        days = _weekday_days(part.weekday, part.modifier, placed, ctx)
    else:
        assert part.month_day is not None
        found = _year_for(*part.month_day, ctx)
        if isinstance(found, Invalid):
            return found
        days = found
    for day in days:
        if ctx.year_too_far(day.year):
            return Invalid(t("{year} is a long way off — please check the date.", year=day.year))
        if part.named_weekday is not None and day.weekday() != part.named_weekday:
            return Invalid(
                t(
                    "{day} is a {weekday}, not a {other}.",
                    day=" ".join((_day_month(day), str(day.year))),
                    weekday=_weekday_name(day.weekday()),
                    other=_weekday_name(part.named_weekday),
                )
            )
    return days


def _weekday_days(
    weekday: int, modifier: str | None, placed: tuple[time, int] | None, ctx: _Ctx
) -> list[date]:
    today = ctx.today
    ahead = (weekday - today.weekday()) % 7
    coming = today + timedelta(days=ahead or 7)  # strictly after today
    last = today - timedelta(days=(today.weekday() - weekday) % 7 or 7)  # strictly before
    if modifier == "next":
        # "next fri" said while this week's Friday is still ahead (or is tomorrow: nobody
        # says "next" for tomorrow) may mean that one or the one a week later: asked.
        this_week = coming - timedelta(days=coming.weekday()) == today - timedelta(
            days=today.weekday()
        )
        return [coming, coming + timedelta(days=7)] if this_week or ahead == 1 else [coming]
    if modifier == "last":
        return [last]
    if modifier == "this":
        return [today + timedelta(days=weekday - today.weekday())]
    if ahead != 0:  # today isn't that weekday
        return {"future": [coming], "past": [last]}.get(ctx.purpose, [last, coming])
    if ctx.purpose == "future":  # today only with a time still ahead (this minute counts)
        return [today] if placed and _wall_versus_now(today, placed, ctx) >= 0 else [coming]
    if ctx.purpose == "past":  # today unless the time hasn't come yet
        return [today] if not placed or _wall_versus_now(today, placed, ctx) <= 0 else [last]
    return [today]


def _wall_versus_now(day: date, placed: tuple[time, int], ctx: _Ctx) -> int:
    """-1, 0 or 1: this wall-clock time on `day` is before, in, or after the current minute."""
    clock, offset = placed
    wall = datetime.combine(day + timedelta(days=offset), clock)
    now_wall = ctx.local_now.replace(tzinfo=None, second=0, microsecond=0)
    return (wall > now_wall) - (wall < now_wall)


def _month_for(number: int, ctx: _Ctx) -> list[date]:
    """The month of a day typed without one ("the 15th"), like the year of a date without a
    year: "future" → this month's if still ahead (today counts), else the next month that has
    that day; "past" → the most recent; "any" → the nearer of the two (a tie is asked)."""
    today = ctx.today
    first = today.replace(day=1)

    def found(step: int) -> date:
        for count in range(13):
            month = first + relativedelta(months=step * count)
            if number <= monthrange(month.year, month.month)[1]:
                day = month.replace(day=number)
                if (day >= today) if step > 0 else (day <= today):
                    return day
        raise AssertionError("every day 1–31 comes within a year")

    ahead, back = found(1), found(-1)
    if ctx.purpose == "future":
        return [ahead]
    if ctx.purpose == "past":
        return [back]
    gaps = {day: abs((day - today).days) for day in (back, ahead)}
    nearest = min(gaps.values())
    return [day for day, gap in gaps.items() if gap == nearest]


def _year_for(month: int, day: int, ctx: _Ctx) -> list[date] | Invalid:
    """The year of a date typed without one (see the module docstring)."""
    today = ctx.today

    def stand_in(year: int) -> date:  # 29/2 stands in as 28/2 while choosing the year
        return date(year, month, min(day, monthrange(year, month)[1]))

    year = today.year
    if ctx.purpose == "future":
        years = [year if stand_in(year) >= today else year + 1]
    elif ctx.purpose == "past":
        years = [year if stand_in(year) <= today else year - 1]
    else:
        distance = {y: abs((stand_in(y) - today).days) for y in (year - 1, year, year + 1)}
        nearest = min(distance.values())
        years = [y for y, d in distance.items() if d == nearest]
    valid = [y for y in years if day <= monthrange(y, month)[1]]
    if not valid:
        return _no_leap_day(years[0], lambda d, m, y: f"{_day_month(date(y, m, d))} {y}")
    return [date(y, month, day) for y in valid]


# --- moments ---------------------------------------------------------------------------------


def _instants_or_first(day: date, clock: time, zone: tzinfo) -> list[datetime]:
    """Like `_instants`, but a time in a gap gives the first instant after the gap (for the
    start of a day whose midnight doesn't exist)."""
    instants = _instants(day, clock, zone)
    if instants:
        return instants[:1]
    return [datetime.combine(day, clock).replace(tzinfo=zone, fold=0).astimezone(UTC)]


def _parsed(moment: datetime, ctx: _Ctx, has_time: bool = True) -> Parsed:
    moment = moment.astimezone(UTC)
    local = moment.astimezone(ctx.zone)
    in_past = moment < ctx.now if has_time else local.date() < ctx.today
    return Parsed(moment=moment, local=local, has_time=has_time, in_past=in_past)


def _has_happened(parsed: Parsed, ctx: _Ctx) -> bool:
    if not parsed.has_time:
        return parsed.local.date() <= ctx.today
    return parsed.moment < ctx.minute_start + timedelta(minutes=1)


def _gap(day: date, clock: time, ctx: _Ctx) -> Invalid:
    """A wall-clock time skipped when the clocks go forward; suggest the same instant on the
    new clock (02:30 → 03:30)."""
    wall = datetime.combine(day, clock)
    # In a gap, fold=0 reads the wall time with the offset from before the change.
    moved = wall.replace(tzinfo=ctx.zone, fold=0).astimezone(UTC).astimezone(ctx.zone)
    label = _label(day)
    return Invalid(
        t(
            "There is no {time} on {day} — the clocks go forward that night. Try “{day} {moved}”.",
            time=clock.strftime("%H:%M"),
            day=label,
            moved=moved.strftime("%H:%M"),
        )
    )


def _wording_conflict(phrase: str, wording: str, ctx: _Ctx) -> Invalid | None:
    """Words that name the past for an appointment, or the future for a log. `phrase` is the
    date's words; in other languages than English they are the grammar's own, so the text as
    typed is quoted instead."""
    shown = phrase if ctx.language == "en" else ctx.typed
    if ctx.purpose == "future" and wording == "past":
        return Invalid(
            t("“{phrase}” is in the past — an appointment needs a future time.", phrase=shown)
        )
    if ctx.purpose == "past" and wording == "future":
        return Invalid(
            t(
                "“{phrase}” is in the future — you can only log something that has already "
                "happened.",
                phrase=shown,
            )
        )
    return None


def _one_or_ask(options: list[Parsed], question: str | None = None) -> Parsed | Ambiguous:
    """One option is the answer; more become a question with one button each."""
    unique = list({(o.moment, o.has_time): o for o in options}.values())
    unique.sort(key=lambda o: (o.moment, o.has_time))
    if len(unique) == 1:
        return unique[0]
    first = unique[0].local
    same_wall = all(
        o.local.replace(tzinfo=None, fold=0) == first.replace(fold=0, tzinfo=None) for o in unique
    )
    if same_wall and all(o.has_time for o in unique):
        zones = [o.local.tzname() for o in unique]
        question = t(
            "The clocks go back on {day}, so {time} happens twice. "
            "Do you mean the first ({first}) or the second ({second})?",
            day=_label(first.date()),
            time=first.strftime("%H:%M"),
            first=zones[0],
            second=zones[1],
        )
    elif question is None or len(unique) > 3:
        labels = [format_choice(o) for o in unique]
        question = t(
            "Which do you mean: {labels} or {last}?",
            labels=", ".join(labels[:-1]),
            last=labels[-1],
        )
    return Ambiguous(question=question, options=unique)
