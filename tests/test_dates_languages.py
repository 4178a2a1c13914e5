"""ui.dates in Spanish, German and French: each language's words, the same rules.

The tables follow tests/test_dates.py (its helpers are reused): text, now, purpose →
"2026-12-04 09:30" (a Parsed), "2026-12-04" (date only), ASK(*options) (an Ambiguous with
these options) or BAD (an Invalid). The wording of reasons and questions is the translators'
(the catalogs), so only the reading is checked here, not the text.
"""

from __future__ import annotations

from datetime import datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_dates import (
    B_DEC30,
    B_FRI,
    B_SUN,
    B_WED,
    BERLIN,
    NY_WED,
    Expected,
    ask,
    bad,
    check,
)
from ui import i18n
from ui.dates import (
    Ambiguous,
    Hours,
    Invalid,
    Parsed,
    format_choice,
    parse_when,
    read_clock,
    read_hours,
)

BAD = bad("")  # any Invalid: its reason is the translators' words


def ASK(*options: str) -> Expected:  # noqa: N802 - reads like the table's other markers
    return ask("", *options)


def case(
    language: str,
    text: str,
    now: datetime,
    expected: Expected,
    *,
    purpose: str = "any",
    order: str = "DMY",
):
    label = f"{language}-{text!r}-{now:%m%d%H%M}-{order}-{purpose}"
    return pytest.param(language, text, now, order, purpose, expected, id=label)


# B_WED: Wednesday 2 Dec 2026 10:00 (Berlin). Mon 30 Nov, Fri 27 Nov … Fri 4 Dec, Mon 7 Dec.

