"""Tests that need a program from Debian (Chromium, nginx, pg_dump): skipped on a machine
without it, but under CI (CI=true) they fail instead, since `.ci/run` installs what they
need — a test skipped in CI would be a test that cannot fail."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest


def require(missing: Sequence[str], what: str) -> None:
    """Skip `what` (or fail under CI) when anything in `missing` says what is not here."""
    if not missing:
        return
    reason = f"cannot run {what}: " + "; ".join(missing)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; .ci/run must install it")
    pytest.skip(reason)
