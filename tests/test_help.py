"""`caseline --help` as a new user reads it: every command and option says what it is for,
and the epilog lists every environment variable the code reads — the same ones as the
README's Configuration table (bot/env_vars.py is the one list)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

from bot.cli import build_parser
from bot.env_vars import ENV_VARS, NAMES, help_epilog

ROOT = Path(__file__).resolve().parent.parent
READ_IN = ("bot", "storage", "domain", "ui", "conversations")
THE_LIST = ROOT / "bot" / "env_vars.py"
NAME = re.compile(r"[\"'](CASELINE_[A-Z0-9_]+)[\"']")
# Listed before the code that reads them is merged (other branches add them to
# domain/settings.py). Once one is read, this test says to take it out of here.


def _parsers(
    parser: argparse.ArgumentParser, path: str = "caseline"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, f"{path} {name}")


def test_every_command_and_option_says_what_it_is_for():
    missing = []
    for path, parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                missing += [
                    f"{path} {choice.dest}" for choice in action._choices_actions if not choice.help
                ]
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    assert missing == [], "give each a help= text"


def _names_read() -> set[str]:
    found: set[str] = set()
    for package in READ_IN:
        for path in (ROOT / package).rglob("*.py"):
            if path == THE_LIST:
                continue
            found.update(NAME.findall(path.read_text(encoding="utf-8")))
    return found


def _readme_table() -> set[str]:
    """The CASELINE_ names in the first column of the README's Configuration table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `CASELINE_")]
    return {name for row in rows for name in re.findall(r"CASELINE_[A-Z0-9_]+", row.split("|")[1])}


def test_every_variable_read_is_listed_in_the_help_and_the_readme():
    read = _names_read()
    assert read - NAMES == set(), "add it to bot/env_vars.py and the README's table"
    assert NAMES - read == set(), "listed but read nowhere: take it out"
    assert _readme_table() == NAMES
    assert len(NAMES) == len(ENV_VARS)


def test_the_help_ends_with_every_variable_and_its_default(capsys):
    epilog = help_epilog()
    for variable in ENV_VARS:
        assert f"  {variable.name} [{variable.default}]\n" in epilog
    try:
        build_parser().parse_args(["--help"])
    except SystemExit:
        pass
    shown = capsys.readouterr().out
    assert "environment variables [default]:" in shown
    assert "  CASELINE_DATABASE_URL [sqlite:///./caseline.db]\n      sqlite:///FILE" in shown