SPANISH = [
    # day words
    case("es", "hoy", B_WED, "2026-12-02"),
    case("es", "mañana", B_WED, "2026-12-03"),
    case("es", "manana", B_WED, "2026-12-03"),  # accents optional
    case("es", "Mañana 15:00", B_WED, "2026-12-03 15:00", purpose="future"),
    case("es", "pasado mañana", B_WED, "2026-12-04"),
    case("es", "pasado manana 10", B_WED, "2026-12-04 10:00"),
    case("es", "ayer", B_WED, "2026-12-01", purpose="past"),
    case("es", "anteayer", B_WED, "2026-11-30"),
    case("es", "hoy 9:30", B_WED, "2026-12-02 09:30"),
    case("es", "hoy a las 3:30", B_WED, "2026-12-02 15:30"),  # the daytime rule
    case("es", "esta noche", B_WED, "2026-12-02"),  # tonight: the caller asks the time
    case("es", "esta noche a las 9", B_WED, "2026-12-02 21:00"),
    # mañana: tomorrow, or the morning after "por la", "de la", "esta"
    case("es", "mañana por la mañana 9", B_WED, "2026-12-03 09:00"),
    case("es", "mañana a las 9 de la mañana", B_WED, "2026-12-03 09:00"),
    case("es", "a las 9 de la mañana", B_WED, "2026-12-02 09:00"),
    case("es", "esta mañana a las 9", B_WED, "2026-12-02 09:00", purpose="past"),
    case("es", "mañana por la mañana", B_WED, BAD),  # a part names no hour
    # parts of the day and 24-hour forms
    case("es", "a las 3 de la tarde", B_WED, "2026-12-02 15:00"),
    case("es", "mañana a las 10 de la noche", B_WED, "2026-12-03 22:00"),
    case("es", "a las 3 de la madrugada", B_WED, "2026-12-02 03:00"),
    case("es", "las 11 de la mañana", B_WED, BAD, purpose="past"),  # not yet today
    case("es", "9 de la tarde", B_WED, BAD),  # 21:00 isn't in the afternoon
    case("es", "mañana 15h", B_WED, "2026-12-03 15:00"),
    case("es", "mañana a las 15 horas", B_WED, "2026-12-03 15:00"),
    case("es", "mañana 9 hs", B_WED, "2026-12-03 09:00"),
    case("es", "mañana al mediodía", B_WED, "2026-12-03 12:00"),
    case("es", "medianoche", B_WED, "2026-12-03 00:00", purpose="future"),
    case("es", "las tres y media", B_WED, "2026-12-02 15:30"),
    case("es", "mañana a las 4 menos cuarto", B_WED, "2026-12-03 15:45"),
    case("es", "a las 3", B_WED, ASK("2026-12-02 03:00", "2026-12-02 15:00")),
    case("es", "a las 3", B_WED, ASK("2026-12-02 15:00", "2026-12-03 03:00"), purpose="future"),
    # weekdays
    case("es", "el viernes a las 9:30", B_WED, "2026-12-04 09:30", purpose="future"),
    case("es", "viernes", B_WED, ASK("2026-11-27", "2026-12-04")),
    case("es", "vie 9:30", B_WED, "2026-11-27 09:30", purpose="past"),
    case("es", "el miércoles", B_WED, "2026-12-02"),
    case("es", "próximo lunes", B_WED, "2026-12-07"),
    case("es", "el lunes que viene", B_WED, "2026-12-07", purpose="future"),
    case("es", "el próximo viernes", B_WED, ASK("2026-12-04", "2026-12-11")),  # this week's?
    case("es", "el lunes que viene", B_SUN, ASK("2026-12-07", "2026-12-14")),  # tomorrow?
    case("es", "el lunes pasado", B_WED, "2026-11-30"),
    case("es", "este viernes", B_WED, "2026-12-04"),
    case("es", "la semana que viene", B_WED, ASK(*[f"2026-12-{d:02}" for d in range(7, 14)])),
    case("es", "el martes de la semana que viene", B_WED, "2026-12-08"),
    # dates
    case("es", "el 15", B_WED, "2026-12-15"),
    case("es", "el día 15 a las 10", B_WED, "2026-12-15 10:00"),
    case("es", "3 de diciembre", B_WED, "2026-12-03"),
    case("es", "3 de diciembre de 2026 a las 10", B_WED, "2026-12-03 10:00"),
    case("es", "1 de enero", B_DEC30, "2027-01-01", purpose="future"),
    case("es", "3 mar", B_WED, "2027-03-03", purpose="future"),  # "mar" after a day: March
    case("es", "vie 4 dic", B_WED, "2026-12-04"),
    case("es", "lun 4 dic", B_WED, BAD),  # 4 Dec 2026 is a Friday
    case("es", "3/12", B_WED, "2026-12-03"),
    case("es", "12/3", B_WED, "2026-12-03", order="MDY"),
    case("es", "31 de febrero", B_WED, BAD),
    # durations and instants
    case("es", "en 2 horas", B_WED, "2026-12-02 12:00", purpose="future"),
    case("es", "dentro de 45 minutos", B_WED, "2026-12-02 10:45"),
    case("es", "en media hora", B_WED, "2026-12-02 10:30"),
    case("es", "hace 2 horas", B_WED, "2026-12-02 08:00", purpose="past"),
    case("es", "hace una hora", B_WED, "2026-12-02 09:00"),
    case("es", "hace 30 min", B_WED, "2026-12-02 09:30"),
    case("es", "en 3 días", B_WED, "2026-12-05"),
    case("es", "hace 2 semanas", B_WED, "2026-11-18"),
    case("es", "ahora", B_WED, "2026-12-02 10:00"),
    case("es", "ahora mismo", B_WED, "2026-12-02 10:00", purpose="past"),
    # the purpose against the words
    case("es", "mañana", B_WED, BAD, purpose="past"),
    case("es", "ayer", B_WED, BAD, purpose="future"),
    case("es", "hace 2 horas", B_WED, BAD, purpose="future"),
    case("es", "en 2 horas", B_WED, BAD, purpose="past"),
    case("es", "el lunes pasado", B_WED, BAD, purpose="future"),
    case("es", "próximo lunes", B_WED, BAD, purpose="past"),
    # slips: one from one word is read, one from two ("jubio": junio or julio) is asked
    case("es", "viernse 10", B_WED, "2026-12-04 10:00", purpose="future"),
    case("es", "3 de diciembe", B_WED, "2026-12-03"),
    case("es", "3 jubio", B_WED, ASK("2026-06-03", "2026-07-03")),
    # not Spanish: English words are not read in Spanish
    case("es", "tomorrow", B_WED, BAD),
    case("es", "naranja", B_WED, BAD),
]

