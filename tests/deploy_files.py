"""What deploy/ ships, read the way systemd and nginx read it, for the tests that run it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
#: Where docs/DEPLOY.md installs Caseline, and the backup script.
INSTALLED_CASELINE = "/opt/caseline/venv/bin/caseline"
INSTALLED_BACKUP = "/usr/local/sbin/caseline-backup"
SITE = DEPLOY / "nginx" / "caseline.conf"
LOCATIONS = DEPLOY / "nginx" / "caseline-locations.conf"
ENV_EXAMPLE = DEPLOY / "caseline.env.example"


def units() -> list[Path]:
    return sorted([*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")])


def unit_settings(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each section's `Key=value` lines in order (keys may repeat, as SystemCallFilter=)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
        else:
            key, _, value = line.partition("=")
            current.append((key.strip(), value.strip()))
    return sections


def exec_start(path: Path) -> list[str]:
    [command] = [v for k, v in unit_settings(path)["Service"] if k == "ExecStart"]
    return shlex.split(command)


def caseline_args(path: Path) -> list[str]:
    """`caseline run --no-scheduler` → ["run", "--no-scheduler"]."""
    program, *args = exec_start(path)
    assert program == INSTALLED_CASELINE, f"{path.name} does not run {INSTALLED_CASELINE}"
    return args


def env_example() -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    return {key.strip(): value.strip() for key, value in pairs}


def webhook_path() -> str:
    """The path Telegram's POSTs are proxied at: caseline-locations.conf's exact location."""
    [path] = re.findall(r"^location = (/\S*) \{", LOCATIONS.read_text(), re.MULTILINE)
    return path


def upstream_address(name: str = "caseline_webhook") -> str:
    """The address of caseline.conf's upstream `name` (the webhook's, or caseline_webapp)."""
    [address] = re.findall(rf"^upstream {name} \{{\s*server (\S+);", SITE.read_text(), re.MULTILINE)
    return address


def replace_once(text: str, old: str, new: str) -> str:
    """A substitution the shipped file must allow exactly once, or the render is stale."""
    assert text.count(old) == 1, f"expected {old!r} once in the shipped file"
    return text.replace(old, new)
