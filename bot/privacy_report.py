"""`caseline privacy report`: the record of processing (GDPR art. 30) as Markdown for the
data-protection officer, written from the declarations of storage/personal_data.py and
the configured retention rules, never from prose kept elsewhere."""

from __future__ import annotations

from domain.rules.retention import RetentionRule
from domain.settings import Settings
from storage.personal_data import CATEGORY_MEANING, TABLES, TELEGRAM, Category, Erase

TITLE = "# Caseline: record of processing"
MODES = ("standard", "strict")
# How the nightly dumps of deploy/caseline-backup age: counted, not dated (docs/DEPLOY.md).
BACKUPS = (
    "Nightly `pg_dump` files in `/var/backups/caseline` (deploy/caseline-backup), the "
    "newest `CASELINE_BACKUP_KEEP` (14) kept and older ones deleted: an anonymised or "
    "erased client is gone from every dump on the machine that many nights later. Copies "
    "taken off the machine age by the backup host's own rotation, which must be no longer "
    "than the organisation's erasure promise (say it in docs/DATA-PROTECTION.md's terms). "
    "A restored dump brings erased clients back: run `caseline retention run` after a "
    "restore, and repeat any erasure made since the dump (the audit trail lists them, "
    "action `client.anonymised`)."
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _retention(rules: tuple[RetentionRule, ...]) -> list[str]:
    if not rules:
        return [
            "No retention rule is configured (`CASELINE_RETENTION` is empty): records are "
            "kept until erased with `caseline erase`; nothing is anonymised by itself."
        ]
    lines = ["| Client status | Kept at least | Anonymised after |", "|---|---|---|"]
    for rule in rules:
        keep = str(rule.keep) if rule.keep else "no minimum"
        after = str(rule.anonymise) if rule.anonymise else "never by itself"
        lines.append(f"| {rule.status} | {keep} | {after} |")
    lines.append("")
    lines.append(
        "Periods count from the client's last activity: the latest of discharge, last "
        "contact and last change. Statuses not listed are kept until erased."
    )
    return lines


def _tables() -> list[str]:
    lines = [
        "| Table | Purpose | Personal data (category) | Erased on anonymisation |",
        "|---|---|---|---|",
    ]
    for name, table in TABLES.items():
        if not table.personal:
            continue
        columns = ", ".join(
            f"`{column}` ({category})" for column, category in table.personal.items()
        )
        erase = {
            Erase.COLUMNS: "columns erased, row kept",
            Erase.ROWS: "rows deleted",
            Erase.SCRUB: "the client's parts erased",
            Erase.NEVER: "no (not one client's)",
        }[table.erase]
        lines.append(f"| `{name}` | {_cell(table.purpose)} | {columns} | {erase} |")
    return lines


def _recipients(mode: str) -> list[str]:
    lines = [
        f"### Telegram, in `{mode}` mode",
        "",
        "| Category | What reaches Telegram |",
        "|---|---|",
    ]
    for category in Category:
        reaches = TELEGRAM[category]
        lines.append(f"| {category} | {_cell(getattr(reaches, mode))} |")
    return lines


def render(settings: Settings) -> str:
    """The whole report, Markdown."""
    lines = [
        TITLE,
        "",
        f"Privacy mode configured: `{settings.privacy}` (`CASELINE_PRIVACY`).",
        "",
        "## Categories of personal data",
        "",
        *(f"- **{category}**: {CATEGORY_MEANING[category]}" for category in Category),
        "",
        "## Tables, purposes and personal data",
        "",
        *_tables(),
        "",
        "Tables with no personal column (ids, codes, dates and counts only):",
        "",
        *(f"- `{name}`: {table.purpose}" for name, table in TABLES.items() if not table.personal),
        "",
        "## Recipients",
        "",
        "Telegram carries every message between the bot and its users: what the bot sends "
        "and what workers send it sits on Telegram's servers. Telegram is no processor "
        "under an agreement with the organisation. No other recipient receives data from "
        "Caseline; exports are files an authorised person asks for.",
        "",
    ]
    for mode in MODES:
        lines += [*_recipients(mode), ""]
    lines += [
        "## Retention",
        "",
        *_retention(settings.retention),
        "",
        "## Storage",
        "",
        f"The database (`CASELINE_DATABASE_URL`, {_backend(settings.database_url)}).",
        "",
        "### Backups",
        "",
        BACKUPS,
        "",
    ]
    return "\n".join(lines)


def _backend(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"