GERMAN = [
    # day words
    case("de", "heute", B_WED, "2026-12-02"),
    case("de", "morgen", B_WED, "2026-12-03"),
    case("de", "Morgen 15 Uhr", B_WED, "2026-12-03 15:00"),
    case("de", "übermorgen", B_WED, "2026-12-04"),
    case("de", "ubermorgen", B_WED, "2026-12-04"),
    case("de", "uebermorgen 10 Uhr", B_WED, "2026-12-04 10:00"),
    case("de", "gestern", B_WED, "2026-12-01", purpose="past"),
    case("de", "vorgestern", B_WED, "2026-11-30"),
    case("de", "heute 9:30", B_WED, "2026-12-02 09:30"),
    case("de", "heute Abend", B_WED, "2026-12-02"),
    case("de", "heute Abend 20 Uhr", B_WED, "2026-12-02 20:00"),
    # morgen: tomorrow; Morgen after heute/gestern/morgen/am, and morgens: the morning
    case("de", "morgen früh 9", B_WED, "2026-12-03 09:00"),
    case("de", "morgen frueh 9", B_WED, "2026-12-03 09:00"),
    case("de", "morgen Morgen um 8", B_WED, "2026-12-03 08:00"),
    case("de", "heute Morgen 9", B_WED, "2026-12-02 09:00", purpose="past"),
    case("de", "gestern Morgen um 9", B_WED, "2026-12-01 09:00"),
    case("de", "morgens 8", B_WED, "2026-12-02 08:00"),
    case("de", "Montagmorgen 8", B_WED, "2026-12-07 08:00", purpose="future"),
    case("de", "Montag Morgen 8", B_WED, "2026-11-30 08:00", purpose="past"),
    case("de", "morgen früh", B_WED, BAD),  # a part names no hour
    # parts of the day and 24-hour forms
    case("de", "morgen Nachmittag 3", B_WED, "2026-12-03 15:00"),
    case("de", "3 Uhr nachmittags", B_WED, "2026-12-02 15:00"),
    case("de", "Freitagabend 7", B_WED, "2026-12-04 19:00", purpose="future"),
    case("de", "morgen 3 Uhr", B_WED, "2026-12-03 03:00"),  # "Uhr": as written, 24-hour
    case("de", "morgen 15:30 Uhr", B_WED, "2026-12-03 15:30"),
    case("de", "morgen 9.30 Uhr", B_WED, "2026-12-03 09:30"),
    case("de", "morgen um 15 Uhr 30", B_WED, "2026-12-03 15:30"),
    case("de", "Mitternacht", B_WED, "2026-12-02 00:00", purpose="past"),
    case("de", "um 3", B_WED, ASK("2026-12-02 03:00", "2026-12-02 15:00")),
    # clock phrases: German half is before the hour
    case("de", "halb drei", B_WED, "2026-12-02 14:30"),
    case("de", "morgen um halb 3", B_WED, "2026-12-03 14:30"),
    case("de", "morgen halb zehn", B_WED, "2026-12-03 09:30"),
    case("de", "Viertel nach 3", B_WED, "2026-12-02 15:15"),
    case("de", "Viertel vor 3", B_WED, "2026-12-02 14:45"),
    case("de", "dreiviertel 3", B_WED, "2026-12-02 14:45"),
    case("de", "morgen 10 nach 9", B_WED, "2026-12-03 09:10"),
    # weekdays
    case("de", "Fr 9:30", B_WED, "2026-12-04 09:30", purpose="future"),
    case("de", "Fr. 9:30", B_WED, ASK("2026-11-27 09:30", "2026-12-04 09:30")),
    case("de", "am Freitag", B_WED, "2026-11-27", purpose="past"),
    case("de", "nächsten Montag", B_WED, "2026-12-07"),
    case("de", "naechsten Montag 10 Uhr", B_WED, "2026-12-07 10:00"),
    case("de", "nächsten Freitag", B_WED, ASK("2026-12-04", "2026-12-11")),  # this week's?
    case("de", "nächsten Montag", B_SUN, ASK("2026-12-07", "2026-12-14")),  # tomorrow?
    case("de", "letzten Freitag", B_WED, "2026-11-27"),
    case("de", "diesen Montag", B_WED, "2026-11-30"),
    case("de", "nächste Woche", B_WED, ASK(*[f"2026-12-{d:02}" for d in range(7, 14)])),
    case("de", "Dienstag nächste Woche", B_WED, "2026-12-08"),
    # dates
    case("de", "am 15.", B_WED, "2026-12-15"),
    case("de", "3. Dezember", B_WED, "2026-12-03"),
    case("de", "3. Dez. 2026 14 Uhr", B_WED, "2026-12-03 14:00"),
    case("de", "3.12.", B_WED, "2026-12-03"),
    case("de", "am 3.12. um 10 Uhr", B_WED, "2026-12-03 10:00"),
    case("de", "1. Januar", B_DEC30, "2027-01-01", purpose="future"),
    case("de", "3. März", B_WED, "2027-03-03", purpose="future"),
    case("de", "3 maerz", B_WED, "2027-03-03", purpose="future"),
    case("de", "Fr. 4. Dez.", B_WED, "2026-12-04"),
    case("de", "Mo 4. Dez.", B_WED, BAD),
    case("de", "31. Februar", B_WED, BAD),
    # durations and instants
    case("de", "in 2 Stunden", B_WED, "2026-12-02 12:00", purpose="future"),
    case("de", "in einer Stunde", B_WED, "2026-12-02 11:00"),
    case("de", "in einer halben Stunde", B_WED, "2026-12-02 10:30"),
    case("de", "vor 2 Stunden", B_WED, "2026-12-02 08:00", purpose="past"),
    case("de", "vor 30 Minuten", B_WED, "2026-12-02 09:30"),
    case("de", "in 3 Tagen", B_WED, "2026-12-05"),
    case("de", "vor 2 Wochen", B_WED, "2026-11-18"),
    case("de", "jetzt", B_WED, "2026-12-02 10:00"),
    case("de", "gerade eben", B_WED, "2026-12-02 10:00", purpose="past"),
    # the purpose against the words
    case("de", "morgen", B_WED, BAD, purpose="past"),
    case("de", "gestern", B_WED, BAD, purpose="future"),
    case("de", "vor 2 Stunden", B_WED, BAD, purpose="future"),
    case("de", "in 2 Stunden", B_WED, BAD, purpose="past"),
    case("de", "letzten Freitag", B_WED, BAD, purpose="future"),
    case("de", "gerade eben", B_WED, BAD, purpose="future"),
    # slips: "Freitga" is read, "3 Jumi" (Juni or Juli) is asked
    case("de", "Freitga 10 Uhr", B_WED, "2026-12-04 10:00", purpose="future"),
    case("de", "3 Dezmber", B_WED, "2026-12-03"),
    case("de", "3 Jumi", B_WED, ASK("2026-06-03", "2026-07-03")),
    case("de", "tomorrow", B_WED, BAD),
]

