"""CASELINE_LOG_FORMAT=json: one JSON object a line, redacted like the text lines (no token,
in a message or in an exception's text)."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import pytest

from bot import logging_setup

TOKEN = "123456:TEST-token_for-caseline"


@pytest.fixture
def root_logging_restored():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_no_token(capsys, root_logging_restored):
    logging_setup.configure(secrets=[TOKEN], json=True)
    log = logging.getLogger("caseline.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        log.exception("a send failed\nsecond line")
    log.warning("url-encoded: %s", TOKEN.replace(":", "%3A"))

    lines = capsys.readouterr().err.splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 3
    assert TOKEN not in "".join(lines) and "%3A" not in "".join(lines)
    first, failed, encoded = entries
    assert set(first) == {"time", "level", "logger", "message"}
    assert first["level"] == "INFO" and first["logger"] == "caseline.test"
    assert first["message"] == "calling https://api.telegram.org/bot<token>/getMe"
    assert datetime.fromisoformat(first["time"]).utcoffset().total_seconds() == 0
    assert failed["level"] == "ERROR" and failed["message"] == "a send failed\nsecond line"
    assert failed["exception"].startswith("Traceback (most recent call last):")
    assert (
        "RuntimeError: POST https://api.telegram.org/bot<token>/sendMessage failed"
        in (failed["exception"])
    )
    assert encoded["message"] == "url-encoded: <token>"


def test_text_lines_stay_the_default(capsys, root_logging_restored):
    logging_setup.configure(secrets=[TOKEN])
    logging.getLogger("caseline.test").info("token %s", TOKEN)
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(" INFO caseline.test: token <token>")
