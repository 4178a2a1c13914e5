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
