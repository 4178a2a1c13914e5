"""The raw HTTP contract: token and method handling, parameter encodings, error shapes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from devserver import BotApiServer, BotState, FakeUser


@pytest.fixture
async def http(server: BotApiServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.root_url) as client:
        yield client


async def test_token_and_method_errors(
    http: httpx.AsyncClient, server: BotApiServer, token: str
) -> None:
    response = await http.get("/botnot-a-token/getMe")  # malformed: Telegram says 404
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}

    server.revoke("999:revoked")  # well-formed but not (or no longer) valid: 401
    response = await http.get("/bot999:revoked/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

    response = await http.post(f"/bot{token}/sendTelepathy")
    assert response.status_code == 404
    assert response.json()["description"] == "Not Found: method not found"

    response = await http.get(f"/bot{token}/GETME")  # method names are case-insensitive
    assert response.json()["result"]["username"] == "caseline_test_bot"
    assert response.json()["result"]["can_join_groups"] is False


async def test_parameter_encodings(
    http: httpx.AsyncClient, token: str, state: BotState, user: FakeUser
) -> None:
    markup = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    form = await http.post(
        f"/bot{token}/sendMessage",
        data={"chat_id": str(user.id), "text": "123", "reply_markup": markup},
    )
    as_json = await http.post(
        f"/bot{token}/sendMessage", json={"chat_id": user.id, "text": "[1, 2]"}
    )
    query = await http.get(f"/bot{token}/sendMessage", params={"chat_id": user.id, "text": "q"})
    assert form.status_code == as_json.status_code == query.status_code == 200
    # Free text is never JSON-decoded: "123" and "[1, 2]" stay strings.
    assert [m.text for m in state.chat_log(user.id)] == ["123", "[1, 2]", "q"]
    assert form.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert form.json()["result"]["from"]["is_bot"] is True

    bad = await http.post(
        f"/bot{token}/sendMessage",
        data={"chat_id": str(user.id), "text": "x", "reply_markup": "{oops"},
    )
    assert bad.status_code == 400
    assert bad.json()["description"] == "Bad Request: can't parse reply_markup JSON object"


async def test_file_route(http: httpx.AsyncClient, token: str, user: FakeUser) -> None:
    user.send_document(b"hello", "hello.txt", "text/plain")
    updates = (await http.get(f"/bot{token}/getUpdates")).json()["result"]
    file_id = updates[0]["message"]["document"]["file_id"]
    info = (await http.post(f"/bot{token}/getFile", data={"file_id": file_id})).json()["result"]
    download = await http.get(f"/file/bot{token}/{info['file_path']}")
    assert (download.status_code, download.content) == (200, b"hello")
    assert (await http.get(f"/file/bot{token}/documents/nope")).status_code == 404
