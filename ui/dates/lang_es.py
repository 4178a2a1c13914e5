"""Spanish words for the date reader (see ui/dates/__init__.py, "Español").

"mañana" is both tomorrow and the morning: after "por la", "de la", "en la", "a la" or "esta"
it is the morning; anywhere else (alone, before a time, before "por la mañana") it is
tomorrow. So "mañana 9" is tomorrow at 9, "a las 9 de la mañana" today at 9, "mañana por la
mañana 9" tomorrow at 9 in the morning.
"""

from __future__ import annotations

import re

from ui.dates.languages import (
    MONTH_WORD,
    MONTHS,
    WEEKDAY_WORD,
    WEEKDAYS,
    Language,
    alternation,
    clock,
    duration,
    known_words,
    rule,
    slip_table,
    word_table,
    words_rule,
)

_WEEKDAYS = word_table(
    {
        "MONDAY": ("lunes", "lun", "lu"),
        "TUESDAY": ("martes", "mar", "ma"),
        "WEDNESDAY": ("miercoles", "mie", "mi", "mx"),
        "THURSDAY": ("jueves", "jue", "ju"),
        "FRIDAY": ("viernes", "vie", "vi"),
        "SATURDAY": ("sabado", "sab", "sa"),
        "SUNDAY": ("domingo", "dom", "do"),
    }
)
_MONTHS = word_table(
    {
        "JANUARY": ("enero", "ene"),
        "FEBRUARY": ("febrero", "feb"),
        "MARCH": ("marzo", "mar"),
        "APRIL": ("abril", "abr"),
        "MAY": ("mayo", "may"),
        "JUNE": ("junio", "jun"),
        "JULY": ("julio", "jul"),
        "AUGUST": ("agosto", "ago"),
        "SEPTEMBER": ("septiembre", "setiembre", "sept", "sep", "set"),
        "OCTOBER": ("octubre", "oct"),
        "NOVEMBER": ("noviembre", "nov"),
        "DECEMBER": ("diciembre", "dic"),
    }
)
_UNITS = word_table(
    {
        "MINUTES": ("minuto", "minutos", "min", "mins", "m"),
        "HOURS": ("hora", "horas", "h", "hs", "hr", "hrs"),
        "DAYS": ("dia", "dias", "d"),
        "WEEKS": ("semana", "semanas", "sem"),
        "MONTHS": ("mes", "meses"),
    }
)
_ONE = ("un", "una", "uno")
_HOURS = {
    word: number
    for number, word in enumerate(
        "una dos tres cuatro cinco seis siete ocho nueve diez once doce".split(), 1
    )
} | {"uno": 1}
_MINUTES = {"cinco": 5, "diez": 10, "veinte": 20, "veinticinco": 25, "cuarto": 15, "media": 30}
_FILLER = ("el", "la", "las", "los", "lo", "a", "al", "de", "del", "en", "para", "sobre", "dia")

_N = r"(?P<n>\d{1,3}|un|una|uno)"
_UNIT = rf"(?P<unit>{alternation(_UNITS)})"
_HOUR = rf"(?P<hour>\d{{1,2}}|{alternation(_HOURS)})"
_MINUTE = rf"(?P<minute>\d{{1,2}}|{alternation(_MINUTES)})"


def _clock_phrase(m: re.Match[str]) -> str:
    """ "las 3 y media" → 3:30, "4 menos cuarto" → 3:45, "tres y diez" → 3:10."""
    hour = int(m["hour"]) if m["hour"].isdecimal() else _HOURS[m["hour"]]
    minute = int(m["minute"]) if m["minute"].isdecimal() else _MINUTES[m["minute"]]
    if minute > 59:
        return m[0]
    return clock(hour, minute, before=m["way"] == "menos")


def _hour_word(m: re.Match[str]) -> str:
    return str(_HOURS[m["hour"]])


def _day_month(m: re.Match[str]) -> str:
    year = f" {m['year']}" if m["year"] else ""
    return f"{m['day']} {_MONTHS[m['month']]}{year}"


