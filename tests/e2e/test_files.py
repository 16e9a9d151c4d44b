"""/facts export and import end to end: files out, files in, checked before applied."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from sandbox.emulator import Upload
from tests.e2e.newsroom import Newsroom, newsroom, text_of

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def room(tmp_path: Path) -> AsyncIterator[Newsroom]:
    async with newsroom(tmp_path) as room:
        yield room


async def exported(room: Newsroom, fmt: str) -> bytes:
    result = await room.run("facts export", format=fmt)
    assert result.ephemeral
    assert "The whole briefing (28 claims)" in result.content
    (attachment,) = result.attachments
    return room.emu.read_attachment(attachment)


async def test_export_in_every_format(room: Newsroom) -> None:
    doc = yaml.safe_load(await exported(room, "yaml"))
    assert len(doc["claims"]) == 28 and {t["slug"] for t in doc["topics"]} >= {"troops", "kursk"}
    as_json = json.loads(await exported(room, "json"))
    assert [c["id"] for c in as_json["claims"]] == [c["id"] for c in doc["claims"]]
    reviews = json.loads(await exported(room, "claimreview"))
    recaptured = next(r for r in reviews if r["url"].endswith("kursk-recaptured"))
    assert recaptured["@type"] == "ClaimReview"
    assert recaptured["reviewRating"]["alternateName"] == "Disputed"
    assert recaptured["itemReviewed"]["@type"] == "Claim"


async def test_import_checks_first_then_applies_exactly_that(room: Newsroom) -> None:
    doc = yaml.safe_load(await exported(room, "yaml"))
    claim = next(c for c in doc["claims"] if c["id"] == "nk-troops-gained-experience")
    claim["statement"] = "The North Korean troops have gained combat experience in Russia."
    data = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()
    before = room.dump()

    checked = await room.run("facts import", file=Upload("briefing.yaml", data, "text/yaml"))
    text = text_of(checked)
    assert checked.ephemeral and "Checked (nothing changed yet)" in text
    assert "nk-troops-gained-experience" in text and "apply: True" in text
    assert room.dump() == before

    applied = await room.run(
        "facts import", file=Upload("briefing.yaml", data, "text/yaml"), apply=True
    )
    assert "Applied" in text_of(applied)
    row = room.claim_row("nk-troops-gained-experience")
    assert (
        row["statement"].startswith("The North Korean troops have gained") and row["version"] == 2
    )
    shown = await room.run("claim", room.member, id="nk-troops-gained-experience")
    assert "have gained combat experience" in text_of(shown)


async def test_a_bad_file_is_refused_whole(room: Newsroom) -> None:
    doc = yaml.safe_load(await exported(room, "yaml"))
    doc["claims"][0]["statement"] = "Changed, but the file has a broken claim further down."
    doc["claims"][-1]["status"] = "confirmed"
    doc["claims"][-1]["stances"] = []
    data = yaml.safe_dump(doc, sort_keys=False).encode()
    before = room.dump()
    for payload in (data, b"claims: [unclosed", "\u202e".encode() * 10):
        result = await room.run(
            "facts import", file=Upload("briefing.yaml", payload, "text/yaml"), apply=True
        )
        assert result.ephemeral
        assert "Something went wrong" not in text_of(result), text_of(result)
    assert room.dump() == before
