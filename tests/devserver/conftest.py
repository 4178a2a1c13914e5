"""Fixtures for the dev server tests: a server on a free loopback port and a PTB Bot on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.ext import ApplicationBuilder

from devserver import BotApiServer, BotState, FakeUser

TOKEN = "123456:TEST"


@pytest.fixture
def token() -> str:
    return TOKEN


@pytest.fixture
def app_builder(server: BotApiServer, token: str) -> ApplicationBuilder:
    """An ApplicationBuilder already pointed at the dev server."""
    return (
        ApplicationBuilder()
        .token(token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
    )


@pytest.fixture
async def server() -> AsyncIterator[BotApiServer]:
    async with BotApiServer() as running:
        yield running


@pytest.fixture
def state(server: BotApiServer) -> BotState:
    return server.bot(TOKEN)


@pytest.fixture
def user(state: BotState) -> FakeUser:
    return state.user(1001, "Ann", username="ann")


@pytest.fixture
async def bot(server: BotApiServer) -> AsyncIterator[Bot]:
    """A plain PTB Bot (no rate limiter, no retries) so every server answer surfaces as-is."""
    async with Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url) as ptb:
        yield ptb
