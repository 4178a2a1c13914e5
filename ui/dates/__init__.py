"""Reading the dates and times case workers type on a phone.

`parse_when(text, now=…, zone=…, order=…, purpose=…)` turns free text into an aware UTC moment
(`Parsed`), a short question with 2–3 buttons (`Ambiguous`), or a friendly reason with an example
(`Invalid`) — never a silent guess. Pure functions: no Telegram, no database, and `now` is always
passed in (the system clock is never read). Wall-clock times are read in the worker's `zone` with
zoneinfo, so daylight saving is handled exactly.

Grammar (case-insensitive; extra spaces, commas, "at", "on", "the", "of", "@" and "o'clock" are
ignored; "p.m."/"3 pm" become "pm"/"3pm"; a final "!"/"?", and a final "." after a word or
after "9:30", are dropped):

    text      := instant | duration | date [part] [time] | time [date] | time
    instant   := "now" | "right now" | "just now"
    duration  := "in" N unit | N unit "ago" | N unit "from now"        (unit: minutes or hours)
                 N := 1–3 digits | "a" | "an" | "one" | "half an" (half an hour only);
                 units: m min mins minute(s) · h hr hrs hour(s); "2h ago", "in 45min" work too
    date      := day-word | weekday | week | relative-days | numeric | iso | month-name
                 | ordinal
    day-word  := today | tonight | tonite | tomorrow | tmrw | tmr | tommorow | yesterday
                 | yday | day after tomorrow | day before yesterday
    week      := "next week" (the day is asked: seven buttons) | "next week" weekday
                 | weekday "next week"
    ordinal   := D(st|nd|rd|th) ("the 15th", "3rd"): a day of a month not named
    part      := morning | afternoon | evening | night  ("tomorrow morning 9", "this
                 evening 7" — "this" is today —, "9 in the morning"); needs an hour
    weekday   := ["next" | "last" | "this"] (mon | monday | tue | tues | tuesday | wed | weds
                 | wednesday | thu | thur | thurs | thursday | fri | friday | sat | saturday
                 | sun | sunday)
    relative-days := "in" N unit | N unit "ago" | N unit "from now"
                 (unit: d day(s) · w wk wks week(s) · mo mos month(s))
    numeric   := A sep B [sep YY | sep YYYY] ["."]    sep: "/" "." "-" (the same one twice);
                 A/B is day/month for DMY and month/day for MDY ("12.3." is fine)
    iso       := YYYY-M-D  (also with "/" or "."); always year-month-day, whatever the order
    month-name:= D[st|nd|rd|th] month [YYYY] | month D[st|nd|rd|th] [YYYY]
                 month: jan january feb february mar march apr april may jun june jul july
                 aug august sep sept september oct october nov november dec december
                 numeric, iso and month-name dates may start with a weekday ("fri 4 dec",
                 "friday, december 4th"); it must agree with the date
    time      := H:MM | H.MM | H:MMam/pm | Ham/pm | Hh | HhMM | noon | midday | midnight | H
                 | HMM | HHMM (only after a day word or weekday: "fri 930", "tomorrow 1400")
                 | clock-phrase
                 ("2026-12-03T14:00" is read as "2026-12-03 14:00"; "12 noon" is noon).
                 A time may come after the date or before it ("3pm tomorrow"); a bare number
                 only after it ("mon 10", not "10 mon").
    clock-phrase := (half | quarter | M) (past | after | to) H  |  "half" H (British: half
                 past) — H: 1–23 or one … twelve; M: five, ten, twenty, twenty-five, or
                 digits (before "to" only with "minutes": "10 to 6" may be a range).
                 "half past three" → 3:30, "quarter to ten" → 9:45; then the daytime rule.

Slips: a word of 4 letters or more that the grammar doesn't know and that is one slip (a
letter wrong, missing or extra, or two swapped: ui.typos) from exactly one day, month or
part-of-day word is read as that word ("tomorow", "fridya", "wendesday", "decmber"). A word one
slip from two ("munday": Monday or Sunday; "jule": June or July) is asked, with a button for
each reading that makes a date — even when only one does. Shorter words are never corrected,
nor corrected to ("son" is not read, "mayy" is not May; "sun", "mon" are days as typed): the
words slipped to are the full day and month names, "tues", "weds", "thur", "thurs", "sept",
today, tonight, tomorrow, yesterday and the parts of the day.

Decisions:

- Times. am/pm, a leading zero ("09:30", "03:30"), hour 0 or 13–23, and the "15h"/"9h30"
  form (a 24-hour convention) are read exactly as written. An hour 1–12 written with minutes
  but without am/pm ("9:30", "3:30") follows the daytime rule below, also without a date:
  case workers work daytime, so "9:30" is 09:30 and "3:30" is 15:30; night times need a
  leading zero or am/pm ("03:30", "3:30am"). "noon"/"midday" is 12:00, "12am" is 00:00,
  "12pm" is 12:00.
- The daytime rule: a bare hour after a date ("next monday 10", "tomorrow 3") and an hour
  with minutes: 7–11 → morning, 12 → noon hour, 1–6 → afternoon (13:00–18:59).
- A bare hour alone ("3", "9", "12"): both readings (03:00/15:00; 12 → 00:00/12:00) are kept
  when both are plausible for the purpose, and the worker is asked. "any": both today → ask.
  "future": the next 03:00 and the next 15:00 → ask. "past": only readings whose time has
  already come today count: both → ask, one → that one, none → Invalid. A bare 0 or 13–23 is
  that hour. Hours over 23 and minutes over 59 are Invalid.
- Digit runs ("930", "1400") are times only after a day word or weekday ("fri 930" → 09:30 by
  the daytime rule, "fri 1400" → 14:00, "tomorrow 0930" → 09:30), where no year can stand.
  Alone or after a date they look like years: "1400" alone is Invalid with a hint to write
  "14:00"; "3 dec 1400" is the year 1400 (a long way off).
- Parts of the day. With a part, an hour 1–11 without am/pm is morning for "morning" and
  afternoon/evening otherwise ("friday afternoon 2" → 14:00, "evening 7" → 19:00); the time
  must lie in the part (morning 00:00–11:59, afternoon 12:00–17:59, evening and night
  17:00–23:59), else Invalid ("15:00 isn't in the morning."). A part without an hour is Invalid
  with an example ("Which time in the morning? Add the hour, like “tomorrow morning 9”."):
  it names no time, and a date-only answer would be logged at 00:00 by a visit.
- Ordinal days ("the 15th"): the month is chosen like the year of a date without one —
  "future" → this month's if today or later, else the next month that has that day (31st,
  30 Feb); "past" → the most recent; "any" → the nearer (a tie is asked). When scheduling, a
  day that passed lately this month (within 7 days: "the 3rd" on the 6th) is asked — "The 3rd
  has passed this month. Do you mean Sun 3 Jan 2027?" — not assumed.
- "next week": Ambiguous "Which day next week? Tap one below." with its seven days (Monday
  to Sunday of the week after this one) as options, at the time if one is given ("next week
  10"); "next week tue 10" is that day. It names the future ("past" → Invalid).
- A dotted "1.12" alone could be 1 December or a time: when both readings are possible (and
  fit the purpose) the worker is asked; "14.00" (no month 0) is a time, "12.3." (trailing
  dot) is a date, "12.30" is 12:30 for DMY and asked for MDY (30 Dec?). After a date,
  "tomorrow 12.30" is a time.
- A time alone means today at that time, except: "future" and the time has already passed
  today → tomorrow (the next time the clock shows it); "past" and the time hasn't come yet
  today → Invalid ("15:00 hasn't come yet today. If you mean yesterday, type “yesterday
  15:00”.") — moving a day the worker never mentioned backwards is a guess; moving it forward
  for an appointment is what "at 9" means in the evening. The current minute counts as both
  "already come" and "still ahead" (so "14:00" typed at 14:00:30 is today).
- "midnight" after a date is the end of that day ("fri midnight" → Saturday 00:00). Alone it
  is the coming midnight for "future", the last one (today 00:00) for "past", and for "any" the
  worker is asked. "00:00"/"12am" is the start of the named day.
- "tonight" alone is today without a time (has_time False: the caller asks for the time; we
  don't invent 19:00). With a time, an hour 1–11 without am/pm is evening ("tonight 8:30" →
  20:30) and the result must be 17:00–23:59 ("tonight midnight" → the end of today); else
  Invalid.
- Weekdays. "next fri": the first Friday after today (1–7 days ahead; on a Friday, a week
  ahead) — but when that Friday is still in this Monday–Sunday week, or is tomorrow ("next
  monday" on a Sunday), it may mean that one or the one a week later, so both are offered:
  "Mon 7 Dec or Mon 14 Dec?". "last fri": the last Friday before today (1–7 days back). "this
  fri": the Friday of the current Monday–Sunday week (may be past or future). A bare "fri":
  "future" → the next Friday; on a Friday, today only if a time is given and it is still
  ahead, otherwise a week ahead (who says "fri" on a Friday without a time means next week).
  "past" → the most recent Friday, today included (on a Friday with a time that hasn't come
  yet: last week's). "any" → today if it is Friday, otherwise ask: last Friday or next Friday.
- Dates without a year: "future" → this year if the date is today or later, else next year;
  "past" → this year if the date is today or earlier, else last year; "any" → the nearest of
  last, this and next year (within ±6 months; an exact tie is asked). The time of day never
  moves a date to another year ("3/12 9:00" on 3 Dec at 10:00 is today, in the past). 29/2
  without a year takes the year chosen as above and is Invalid if that year has no 29 Feb.
- Two-digit years are 20YY. Years more than 10 years from now are Invalid (a typo guard);
  `years_back` / `years_ahead` let a caller move it (a date of birth is decades back). A
  day that doesn't exist is an Invalid with `no_such_day` set, so a dialog may say it in
  its own words.
- A weekday written before a date ("fri 4 dec") must agree with it, else Invalid ("4 Dec 2026
  is a Friday, not a Monday."); this also catches a label read back in the wrong year.
- Impossible dates say what is wrong and give an example in the organisation's order: "There
  is no 31 February. Try e.g. “28/2 14:00”." "5/13" in a DMY organisation: "There is no month
  13. Dates are written day/month here, like “13/5”."
- "in 3 days", "2 weeks ago", "in 3 months": calendar days/months in the zone, date only
  (has_time False; the caller asks for a time); a time may follow ("in 3 days 10:00"). Months
  use dateutil's relativedelta (31 Jan + 1 month = 28/29 Feb). "in 2 hours", "30 min ago":
  exact durations in UTC, not wall-clock arithmetic, and keep now's seconds.
- "now"/"right now"/"just now" are `now` exactly (in_past False).
- Purpose. Words that name the past ("yesterday", "day before yesterday", "last fri",
  "… ago", "just now") are Invalid for "future"; words that name the future ("tomorrow",
  "day after tomorrow", "next fri", "in …") are Invalid for "past". Otherwise, for "future", a
  moment in the past is returned with in_past True (the caller asks "schedule anyway?"); for
  "past", anything that hasn't happened yet is Invalid (nothing can be logged in advance).
- Date only results (has_time False): `local` is the start of that day (00:00, or the first
  minute that exists if midnight falls into a daylight-saving gap) and `in_past` means "the
  day is before today" — a date-only "today" is not in the past.
- Daylight saving. A time that doesn't exist (spring forward) is Invalid and suggests the
  same instant on the new clock ("02:30" → "03:30"). A time that happens twice (fall back) is
  asked, with both UTC instants as options; `format_choice` adds the zone abbreviation to such
  labels ("Sun 25 Oct 02:30 CEST" / "… CET") so the two buttons differ.
- Options of an `Ambiguous` are sorted earliest first, 2–3 of them (one to confirm a date
  rolled into next month or year; seven for "next week"), and their `format_choice` labels
  always differ.
- Texts longer than 100 characters are Invalid without being read. Only ASCII digits count.
- Arguments: a naive `now`, an unknown order or purpose raise ValueError (a programming
  error, not the worker's).
- Note for callers: Python never considers an aware datetime in a fall-back fold equal to one
  in another zone (PEP 495), so compare `Parsed.moment`, not `Parsed.local`.

Helpers: `format_choice(parsed, *, now=None)` → "Fri 4 Dec 09:30" (with `now`, the year is
added when it isn't now's year); `quick_days(now, zone, count=7)` → the next seven days, from
today while 18:00 is still ahead, else from tomorrow; `quick_times()` → 08:00 … 18:00 hourly
(11 buttons);
`combine(day, at, zone, *, now)` → a button-built day and time with the same daylight-saving
rules (gap → Invalid, fold → Ambiguous); `now` is required because `in_past` needs it.
`read_clock(text)` / `read_hours(text)` → a time / a span ("7pm to 7:30am", "22-7") of a
daily routine (settings), by the same time reader, as written on a 24-hour clock; a span's
start typed 1–12 without am/pm comes back as both readings, to be asked.
- Not understood (Invalid with examples): a part of the day without an hour, "last week",
  "end of month", ranges, time zones or UTC offsets in the text, numbers written as words
  (except "a", "an", "one", and hours and minutes in a clock phrase), words two slips away.

Languages. `parse_when`, `read_clock`, `read_hours`, `combine` and `format_choice` take
`language` ("en", "es", "de", "fr"; None: the reader's, `ui.i18n.current_language()`; any
other code reads English). The reader's reasons and questions are marked for translation
(ui.i18n) and come in that language, their examples in its words; `format_choice` names the
weekday and month by Babel's locale data ("vie 4 dic 09:30", "Fr. 4. Dez. 09:30", "ven. 4 déc.
09:30"; English keeps "Fri 4 Dec 09:30"), and a label reads back in its language. Each language
has its own tables (ui/dates/lang_es.py, lang_de.py, lang_fr.py), our own rather than a
library's (dateparser and the like guess; we need to know each word's readings to ask, not
guess): its words are rewritten into the grammar above (ui/dates/languages.py), so every
decision above — the daytime rule, the purpose, the year and month of a date, "next" in this
week asked, bare hours asked, daylight saving — is the same in every language. Accents are
optional ("manana", "ubermorgen", "apres-demain", "decembre"); a dot after an abbreviated
word is dropped ("vie.", "Fr.", "déc."). Slips are read as in English against the language's
own day, month and part words ("viernse", "Freitga", "vendedi"); one slip from two is asked
("jubio": junio or julio; "Jumi": Juni or Juli; "mari": mardi or mars). Only the language's
words are read: "tomorrow" in Spanish is not understood, nor "mañana" in English. Numeric and
ISO dates, "H:MM", "Hh"/"HhMM" and "am"/"pm" (es, fr) are read as in English; the date order
is the caller's `order`, whatever the language.

Español:
    day words: hoy · mañana · pasado mañana · ayer · anteayer/antier/antes de ayer · esta
        noche (= tonight); "esta mañana"/"esta tarde" = this morning/afternoon
    weekdays: lunes lun · martes mar · miércoles mié · jueves jue · viernes vie · sábado sáb
        · domingo dom; "el" is ignored. próximo/próxima X, X próximo, X que viene → next;
        X pasado, pasado X, último X → last; este/esta X, X de esta semana → this; "la semana
        que viene"/"la próxima semana" (and "X de la semana que viene") → next week
    dates: "3 de diciembre [de 2026]", "3 dic", "1ro de enero"; "el 15", "el día 15" = the
        15th. Months: enero ene · febrero feb · marzo mar · abril abr · mayo may · junio jun
        · julio jul · agosto ago · septiembre/setiembre sept sep set · octubre oct ·
        noviembre nov · diciembre dic. "mar" after a day number is March, else Tuesday.
    parts: por/de/en/a la mañana, madrugada → morning; (de la) tarde → afternoon; (de la)
        noche → night: "a las 3 de la tarde" → 15:00, "a las 10 de la noche" → 22:00.
    mañana: tomorrow, except after "por la", "de la", "en la", "a la" or "esta" where it is
        the morning: "mañana 9" and "mañana a las 9" are tomorrow 09:00, "a las 9 de la
        mañana" today 09:00, "mañana por la mañana 9" tomorrow 09:00; "por la mañana" alone
        names no hour (Invalid, with the typed words and "9" as the example).
    times: "a las 9:30" (the daytime rule), "a las 3" (a bare hour: asked), "15h", "15 hs",
        "a las 15 horas" (24-hour, as written), mediodía, medianoche, "las tres y media",
        "4 menos cuarto" (3:45), "3 y 10" → daytime rule.
    durations: en/dentro de N unidad · hace N unidad (minuto(s) min m · hora(s) h hs · día(s)
        · semana(s) · mes(es)); N: digits, un/una/uno; "en media hora"
    instants: ahora · ahora mismo · justo ahora/recién/hace un momento (= just now)
Deutsch:
    day words: heute · morgen · übermorgen · gestern · vorgestern · heute Abend/heute Nacht
        (= tonight)
    weekdays: Montag Mo · Dienstag Di · Mittwoch Mi · Donnerstag Do · Freitag Fr · Samstag
        Sonnabend Sa · Sonntag So ("am" is ignored); nächsten/kommenden X → next; letzten/
        vergangenen/vorigen X → last; diesen X → this; "nächste Woche" → next week, "X
        nächste Woche" that day. Compounds: "Freitagabend", "Montagmorgen".
    dates: "3. Dezember [2026]", "3. Dez.", "3.12." (numeric); "am 15." = the 15th. Months:
        Januar Jan Jänner · Februar Feb · März Mär Mrz · April Apr · Mai · Juni Jun · Juli Jul
        · August Aug · September Sep Sept · Oktober Okt · November Nov · Dezember Dez
    parts: morgens, früh, vormittags → morning; nachmittags → afternoon; abends → evening;
        nachts → night; "3 Uhr nachmittags" → 15:00 (Uhr next to a part is on its dial).
    morgen/Morgen: "morgen" is tomorrow; after heute, gestern, morgen, "am" or a weekday
        it is the morning: "heute Morgen 9" today 09:00, "morgen früh 9" and "morgen Morgen
        9" tomorrow 09:00, "Montag Morgen 8"/"Montagmorgen 8" Monday 08:00; "morgens" is
        always the morning.
    times: "15 Uhr", "15:30 Uhr", "15.30 Uhr", "15 Uhr 30" are 24-hour as written ("3 Uhr" is
        03:00); a bare "9:30" follows the daytime rule; "um 3" is asked. Clock phrases: "halb
        drei" = 2:30 (half BEFORE the hour), "Viertel nach 3" = 3:15, "Viertel vor 3" and
        "dreiviertel 3" = 2:45, "10 nach 9", "10 vor 9"; then the daytime rule (halb drei →
        14:30). Mittag(s) = noon, Mitternacht.
    durations: in N Einheit · vor N Einheit (Minute(n) Min m · Stunde(n) Std h · Tag(e)(n) ·
        Woche(n) · Monat(e)(n)); N: digits, ein/eine/einer/einem; "in einer halben Stunde"
    instants: jetzt · sofort · gerade eben/eben/soeben (= just now)
Français:
    day words: aujourd'hui · demain · après-demain · hier · avant-hier · ce soir (= tonight);
        "ce matin"/"cet après-midi" = this morning/afternoon
    weekdays: lundi lun · mardi mar · mercredi mer · jeudi jeu · vendredi ven · samedi sam ·
        dimanche dim; X prochain, prochain X → next; X dernier → last; ce X → this; "la
        semaine prochaine" → next week, "X de la semaine prochaine" that day
    dates: "3 décembre [2026]", "3 déc.", "1er janvier"; "le 15" = the 15th. Months: janvier
        janv · février févr · mars · avril avr · mai · juin · juillet juil · août · septembre
        sept · octobre oct · novembre nov · décembre déc
    parts: (du) matin → morning; (de l')après-midi, aprem → afternoon; (du) soir → evening;
        (la) nuit → night: "demain matin 9h" → 09:00, "3h de l'après-midi" → 15:00.
    times: "15h", "15h30", "15 h 30", "15 heures" are 24-hour as written ("3h" is 03:00); a
        bare "9:30" follows the daytime rule; "à 3" is asked. midi, minuit, "midi et demie",
        "3h et quart", "3h et demie", "4h moins le quart" (3h45), "4h moins 10".
    durations: dans N unité · il y a N unité (minute(s) min mn m · heure(s) h · jour(s) j ·
        semaine(s) · mois); N: digits, un/une; "dans une demi-heure"
    instants: maintenant · tout de suite · à l'instant (= just now)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ui import i18n
from ui.dates.deciding import _gap, _one_or_ask, _parsed
from ui.dates.reading import (
    _phrases,
    _read_date_and_time,
    _read_duration,
    _read_instant,
    _routine_span,
    _routine_time,
)
from ui.dates.words import (
    EMPTY,
    MAX_LENGTH,
    MAX_YEARS_AWAY,
    TOO_LONG,
    Ambiguous,
    DateOrder,
    Invalid,
    Parsed,
    Purpose,
    _Ctx,
    _instants,
    _Time,
    format_choice,
    reading_language,
)

__all__ = [
    "Ambiguous",
    "DateOrder",
    "Hours",
    "Invalid",
    "MAX_YEARS_AWAY",
    "Parsed",
    "Purpose",
    "combine",
    "format_choice",
    "parse_when",
    "quick_days",
    "quick_times",
    "read_clock",
    "read_hours",
]

# --- public API ------------------------------------------------------------------------------


def parse_when(
    text: str,
    *,
    now: datetime,
    zone: ZoneInfo,
    order: DateOrder = "DMY",
    purpose: Purpose = "any",
    years_back: int = MAX_YEARS_AWAY,
    years_ahead: int = MAX_YEARS_AWAY,
    language: str | None = None,
) -> Parsed | Ambiguous | Invalid:
    """Read `text` typed by a worker in `zone`. See the module docstring for the grammar.
    `years_back` / `years_ahead`: how far a typed year may be (the typo guard; a date of
    birth passes more, a dialog with its own limit may read a little beyond it to say so).
    `language`: whose words are read and in which language the reasons and questions are
    ("en", "es", "de", "fr"; None: the reader's, `ui.i18n.current_language()`; any other:
    English words)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("parse_when needs an aware `now`")
    if order not in ("DMY", "MDY"):
        raise ValueError(f"unknown date order {order!r}")
    if purpose not in ("past", "future", "any"):
        raise ValueError(f"unknown purpose {purpose!r}")
    code = reading_language(language)
    with _speaking(language):
        if len(text) > MAX_LENGTH:
            return Invalid(i18n.gettext(TOO_LONG))
        spellings, asked = _phrases(text, code)
        if not spellings:
            return Invalid(i18n.gettext(EMPTY))
        ctx = _Ctx(
            now=now.astimezone(UTC),
            zone=zone,
            order=order,
            purpose=purpose,
            years_back=years_back,
            years_ahead=years_ahead,
            language=code,
            typed=" ".join(text.split()),
        )
        if not asked:
            return _read_phrase(spellings[0], ctx)
        # A word one slip from two words: never a guess between them, whatever makes sense.
        results = [_read_phrase(spelling, ctx) for spelling in spellings]
        options: list[Parsed] = []
        for result in results:
            if not isinstance(result, Invalid):
                options.extend([result] if isinstance(result, Parsed) else result.options)
        if not options:
            return results[0]
        unique = sorted(
            {(o.moment, o.has_time): o for o in options}.values(), key=lambda o: o.moment
        )
        words = [word.capitalize() for word in asked]
        return Ambiguous(
            i18n.t("Did you mean {words} or {last}?", words=", ".join(words[:-1]), last=words[-1]),
            unique,
        )


