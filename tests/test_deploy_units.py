"""The systemd units in deploy/ start what exists, and systemd accepts them.

Always: each unit's `caseline …` is a command and options this `caseline` has, the backup
script is there, the bot's and the scheduler's units are hardened alike, and the example
env file is settings `caseline` accepts, pointing at the path and port nginx proxies.
Where `systemd-analyze` is installed (not required, even in CI): `verify` finds nothing
to say about the units, and `security` rates their exposure low.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bot.cli import build_parser, main
from domain.settings import load_settings
from tests.deploy_files import (
    DEPLOY,
    INSTALLED_BACKUP,
    INSTALLED_CASELINE,
    caseline_args,
    env_example,
    exec_start,
    unit_settings,
    units,
    upstream_address,
    webhook_path,
)

SERVICES = [path for path in units() if path.suffix == ".service"]
CASELINE_UNITS = [path for path in SERVICES if exec_start(path)[0] == INSTALLED_CASELINE]
# Read by deploy/caseline-backup, not by `caseline`.
BACKUP_SETTINGS = {"CASELINE_BACKUP_DIR", "CASELINE_BACKUP_KEEP"}


def test_deploy_ships_the_bot_the_scheduler_and_a_nightly_backup():
    assert [path.name for path in units()] == [
        "caseline-backup.service",
        "caseline-backup.timer",
        "caseline-scheduler.service",
        "caseline.service",
    ]
    # The bot leaves reminders to the scheduler: both run, and reminders go out once.
    # Each serves /healthz and /metrics on a port of its own: one env file would give both
    # the same CASELINE_METRICS_PORT, and the second would not start.
    assert caseline_args(DEPLOY / "caseline.service") == [
        "run",
        "--no-scheduler",
        "--metrics-port",
        "9464",
    ]
    assert caseline_args(DEPLOY / "caseline-scheduler.service") == [
        "scheduler",
        "--metrics-port",
        "9465",
    ]


def test_the_installed_command_is_the_caseline_entry_point():
    [script] = entry_points(group="console_scripts", name="caseline")
    assert script.value == "bot.cli:main"
    assert Path(INSTALLED_CASELINE).name == script.name


@pytest.mark.parametrize("unit", CASELINE_UNITS, ids=lambda path: path.name)
def test_each_unit_runs_a_caseline_command_with_options_it_has(unit):
    subcommand, *options = caseline_args(unit)
    help_text = io.StringIO()
    with contextlib.redirect_stdout(help_text), pytest.raises(SystemExit) as exit_:
        main([subcommand, "--help"])
    assert exit_.value.code == 0
    for option in (word for word in options if word.startswith("-")):
        assert option in help_text.getvalue().split(), f"`caseline {subcommand}` has no {option}"
    # What the options are given is theirs to take: the real parser reads the line.
    build_parser().parse_args([subcommand, *options])


def test_the_backup_unit_runs_the_shipped_script():
    assert exec_start(DEPLOY / "caseline-backup.service") == [INSTALLED_BACKUP]
    script = DEPLOY / Path(INSTALLED_BACKUP).name
    assert script.read_text().startswith("#!/bin/sh\n")
    assert script.stat().st_mode & 0o111, f"{script} is not executable"


def test_the_bot_and_the_scheduler_are_confined_alike():
    """Their [Service] sections differ only in what they run: a hardening option added to
    one and forgotten in the other would be a hole no one sees."""
    bot, scheduler = (
        [line for line in unit_settings(DEPLOY / name)["Service"] if line[0] != "ExecStart"]
        for name in ("caseline.service", "caseline-scheduler.service")
    )
    assert bot == scheduler


def test_every_service_reads_the_env_file_and_runs_as_caseline():
    for unit in SERVICES:
        service = dict(unit_settings(unit)["Service"])
        assert service["EnvironmentFile"] == "/etc/caseline/caseline.env", unit.name
        assert (service["User"], service["Group"]) == ("caseline", "caseline"), unit.name
        assert service["CapabilityBoundingSet"] == "", unit.name


def test_the_example_env_file_is_settings_caseline_accepts():
    env = env_example()
    settings = load_settings({k: v for k, v in env.items() if k not in BACKUP_SETTINGS})
    assert settings.bot_token and settings.webhook_url and settings.webhook_secret
    assert settings.database_url.startswith("postgresql://")
    # Telegram's POSTs arrive at the path nginx proxies, on the port it proxies them to.
    assert urlparse(settings.webhook_url).path == webhook_path()
    assert f"{settings.webhook_listen}:{settings.webhook_port}" == upstream_address()


@pytest.fixture
def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        pytest.skip("no systemd-analyze here (apt-get install systemd)")
    return found


def installed_here(folder: Path) -> list[Path]:
    """The units with their programs where this checkout has them: `verify` checks that
    ExecStart's program exists."""
    caseline = Path(sys.executable).parent / "caseline"  # pip install -e . puts it there
    assert caseline.exists(), f"no {caseline}: pip install -e ."
    rendered = []
    for unit in units():
        text = unit.read_text().replace(INSTALLED_CASELINE, str(caseline))
        text = text.replace(INSTALLED_BACKUP, str(DEPLOY / Path(INSTALLED_BACKUP).name))
        (folder / unit.name).write_text(text)
        rendered.append(folder / unit.name)
    return rendered


def test_systemd_analyze_verify_finds_nothing_to_say(systemd_analyze, tmp_path):
    rendered = installed_here(tmp_path)
    result = subprocess.run(
        [systemd_analyze, "verify", "--man=no", *(path.name for path in rendered)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    # An unknown or misspelt key is only a warning: any output at all fails the test.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("unit", SERVICES, ids=lambda path: path.name)
def test_systemd_rates_each_service_exposure_low(systemd_analyze, unit, tmp_path):
    """`systemd-analyze security` scores 0 (confined) to 10 (not at all); they ship at 1.4."""
    [rendered] = [path for path in installed_here(tmp_path) if path.name == unit.name]
    result = subprocess.run(
        [systemd_analyze, "security", "--offline=yes", "--threshold=20", rendered.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