LANGUAGE = Language(
    code="es",
    rewrites=[
        # instants
        rule(r"^(?:ahora mismo|ya mismo)$", "RIGHT NOW"),
        rule(r"^ahora$", "NOW"),
        rule(r"^(?:hace un momento|hace un rato|recien|justo ahora)$", "JUST NOW"),
        # durations: "en 2 horas", "dentro de 2 horas", "hace 2 horas", "en media hora"
        rule(r"\b(?:en|dentro de) media hora\b", "IN HALF AN HOUR"),
        rule(r"\bhace media hora\b", "HALF AN HOUR AGO"),
        rule(rf"\b(?:en|dentro de) {_N} ?{_UNIT}\b", duration(_UNITS, _ONE, ahead=True)),
        rule(rf"\bhace {_N} ?{_UNIT}\b", duration(_UNITS, _ONE, ahead=False)),
        # clock phrases and hours in words: "las tres y media", "a las 4 menos cuarto"
        rule(rf"\b{_HOUR} (?P<way>y|menos) {_MINUTE}\b", _clock_phrase),
        rule(rf"\blas? (?P<hour>{alternation(_HOURS)})\b", _hour_word),
        rule(r"\bmediodia\b", "NOON"),
        rule(r"\bmedianoche\b", "MIDNIGHT"),
        # 24-hour forms: "15h", "15 h", "15:00 hs", "a las 15 horas"
        rule(r"\b(\d{1,2})(?::(\d\d))? ?(?:h|hs|horas?)\b", lambda m: f"{m[1]}h{m[2] or ''}"),
        # parts of the day; "mañana" after "por la", "esta"… is the morning, else tomorrow
        rule(r"\besta manana\b", "THIS MORNING"),
        rule(r"\besta tarde\b", "THIS AFTERNOON"),
        rule(r"\besta noche\b", "TONIGHT"),
        rule(r"\b(?:por|de|en|a) la manana\b", "MORNING"),
        rule(r"\b(?:(?:por|de|en|a) la )?tarde\b", "AFTERNOON"),
        rule(r"\b(?:(?:por|de|en|a) la )?noche\b", "NIGHT"),
        rule(r"\b(?:(?:por|de|en|a) la )?madrugada\b", "MORNING"),
        # day words
        rule(r"\bpasado manana\b", "DAY AFTER TOMORROW"),
        rule(r"\b(?:anteayer|antier|antes de ayer)\b", "DAY BEFORE YESTERDAY"),
        rule(r"\bmanana\b", "TOMORROW"),
        rule(r"\bhoy\b", "TODAY"),
        rule(r"\bayer\b", "YESTERDAY"),
        # dates with a month: "3 de diciembre", "3 dic 2026", "1ro de enero de 2027"
        rule(
            rf"\b(?P<day>\d{{1,2}})(?:o|ro)? (?:de )?(?P<month>{alternation(_MONTHS)})"
            r"(?: (?:de |del )?(?P<year>\d{4}))?\b",
            _day_month,
        ),
        # weeks and weekdays: "la semana que viene", "el lunes que viene", "próximo lunes"
        words_rule(_WEEKDAYS),
        rule(
            rf"\b({WEEKDAY_WORD}) (?:de )?(?:la )?(?:semana que viene|proxima semana"
            r"|semana proxima)\b",
            r"\1 NEXT WEEK",
        ),
        rule(r"\b(?:la )?(?:semana que viene|proxima semana|semana proxima)\b", "NEXT WEEK"),
        rule(rf"\b(?:proximo|proxima) ({WEEKDAY_WORD})\b", r"NEXT \1"),
        rule(rf"\b({WEEKDAY_WORD}) (?:proximo|proxima|que viene)\b", r"NEXT \1"),
        rule(rf"\b(?:pasado|ultimo) ({WEEKDAY_WORD})\b", r"LAST \1"),
        rule(rf"\b({WEEKDAY_WORD}) (?:pasado|ultimo)\b", r"LAST \1"),
        rule(rf"\b(?:este|esta) ({WEEKDAY_WORD})\b", r"THIS \1"),
        rule(rf"\b({WEEKDAY_WORD}) de esta semana\b", r"THIS \1"),
        # "el 15", "el día 15": a day of a month not named
        rule(
            rf"\bel (?:dia )?(\d{{1,2}})(?![\d:./h-])(?! (?:{MONTH_WORD})\b)",
            r"\1TH",
        ),
        rule(r"\b(am|pm)\b", lambda m: m[1].upper()),
        rule(rf"\b(?:{alternation(_FILLER)})\b", " "),
    ],
    known=known_words(
        _WEEKDAYS,
        _MONTHS,
        _UNITS,
        _HOURS,
        _MINUTES,
        _FILLER,
        "ahora mismo ya recien justo hace momento rato dentro media y menos mediodia".split(),
        "medianoche esta este manana tarde noche madrugada pasado anteayer antier antes".split(),
        "hoy ayer semana que viene proximo proxima ultimo por o ro am pm".split(),
    ),
    slips=(
        _slips := slip_table(
            [
                *(word for word in _WEEKDAYS if len(word) > 3),
                *"enero febrero marzo abril mayo junio julio agosto septiembre setiembre".split(),
                *"octubre noviembre diciembre".split(),
                "manana",
                "ayer",
                "tarde",
                "noche",
                "madrugada",
            ]
        )
    )[0],
    slip_order=_slips[1],
    span=re.compile(r"\b(?:a|hasta)\b"),
)
# Months and weekdays in calendar order for the question ("¿Junio o Julio?").
assert all(meaning in WEEKDAYS for meaning in _WEEKDAYS.values())
assert all(meaning in MONTHS for meaning in _MONTHS.values())
