"""Schema management through Alembic: the only way the schema is made outside tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from storage.db import create_private, sqlite_file, tighten_private

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would choke on a % in a password.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Create or upgrade the schema. Blocking: call it from a thread inside async code.

    A SQLite database is created 0600, and one found readable by others is tightened."""
    path = sqlite_file(url)
    create_private(path)
    tighten_private(path)
    command.upgrade(alembic_config(url), revision)


def current_head() -> str | None:
    return _scripts().get_current_head()


def known_revisions() -> frozenset[str]:
    """Every revision this code can upgrade from or to."""
    return frozenset(script.revision for script in _scripts().walk_revisions())


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))