@contextmanager
def _speaking(language: str | None) -> Iterator[None]:
    """Reasons and questions in `language` when one is given, else in the reader's."""
    with nullcontext() if language is None else i18n.speaking(language):
        yield


def _read_phrase(phrase: str, ctx: _Ctx) -> Parsed | Ambiguous | Invalid:
    for family in (_read_instant, _read_duration):
        result = family(phrase, ctx)
        if result is not None:
            return result
    return _read_date_and_time(phrase, ctx)


@dataclass(frozen=True)
class Hours:
    """A daily span of wall-clock times (quiet hours); `end` before `start` crosses midnight."""

    start: time
    end: time


def read_clock(text: str, *, language: str | None = None) -> time | None:
    """One time of a daily routine (start of day, digest time): "7:30", "07:30", "7pm",
    "19h", "1900", "noon", "half past seven" — the same time reader as `parse_when`, but as
    written on a 24-hour clock: a routine has no moment for the daytime rule to judge ("6:30"
    is 06:30, "7" is 07:00). None when it isn't a time. `language` as for `parse_when`
    ("19 Uhr", "halb acht", "7h30", "las 7")."""
    code = reading_language(language)
    at = _routine_time(text, code) if len(text) <= MAX_LENGTH else None
    return None if at is None else _as_written(at)


