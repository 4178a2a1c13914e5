"""The client record keeps to the layers (docs: DESIGN.md "Architecture"): its chat
handlers and dialogs open no database session and write no audit event — the use cases
in domain/usecases/ do — and no module imports upwards (conversations → bot, domain →
ui/conversations/bot/telegram)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The record's handlers, dialogs and views: they read input, call one use case, render.
HANDLERS = (
    "bot/record.py",
    "bot/export.py",
    "bot/commands.py",
    "conversations/newclient.py",
    "conversations/discharge.py",
    "ui/client_card.py",
)
USE_CASES = (
    "domain/usecases/clients.py",
    "domain/usecases/exports.py",
    "domain/usecases/invites.py",
    "domain/rules/roles.py",
)


def _tree(path: str) -> ast.Module:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)


def _imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", HANDLERS)
def test_the_records_handlers_open_no_session_and_write_no_audit_event(path):
    tree = _tree(path)
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    forbidden = {"session", "transaction", "record", "record_client", "refused", "look", "refuse"}
    assert not calls & forbidden, path
    imported = _imported(tree)
    assert not {"storage.audit", "storage.db"} & imported, path
    assert not any(name.startswith("sqlalchemy") for name in imported), path


@pytest.mark.parametrize("path", [p for p in HANDLERS if p.startswith(("conversations/", "ui/"))])
def test_dialogs_and_views_do_not_import_the_telegram_shell(path):
    assert not any(name.split(".")[0] == "bot" for name in _imported(_tree(path))), path


@pytest.mark.parametrize("path", USE_CASES)
def test_use_cases_import_only_the_domain_and_storage(path):
    tops = {name.split(".")[0] for name in _imported(_tree(path))}
    assert not tops & {"bot", "conversations", "ui", "telegram", "devserver"}, path
