"""Retention rules: how long a client's record is kept, per client status.

CASELINE_RETENTION="discharged:keep=10y,anonymise=10y;on_hold:anonymise=12y" gives each
status a minimum keep period (erasure is refused inside it unless overridden with a
reason) and an anonymise-after period (`caseline retention run` anonymises a client past
it). Periods are counted from the client's last activity: the latest of its discharge,
its last contact and its last change (`anchor`), so a discharged client's ten years start
on the day of discharge and a client touched again starts over. A status with no rule is
kept until someone erases it; nothing is anonymised automatically without a rule.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.kinds import ClientStatus
from storage.models import Client

PERIOD = re.compile(r"^(\d{1,4})([ymd])$")
UNITS = {"y": "years", "m": "months", "d": "days"}


class RetentionRuleError(ValueError):
    """The rule text is wrong; the message says where, in one line."""


@dataclass(frozen=True, slots=True)
class Period:
    count: int
    unit: str  # "y", "m" or "d"

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def after(self, moment: datetime) -> datetime:
        """`moment` plus this period (a 29 February lands on the 28th in a short year)."""
        if self.unit == "d":
            return moment + timedelta(days=self.count)
        months = self.count * (12 if self.unit == "y" else 1)
        month_index = moment.month - 1 + months
        year, month = moment.year + month_index // 12, month_index % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True, slots=True)
class RetentionRule:
    status: str
    keep: Period | None
    anonymise: Period | None

    def __str__(self) -> str:
        parts = [f"keep={self.keep}" if self.keep else "", ""]
        if self.anonymise:
            parts[1] = f"anonymise={self.anonymise}"
        return f"{self.status}:{','.join(part for part in parts if part)}"

    @property
    def anonymise_text(self) -> str:
        """What an anonymised client's `anonymised_rule` says: "discharged:anonymise=10y"."""
        return f"{self.status}:anonymise={self.anonymise}"


def _period(text: str, where: str) -> Period:
    found = PERIOD.match(text.strip())
    if found is None:
        raise RetentionRuleError(
            f"{where}: {text.strip()!r} is not a period: write e.g. 10y, 18m or 90d"
        )
    return Period(int(found[1]), found[2])


def parse_rules(text: str) -> tuple[RetentionRule, ...]:
    """`status:keep=10y,anonymise=10y;status:…`; RetentionRuleError says what is wrong."""
    rules: dict[str, RetentionRule] = {}
    for part in (part.strip() for part in text.split(";")):
        if not part:
            continue
        status, colon, settings = part.partition(":")
        status = status.strip().lower()
        if status not in set(ClientStatus):
            raise RetentionRuleError(
                f"{status!r} is not a client status: use one of {', '.join(ClientStatus)}"
            )
        if not colon or not settings.strip():
            raise RetentionRuleError(f"{status}: say keep=… and/or anonymise=… after the colon")
        if status in rules:
            raise RetentionRuleError(f"{status} has two rules: give each status one")
        periods: dict[str, Period] = {}
        for setting in settings.split(","):
            key, equals, value = setting.partition("=")
            key = key.strip().lower()
            if key not in ("keep", "anonymise") or not equals:
                raise RetentionRuleError(
                    f"{status}: {setting.strip()!r} is not keep=PERIOD or anonymise=PERIOD"
                )
            periods[key] = _period(value, f"{status} {key}")
        rule = RetentionRule(status, periods.get("keep"), periods.get("anonymise"))
        if rule.keep and rule.anonymise and _longer(rule.keep, rule.anonymise):
            raise RetentionRuleError(
                f"{status}: anonymise={rule.anonymise} comes before keep={rule.keep} ends: "
                "anonymise after the keep period, not inside it"
            )
        rules[status] = rule
    return tuple(rules.values())


def _longer(first: Period, second: Period) -> bool:
    probe = datetime(2000, 1, 1)
    return first.after(probe) > second.after(probe)


def anchor(client: Client) -> datetime:
    """Where the periods start: the client's last activity (discharge, contact, change)."""
    moments = [client.discharged_at, client.last_contact_at, client.updated_at, client.created_at]
    return max(moment for moment in moments if moment is not None)


def rule_for(rules: tuple[RetentionRule, ...], client: Client) -> RetentionRule | None:
    return next((rule for rule in rules if rule.status == client.status), None)


def kept_until(rule: RetentionRule | None, client: Client) -> datetime | None:
    """Until when erasing the client is refused (without an override); None: not at all."""
    if rule is None or rule.keep is None:
        return None
    return rule.keep.after(anchor(client))


def anonymise_due(rule: RetentionRule | None, client: Client, now: datetime) -> bool:
    """The client's anonymise-after period is over (and it is not anonymised yet)."""
    if rule is None or rule.anonymise is None or client.anonymised_at is not None:
        return False
    return rule.anonymise.after(anchor(client)) <= now


def describe(rules: tuple[RetentionRule, ...]) -> str:
    """The rules as CASELINE_RETENTION writes them, for the privacy report."""
    return ";".join(str(rule) for rule in rules)