def read_hours(text: str, *, language: str | None = None) -> Hours | list[Hours] | None:
    """A daily span typed "A-B", "A to B" or "A until B" (quiet hours): "21:00-07:00",
    "7pm to 7:30am", "19:00 - 07:30", "22-7", "10pm-6am". Times are read as `read_clock`
    reads them, with one exception, never guessed: a start typed 1–12 without am/pm or a
    leading zero ("10-6") may be the evening or the morning (or midnight or noon), so both
    spans come back, the night's first (22:00, 00:00), for the caller to ask. None when it
    isn't a span. `language` as for `parse_when` ("22 bis 7 Uhr", "de 22h à 7h", "22 a 7")."""
    code = reading_language(language)
    span = _routine_span(text, code) if len(text) <= MAX_LENGTH else None
    if span is None:
        return None
    start, end = span
    hours = Hours(_as_written(start), _as_written(end))
    if start.kind in ("clock", "bare") and 1 <= start.hour <= 12:
        night = time((start.hour + 12) % 24, start.minute)  # 10 → 22:00, 12 → 00:00
        return [Hours(night, hours.end), hours]
    return hours


def _as_written(at: _Time) -> time:
    return time(0) if at.kind == "midnight" else time(at.hour, at.minute)


def quick_days(now: datetime, zone: ZoneInfo, count: int = 7) -> list[date]:
    """Days for the day buttons: the next `count` days, every weekday (a visit on a Saturday
    is a visit), from today while the last quick time (18:00) is still ahead, else from
    tomorrow. So on any day the buttons reach a week ahead."""
    local = now.astimezone(zone)
    first = local.date()
    if local.time() >= quick_times()[-1]:
        first += timedelta(days=1)
    return [first + timedelta(days=offset) for offset in range(max(count, 0))]


def quick_times() -> list[time]:
    """Times for buttons: every full hour of the working day, 08:00 to 18:00 (11 buttons)."""
    return [time(hour) for hour in range(8, 19)]


def combine(
    day: date, at: time, zone: ZoneInfo, *, now: datetime, language: str | None = None
) -> Parsed | Ambiguous | Invalid:
    """A day and a time picked with buttons, read in `zone` with the same daylight-saving rules
    as `parse_when`: a time that doesn't exist is Invalid, a time that happens twice is asked.
    `now` is needed for `in_past`. The purpose is the caller's business (check `in_past`).
    `language`: of the reason or question (None: the reader's)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("combine needs an aware `now`")
    ctx = _Ctx(now=now.astimezone(UTC), zone=zone, order="DMY", purpose="any")
    clock = at.replace(tzinfo=None, fold=0)
    with _speaking(language):
        instants = _instants(day, clock, zone)
        if not instants:
            return _gap(day, clock, ctx)
        return _one_or_ask([_parsed(moment, ctx) for moment in instants])
