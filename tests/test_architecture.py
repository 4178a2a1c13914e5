"""The house keeps its shape (docs/ARCHITECTURE.md): imports go down the layers only,
dialogs and handlers open no database session and write no audit event (the use cases in
domain/usecases/ do), no module is longer than 800 lines, and nothing reaches into
python-telegram-bot's private modules or methods.

These read the source as text (ast); nothing is imported or run.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "conversations", "ui", "domain", "storage", "devserver")
# What each top-level package may import of ours: only down the layers.
ALLOWED = {
    "storage": {"storage"},
    "domain": {"domain", "storage"},
    "ui": {"ui", "domain", "storage"},
    "conversations": {"conversations", "ui", "domain", "storage"},
    "bot": {"bot", "conversations", "ui", "domain", "storage", "devserver"},
    "devserver": {"devserver"},
}
# Where a transaction may be opened and an audit event written.
RECORD_KEEPERS = ("domain", "storage")
# The Telegram shell's own plumbing: the inbox stores fetched updates before they are
# confirmed, the gate claims update ids and audits strangers, the
# persistence writes dialog state, the log of sent messages writes their ids (outside any
# handler's transaction), housekeeping prunes, the reminder engine plans, claims
# and renders outbox rows, the demo seeds its database, the operator's CLI commands
# (`caseline admin create`, `resources import` …) run on the server with no actor,
# `caseline doctor` reads how the machinery is doing, the scheduler process wires the
# reminder engine, and /healthz and /metrics read the last tick and the outbox's backlog.
# Each is infrastructure, not a dialog or a one-step handler.
SHELL = (
    "bot/app.py",
    "bot/gate.py",
    "bot/inbox.py",
    "bot/persistence.py",
    "bot/sent_messages.py",
    "bot/housekeeping.py",
    "bot/cli.py",
    "bot/cli_doctor.py",
    "bot/resource_import.py",
    "bot/scheduler.py",
    "bot/health_server.py",
    "bot/reminders/",
    "bot/demo/",
)
LINE_LIMIT = 800
SESSION_CALLS = {"session", "transaction"}
AUDIT_CALLS = {"record", "record_client", "refused"}


def _sources(*packages: str) -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


@cache
def _tree(path: str) -> ast.Module:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)


def _imports(path: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", _sources(*PACKAGES))
def test_imports_go_down_the_layers(path):
    package = path.split("/")[0]
    ours = {name.split(".")[0] for name in _imports(path)} & set(PACKAGES)
    assert ours <= ALLOWED[package], f"{path} imports {sorted(ours - ALLOWED[package])}"


@pytest.mark.parametrize("path", _sources("domain", "storage"))
def test_the_record_keepers_know_no_telegram(path):
    tops = {name.split(".")[0] for name in _imports(path)}
    assert "telegram" not in tops, path


def _handler_modules() -> list[str]:
    return [
        path
        for path in _sources("bot", "conversations", "ui")
        if not path.startswith(SHELL) and not path.endswith("__init__.py")
    ]


@pytest.mark.parametrize("path", _handler_modules())
def test_dialogs_and_handlers_open_no_session_and_write_no_audit_event(path):
    calls = {
        node.func.attr
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not calls & SESSION_CALLS, f"{path} opens a transaction itself"
    imported = _imports(path)
    assert "storage.audit" not in imported and "storage.db" not in imported, path
    assert not calls & AUDIT_CALLS or "storage.audit" not in imported, path
    assert not any(name.startswith("sqlalchemy") for name in imported), path


@pytest.mark.parametrize("path", _sources(*PACKAGES))
def test_no_module_is_longer_than_800_lines(path):
    lines = (ROOT / path).read_text(encoding="utf-8").count("\n")
    assert lines <= LINE_LIMIT, f"{path} has {lines} lines"


@pytest.mark.parametrize("path", _sources(*PACKAGES))
def test_no_private_python_telegram_bot_api(path):
    private = [
        name
        for name in _imports(path)
        if name.startswith("telegram") and any(part.startswith("_") for part in name.split("."))
    ]
    assert not private, f"{path} imports {private}"
    reached = {
        node.attr
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Attribute) and node.attr in {"_update_state", "_get_key"}
    }
    assert not reached, f"{path} uses {sorted(reached)}"
