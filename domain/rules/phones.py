"""A phone number in international form: "+49 30 1234567".

A number is read by the intake's reader first (conversations/intake_steps.read_phone:
digits, spaces and + - ( ) . / only); this rule only writes it the one way it is kept.
"""

from __future__ import annotations

import re

SEPARATORS = re.compile(r"[()./\-\s]+")


def international(phone: str, country_code: str | None) -> str | None:
    """`phone` as "+<country> <rest>", its separators as single spaces. A number that
    starts with + or 00 keeps its own country; one without gets `country_code` (its
    leading trunk 0 dropped: "030 1234567" in 49 is "+49 30 1234567"). None when it has
    no country and none is configured: the worker is asked to add the +."""
    spaced = " ".join(part for part in SEPARATORS.split(phone.strip()) if part)
    if spaced.startswith("+"):
        rest = spaced[1:].strip()
    elif spaced.startswith("00"):
        rest = spaced[2:].strip()
    elif country_code is None:
        return None
    else:
        national = spaced[1:].strip() if spaced.startswith("0") else spaced
        rest = f"{country_code} {national}"
    if not rest or "+" in rest or not rest[0].isdecimal():
        return None
    return "+" + rest
