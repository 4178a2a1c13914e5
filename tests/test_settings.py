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


def test_the_mini_app_is_off_until_its_url_is_set():
    settings = load_settings({})
    assert settings.webapp_url is None
    assert (settings.webapp_listen, settings.webapp_port) == ("127.0.0.1", 8090)
    assert settings.webapp_max_age_minutes == 5


@pytest.mark.parametrize(
    "typed",
    ["https://caseline.example.org/app/", "http://127.0.0.1:8090", "http://localhost:8090/app"],
)
def test_the_mini_app_url_is_https_or_loopback_http(typed):
    settings = load_settings({"CASELINE_WEBAPP_URL": typed})
    assert settings.webapp_url == typed.rstrip("/")


@pytest.mark.parametrize(
    "typed",
    [
        "http://caseline.example.org/app",
        "ftp://example.org",
        "caseline.example.org",
        "https://x/#a",
    ],
)
def test_a_mini_app_url_telegram_would_not_open_safely_is_refused_in_one_line(typed):
    with pytest.raises(ConfigError) as refused:
        load_settings({"CASELINE_WEBAPP_URL": typed})
    assert "CASELINE_WEBAPP_URL" in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("typed", ["0", "1441", "five"])
def test_the_init_data_age_is_bounded(typed):
    with pytest.raises(ConfigError, match="CASELINE_WEBAPP_MAX_AGE_MINUTES"):
        load_settings({"CASELINE_WEBAPP_MAX_AGE_MINUTES": typed})


def test_privacy_is_standard_unless_strict_is_asked_and_strict_implies_private_previews():
    assert load_settings({}).privacy == "standard"
    assert not load_settings({}).strict
    url = {"CASELINE_WEBAPP_URL": "https://caseline.example.org/app"}
    strict = load_settings({"CASELINE_PRIVACY": " Strict ", **url})
    assert strict.strict
    assert strict.private_previews
    # Strict cannot be half-undone by the older setting.
    assert load_settings(
        {"CASELINE_PRIVACY": "strict", "CASELINE_PRIVATE_PREVIEWS": "0", **url}
    ).private_previews


def test_a_mistyped_privacy_is_refused_in_one_line():
    with pytest.raises(ConfigError) as refused:
        load_settings({"CASELINE_PRIVACY": "strikt"})
    assert str(refused.value) == "CASELINE_PRIVACY must be standard or strict, not 'strikt'"


def test_strict_without_the_mini_app_is_refused_in_one_line():
    # Strict sends a note as "N-31 · Home visit · 240 characters": without the Mini App
    # nobody could read one.
    with pytest.raises(ConfigError) as refused:
        load_settings({"CASELINE_PRIVACY": "strict"})
    assert str(refused.value) == (
        "CASELINE_PRIVACY=strict needs CASELINE_WEBAPP_URL: notes are read and written in "
        "the Mini App"
    )
