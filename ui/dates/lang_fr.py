"""French words for the date reader (see ui/dates/__init__.py, "Français").

"15h", "9h30", "15 heures" are 24-hour times as written; next to a part of the day they are
read on that part's dial ("3h de l'après-midi" = 15:00, "demain matin 9h" = 09:00).
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
    duration,
    known_words,
    rule,
    slip_table,
    word_table,
    words_rule,
)

_WEEKDAYS = word_table(
    {
        "MONDAY": ("lundi", "lun"),
        "TUESDAY": ("mardi", "mar"),
        "WEDNESDAY": ("mercredi", "mer"),
        "THURSDAY": ("jeudi", "jeu"),
        "FRIDAY": ("vendredi", "ven"),
        "SATURDAY": ("samedi", "sam"),
        "SUNDAY": ("dimanche", "dim"),
    }
)
_MONTHS = word_table(
    {
        "JANUARY": ("janvier", "janv", "jan"),
        "FEBRUARY": ("fevrier", "fevr", "fev"),
        "MARCH": ("mars",),
        "APRIL": ("avril", "avr"),
        "MAY": ("mai",),
        "JUNE": ("juin",),
        "JULY": ("juillet", "juil"),
        "AUGUST": ("aout",),
        "SEPTEMBER": ("septembre", "sept", "sep"),
        "OCTOBER": ("octobre", "oct"),
        "NOVEMBER": ("novembre", "nov"),
        "DECEMBER": ("decembre", "dec"),
    }
)
_UNITS = word_table(
    {
        "MINUTES": ("minute", "minutes", "min", "mn", "m"),
        "HOURS": ("heure", "heures", "h"),
        "DAYS": ("jour", "jours", "j"),
        "WEEKS": ("semaine", "semaines", "sem"),
        "MONTHS": ("mois",),
    }
)
_ONE = ("un", "une")
_FILLER = (
    *("a", "au", "le", "la", "les", "l", "du", "de", "des", "d", "vers", "pour", "ce"),
    *("heures", "heure"),
)

_N = r"(?P<n>\d{1,3}|un|une)"
_UNIT = rf"(?P<unit>{alternation(_UNITS)})"
_HOUR = r"(?P<hour>\d{1,2}) ?h(?:eures?)?"


def _before(m: re.Match[str], minutes: int) -> str:
    """ "3h moins le quart" → 2h45 (a 24-hour time, as "3h" is)."""
    hour = (int(m["hour"]) - 1) % 24
    return f"{hour}h{60 - minutes:02}"


def _day_month(m: re.Match[str]) -> str:
    year = f" {m['year']}" if m["year"] else ""
    return f"{m['day']} {_MONTHS[m['month']]}{year}"


LANGUAGE = Language(
    code="fr",
    rewrites=[
        # apostrophes: "aujourd'hui" is a word, "l'après-midi" two
        rule(r"\baujourd ?'? ?hui\b", "TODAY"),
        rule(r"\b([ldj]|qu)'", r"\1 "),
        # instants
        rule(r"^(?:maintenant|tout de suite)$", "NOW"),
        rule(r"^(?:a l instant|juste maintenant)$", "JUST NOW"),
        # durations: "dans 2 heures", "il y a 2 heures", "dans une demi-heure"
        rule(r"\bdans une? demi[- ]?heure\b", "IN HALF AN HOUR"),
        rule(r"\bil y a une? demi[- ]?heure\b", "HALF AN HOUR AGO"),
        rule(rf"\bdans {_N} ?{_UNIT}\b", duration(_UNITS, _ONE, ahead=True)),
        rule(rf"\bil y a {_N} ?{_UNIT}\b", duration(_UNITS, _ONE, ahead=False)),
        # clock phrases: "3h et quart", "3h et demie", "3h moins le quart", "midi et demi"
        rule(r"\bmidi et demie?\b", "12h30"),
        rule(r"\bminuit et demie?\b", "0h30"),
        rule(rf"\b{_HOUR} et quart\b", r"\1h15"),
        rule(rf"\b{_HOUR} et demie?\b", r"\1h30"),
        rule(rf"\b{_HOUR} moins (?:le )?quart\b", lambda m: _before(m, 15)),
        rule(
            rf"\b{_HOUR} moins (?P<minute>\d{{1,2}})\b",
            lambda m: _before(m, int(m["minute"])) if int(m["minute"]) < 60 else m[0],
        ),
        # 24-hour forms: "15h", "15 h 30", "15 heures", "15 heures 30"
        rule(r"\b(\d{1,2}) ?(?:h|heures?)(?: ?(\d\d))?\b", lambda m: f"{m[1]}h{m[2] or ''}"),
        # days and parts: "après-demain", "ce matin", "demain soir", "de l'après-midi"
        rule(r"\bapres[- ]?demain\b", "DAY AFTER TOMORROW"),
        rule(r"\bavant[- ]?hier\b", "DAY BEFORE YESTERDAY"),
        rule(r"\bce matin\b", "THIS MORNING"),
        rule(r"\bcet apres[- ]?midi\b", "THIS AFTERNOON"),
        rule(r"\bce soir\b", "TONIGHT"),
        rule(r"\b(?:(?:du|le|au) )?matin\b", "MORNING"),
        rule(r"\b(?:(?:de l|l|cet) )?(?:apres[- ]?midi|aprem)\b", "AFTERNOON"),
        rule(r"\b(?:(?:du|le|au) )?soir\b", "EVENING"),
        rule(r"\b(?:(?:de la|la|dans la) )?nuit\b", "NIGHT"),
        rule(r"(?<![\w-])midi\b", "NOON"),
        rule(r"\bminuit\b", "MIDNIGHT"),
        rule(r"\bdemain\b", "TOMORROW"),
        rule(r"\bhier\b", "YESTERDAY"),
        # dates with a month: "3 décembre", "1er janvier 2027", "le 3 déc."
        rule(
            rf"\b(?P<day>\d{{1,2}})(?:er|e|eme)? (?P<month>{alternation(_MONTHS)})"
            r"(?: (?P<year>\d{4}))?\b",
            _day_month,
        ),
        # weeks and weekdays: "la semaine prochaine", "lundi prochain", "lundi dernier"
        words_rule(_WEEKDAYS),
        rule(rf"\b({WEEKDAY_WORD}) (?:de )?(?:la )?semaine prochaine\b", r"\1 NEXT WEEK"),
        rule(r"\b(?:la )?semaine prochaine\b", "NEXT WEEK"),
        rule(rf"\b({WEEKDAY_WORD}) prochain\b", r"NEXT \1"),
        rule(rf"\bprochain ({WEEKDAY_WORD})\b", r"NEXT \1"),
        rule(rf"\b({WEEKDAY_WORD}) dernier\b", r"LAST \1"),
        rule(rf"\bce ({WEEKDAY_WORD})\b", r"THIS \1"),
        # "le 15", "le 1er": a day of a month not named
        rule(rf"\ble (\d{{1,2}})(?:er)?(?![\d:./h-])(?! (?:{MONTH_WORD})\b)", r"\1TH"),
        rule(r"\b(am|pm)\b", lambda m: m[1].upper()),
        rule(rf"\b(?:{alternation(_FILLER)})\b", " "),
    ],
    known=known_words(
        _WEEKDAYS,
        _MONTHS,
        _UNITS,
        _FILLER,
        _ONE,
        "aujourd hui maintenant tout suite instant juste dans il y demi demie et quart".split(),
        "moins midi minuit apres demain avant hier cet matin soir nuit aprem prochain".split(),
        "prochaine semaine dernier er eme am pm qu".split(),
    ),
    slips=(
        _slips := slip_table(
            [
                *(word for word in _WEEKDAYS if len(word) > 3),
                *"janvier fevrier mars avril juin juillet aout septembre octobre".split(),
                *"novembre decembre demain hier matin soir nuit".split(),
            ]
        )
    )[0],
    slip_order=_slips[1],
    span=re.compile(r"\b(?:a|jusqu ?'? ?a)\b"),
)
assert all(meaning in WEEKDAYS for meaning in _WEEKDAYS.values())
assert all(meaning in MONTHS for meaning in _MONTHS.values())