FRENCH = [
    # day words
    case("fr", "aujourd'hui", B_WED, "2026-12-02"),
    case("fr", "aujourd’hui 9h30", B_WED, "2026-12-02 09:30"),
    case("fr", "aujourdhui 9h30", B_WED, "2026-12-02 09:30"),
    case("fr", "demain", B_WED, "2026-12-03"),
    case("fr", "demain 15h", B_WED, "2026-12-03 15:00", purpose="future"),
    case("fr", "après-demain", B_WED, "2026-12-04"),
    case("fr", "apres-demain", B_WED, "2026-12-04"),
    case("fr", "apres demain 10h", B_WED, "2026-12-04 10:00"),
    case("fr", "hier", B_WED, "2026-12-01", purpose="past"),
    case("fr", "avant-hier", B_WED, "2026-11-30"),
    case("fr", "ce soir", B_WED, "2026-12-02"),
    case("fr", "ce soir 20h", B_WED, "2026-12-02 20:00"),
    # parts of the day and 24-hour forms
    case("fr", "demain matin 9h", B_WED, "2026-12-03 09:00"),
    case("fr", "demain matin", B_WED, BAD),  # a part names no hour
    case("fr", "ce matin 9h", B_WED, "2026-12-02 09:00", purpose="past"),
    case("fr", "3h de l'après-midi", B_WED, "2026-12-02 15:00"),
    case("fr", "demain soir 8h", B_WED, "2026-12-03 20:00"),
    case("fr", "15h30", B_WED, "2026-12-02 15:30"),
    case("fr", "15h", B_WED, "2026-12-02 15:00"),
    case("fr", "15 h 30", B_WED, "2026-12-02 15:30"),
    case("fr", "demain à 15 heures", B_WED, "2026-12-03 15:00"),
    case("fr", "demain 3h", B_WED, "2026-12-03 03:00"),  # "h": as written, 24-hour
    case("fr", "demain 9:30", B_WED, "2026-12-03 09:30"),
    case("fr", "demain 3:30", B_WED, "2026-12-03 15:30"),  # the daytime rule
    case("fr", "demain midi", B_WED, "2026-12-03 12:00"),
    case("fr", "minuit", B_WED, "2026-12-03 00:00", purpose="future"),
    case("fr", "demain 15h et quart", B_WED, "2026-12-03 15:15"),
    case("fr", "demain 16h moins le quart", B_WED, "2026-12-03 15:45"),
    case("fr", "à 3", B_WED, ASK("2026-12-02 03:00", "2026-12-02 15:00")),
    # weekdays
    case("fr", "vendredi 9h30", B_WED, "2026-12-04 09:30", purpose="future"),
    case("fr", "vendredi", B_WED, ASK("2026-11-27", "2026-12-04")),
    case("fr", "ven. 10h", B_WED, "2026-11-27 10:00", purpose="past"),
    case("fr", "lundi prochain", B_WED, "2026-12-07"),
    case("fr", "vendredi prochain", B_WED, ASK("2026-12-04", "2026-12-11")),  # this week's?
    case("fr", "lundi prochain", B_SUN, ASK("2026-12-07", "2026-12-14")),  # tomorrow?
    case("fr", "lundi dernier", B_WED, "2026-11-30"),
    case("fr", "ce vendredi", B_WED, "2026-12-04"),
    case("fr", "la semaine prochaine", B_WED, ASK(*[f"2026-12-{d:02}" for d in range(7, 14)])),
    case("fr", "mardi de la semaine prochaine", B_WED, "2026-12-08"),
    # dates
    case("fr", "le 15", B_WED, "2026-12-15"),
    case("fr", "le 15 à 10h", B_WED, "2026-12-15 10:00"),
    case("fr", "3 décembre", B_WED, "2026-12-03"),
    case("fr", "3 decembre", B_WED, "2026-12-03"),
    case("fr", "le 3 déc. 2026 à 14h", B_WED, "2026-12-03 14:00"),
    case("fr", "1er janvier", B_DEC30, "2027-01-01", purpose="future"),
    case("fr", "ven. 4 déc.", B_WED, "2026-12-04"),
    case("fr", "lun. 4 déc.", B_WED, BAD),
    case("fr", "3/12", B_WED, "2026-12-03"),
    case("fr", "31 février", B_WED, BAD),
    # durations and instants
    case("fr", "dans 2 heures", B_WED, "2026-12-02 12:00", purpose="future"),
    case("fr", "dans 2h", B_WED, "2026-12-02 12:00"),
    case("fr", "dans une demi-heure", B_WED, "2026-12-02 10:30"),
    case("fr", "il y a 2 heures", B_WED, "2026-12-02 08:00", purpose="past"),
    case("fr", "il y a une heure", B_WED, "2026-12-02 09:00"),
    case("fr", "il y a 30 min", B_WED, "2026-12-02 09:30"),
    case("fr", "dans 3 jours", B_WED, "2026-12-05"),
    case("fr", "il y a 2 semaines", B_WED, "2026-11-18"),
    case("fr", "maintenant", B_WED, "2026-12-02 10:00"),
    case("fr", "à l'instant", B_WED, "2026-12-02 10:00", purpose="past"),
    # the purpose against the words
    case("fr", "demain", B_WED, BAD, purpose="past"),
    case("fr", "hier", B_WED, BAD, purpose="future"),
    case("fr", "il y a 2 heures", B_WED, BAD, purpose="future"),
    case("fr", "dans 2 heures", B_WED, BAD, purpose="past"),
    case("fr", "lundi dernier", B_WED, BAD, purpose="future"),
    case("fr", "lundi prochain", B_WED, BAD, purpose="past"),
    # slips: "vendedi" is read, "mari" (mardi or mars) is asked
    case("fr", "vendedi 10h", B_WED, "2026-12-04 10:00", purpose="future"),
    case("fr", "3 decembr", B_WED, "2026-12-03"),
    case("fr", "3 mari", B_WED, ASK("2027-03-03")),  # only "3 mars" makes a date: still asked
    case("fr", "mari 10h", B_WED, ASK("2026-12-01 10:00", "2026-12-08 10:00")),
    case("fr", "tomorrow", B_WED, BAD),
]


