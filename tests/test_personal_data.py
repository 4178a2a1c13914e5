"""Issue 23, personal data declared once: every table and every text, string or JSON
column is declared personal (with its category) or not, in storage/personal_data.py, so a
new column cannot be forgotten by the anonymiser or the record of processing; and
`caseline privacy report` is written from those declarations."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, String, Text

from bot import cli, privacy_report
from domain.clock import FixedClock
from domain.settings import load_settings
from storage.models import Base
from storage.personal_data import TABLES, TELEGRAM, Category, Erase


def _holds_words(column) -> bool:
    kind = getattr(column.type, "impl", column.type)
    return isinstance(kind, String | Text | JSON)


def test_every_table_and_every_text_column_is_declared():
    tables = Base.metadata.tables
    assert set(TABLES) == set(tables), "declare the table in storage/personal_data.py"
    forgotten = []
    for name, table in tables.items():
        declared = TABLES[name]
        both = set(declared.personal) & declared.not_personal
        assert not both, f"{name}: {both} declared personal and not"
        for column in (*declared.personal, *declared.not_personal):
            assert column in table.c, f"{name}.{column} is declared but does not exist"
        for column in table.c:
            if _holds_words(column) and column.name not in declared.personal:
                if column.name not in declared.not_personal:
                    forgotten.append(f"{name}.{column.name}")
    assert forgotten == [], "declare these personal or not in storage/personal_data.py"


def test_every_client_table_reaches_the_client_and_every_category_crosses_telegram_declared():
    for name, table in TABLES.items():
        if table.erase in (Erase.COLUMNS, Erase.ROWS):
            assert table.reach is not None, name
            if table.reach.via is not None:
                assert table.reach.via in TABLES and TABLES[table.reach.via].reach is not None
        if table.erase == Erase.NEVER:
            assert Category.HEALTH_SOCIAL not in table.personal.values(), name
    assert set(TELEGRAM) == set(Category)


def test_the_report_names_every_declared_table_each_mode_and_the_retention():
    settings = load_settings(
        {"CASELINE_RETENTION": "discharged:keep=10y,anonymise=10y;intake:anonymise=2y"}
    )
    report = privacy_report.render(settings)
    assert report.startswith(privacy_report.TITLE)
    for name, table in TABLES.items():
        assert f"`{name}`" in report, name
        for column in table.personal:
            assert f"`{column}`" in report
    assert "### Telegram, in `standard` mode" in report
    assert "### Telegram, in `strict` mode" in report
    for category in Category:
        assert TELEGRAM[category].strict in report and TELEGRAM[category].standard in report
    assert "| discharged | 10y | 10y |" in report and "| intake | no minimum | 2y |" in report
    assert "CASELINE_BACKUP_KEEP" in report
    bare = privacy_report.render(load_settings({}))
    assert "No retention rule is configured" in bare


def test_the_report_at_the_shell(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("CASELINE_DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setenv("CASELINE_PRIVACY", "strict")
    monkeypatch.setenv("CASELINE_WEBAPP_URL", "https://caseline.example.org/app")
    monkeypatch.setattr(cli.logging_setup, "configure", lambda **_: None)
    code = cli.main(["privacy", "report"], clock=FixedClock(datetime(2026, 3, 2, tzinfo=UTC)))
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.startswith(privacy_report.TITLE) and "Privacy mode configured: `strict`" in out
    assert not (tmp_path / "c.db").exists()  # the report needs no database
