"""Settings as an operator types them: every on/off setting is read by one parser."""

from __future__ import annotations

import pytest

from domain.settings import ConfigError, load_settings


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("1", True),
        ("true", True),
        ("True", True),
        (" YES ", True),
        ("on", True),
        ("On", True),
        ("0", False),
        ("false", False),
        ("FALSE", False),
        ("no", False),
        (" off", False),
        ("", False),
    ],
)
def test_private_previews_accepts_the_usual_spellings(typed, meant):
    settings = load_settings({"CASELINE_PRIVATE_PREVIEWS": typed})
    assert settings.private_previews is meant


@pytest.mark.parametrize("typed", ["ture", "2", "y", "enabled", "of"])
def test_anything_else_is_refused_in_one_line_naming_the_variable(typed):
    with pytest.raises(ConfigError) as refused:
        load_settings({"CASELINE_PRIVATE_PREVIEWS": typed})
    message = str(refused.value)
    assert "\n" not in message
    assert "CASELINE_PRIVATE_PREVIEWS" in message
    for spelling in ("1/0", "true/false", "yes/no", "on/off"):
        assert spelling in message


def test_the_sending_budget_is_split_by_what_each_process_sends():
    """Telegram allows 30 messages a second per bot token, for all processes together."""
    settings = load_settings({})
    assert settings.send_rate is None
    assert settings.send_rate_for(answers=True, reminders=True) == 30  # `caseline run`
    bot = settings.send_rate_for(answers=True, reminders=False)  # `caseline run --no-scheduler`
    scheduler = settings.send_rate_for(answers=False, reminders=True)  # `caseline scheduler`
    assert (bot, scheduler) == (20, 10)


def test_caseline_send_rate_sets_this_processs_share():
    settings = load_settings({"CASELINE_SEND_RATE": "5"})  # e.g. one of two schedulers
    for answers, reminders in [(True, True), (True, False), (False, True)]:
        assert settings.send_rate_for(answers=answers, reminders=reminders) == 5


@pytest.mark.parametrize("typed", ["0", "31", "fast", "2.5"])
def test_a_send_rate_telegram_would_refuse_is_refused(typed):
    with pytest.raises(ConfigError, match="CASELINE_SEND_RATE"):
        load_settings({"CASELINE_SEND_RATE": typed})