@pytest.mark.parametrize(
    ("language", "text", "now", "order", "purpose", "expected"), SPANISH + GERMAN + FRENCH
)
def test_parse_when_in_other_languages(language, text, now, order, purpose, expected):
    result = parse_when(text, now=now, zone=BERLIN, order=order, purpose=purpose, language=language)
    check(result, now, BERLIN, expected)


@pytest.mark.parametrize(
    ("language", "text"),
    [("es", "3 jubio"), ("de", "3 Jumi"), ("fr", "mari 10h"), ("en", "munday")],
)
def test_a_word_one_slip_from_two_names_both_in_the_question(language, text):
    result = parse_when(text, now=B_WED, zone=BERLIN, language=language)
    assert isinstance(result, Ambiguous)
    words = {"es": ("Junio", "Julio"), "de": ("Juni", "Juli"), "fr": ("Mardi", "Mars")}
    for word in words.get(language, ("Monday", "Sunday")):
        assert word in result.question


def test_other_languages_are_not_read_in_english():
    for text in ("mañana 15:00", "morgen 15 Uhr", "demain 15h"):
        assert isinstance(parse_when(text, now=B_WED, zone=BERLIN, language="en"), Invalid)


def test_the_language_is_the_readers_unless_given():
    with i18n.speaking("de"):
        result = parse_when("morgen 15 Uhr", now=B_WED, zone=BERLIN)
        assert isinstance(result, Parsed) and result.local.hour == 15
        assert read_clock("halb acht") == time(7, 30)
        english = parse_when("tomorrow 3pm", now=B_WED, zone=BERLIN, language="en")
        assert isinstance(english, Parsed)
    # A language the reader has no words for reads English.
    assert isinstance(parse_when("tomorrow 3pm", now=B_WED, zone=BERLIN, language="pt"), Parsed)


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", "Fri 4 Dec 09:30"),
        ("es", "vie 4 dic 09:30"),
        ("de", "Fr. 4. Dez. 09:30"),
        ("fr", "ven. 4 déc. 09:30"),
    ],
)
def test_format_choice_names_the_day_in_the_language(language, label):
    result = parse_when("fri 9:30", now=B_WED, zone=BERLIN, purpose="future", language="en")
    assert isinstance(result, Parsed)
    assert format_choice(result, language=language) == label
    with i18n.speaking(language):
        assert format_choice(result) == label


@pytest.mark.parametrize("language", ["es", "de", "fr"])
@pytest.mark.parametrize(("now", "text"), [(B_WED, "fri 9:30"), (B_DEC30, "3/1 9:30")])
def test_a_button_label_reads_back_in_its_language(language, now, text):
    first = parse_when(text, now=now, zone=BERLIN, purpose="future", language="en")
    assert isinstance(first, Parsed)
    label = format_choice(first, now=now, language=language)
    assert parse_when(label, now=now, zone=BERLIN, language=language) == first


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("es", "7:30", time(7, 30)),
        ("es", "las 7", time(7)),
        ("es", "19 hs", time(19)),
        ("de", "19 Uhr", time(19)),
        ("de", "halb acht", time(7, 30)),
        ("de", "Viertel nach 7", time(7, 15)),
        ("fr", "7h30", time(7, 30)),
        ("fr", "19 heures", time(19)),
        ("fr", "midi", time(12)),
        ("de", "morgen 7", None),
        ("fr", "seven", None),
    ],
)
def test_read_clock_in_other_languages(language, typed, expected):
    assert read_clock(typed, language=language) == expected


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("es", "de 22 a 7", Hours(time(22), time(7))),
        ("es", "22:00 hasta las 7:00", Hours(time(22), time(7))),
        ("de", "22 bis 7 Uhr", Hours(time(22), time(7))),
        ("de", "von 22:00 bis 06:30", Hours(time(22), time(6, 30))),
        ("fr", "de 22h à 7h", Hours(time(22), time(7))),
        ("fr", "22h-7h", Hours(time(22), time(7))),
        ("de", "10 bis 6", [Hours(time(22), time(6)), Hours(time(10), time(6))]),
        ("fr", "tard", None),
    ],
)
def test_read_hours_in_other_languages(language, typed, expected):
    assert read_hours(typed, language=language) == expected


@pytest.mark.parametrize("language", ["es", "de", "fr"])
def test_no_text_makes_the_reader_fail(language):
    @settings(max_examples=300, deadline=None)
    @given(
        text=st.text(max_size=100)
        | st.lists(
            st.sampled_from(
                "mañana manana por la de a las el hoy ayer pasado hace en horas 3 15 9:30 15h "
                "uhr halb drei viertel nach vor morgen früh heute demain il y dans heures h "
                "midi matin soir lundi viernes freitag dezember décembre 3. 12. 1er le am um "
                "- / . : próximo nächsten prochain semaine woche semana jubio mari".split()
            ),
            max_size=8,
        ).map(" ".join)
    )
    def never_raises(text: str) -> None:
        result = parse_when(text, now=NY_WED, zone=BERLIN, language=language)
        assert isinstance(result, Parsed | Ambiguous | Invalid)
        read_clock(text, language=language)
        read_hours(text, language=language)

    never_raises()


def test_a_friday_reads_today_in_every_language():
    for language, text in (("es", "viernes"), ("de", "Freitag"), ("fr", "vendredi")):
        result = parse_when(text, now=B_FRI, zone=BERLIN, language=language)
        assert isinstance(result, Parsed) and result.local.day == 4
