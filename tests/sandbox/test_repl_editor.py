"""The sandbox REPL for editors: files in and out, guild commands, ephemeral buttons, forms, DMs.

The pure pieces directly; then a whole scripted session against `facts_bot.py` (a small bot
shaped like issue 10's editor tools) in place of the real bot, as `python bot.py sandbox
--as editor` runs it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from sandbox import repl
from sandbox.emulator import GuildSpec, Upload
from sandbox.launcher import BotProcess
from sandbox.repl import world as repl_world
from sandbox.repl.completion import Completer, path_candidates
from sandbox.repl.drawing import Names, render_message
from sandbox.repl.parsing import SandboxError, describe_commands
from sandbox.repl.session import Session
from sandbox.repl.values import coerce, content_type
from sandbox.repl.world import Answer

from .facts_bot import EXPORT

FACTS_BOT = Path(__file__).resolve().parent / "facts_bot.py"
FILE_OPTION = {"name": "file", "type": 11, "required": True, "description": "A briefing"}


# ---------------------------------------------------------------------------------- files


def test_a_file_option_takes_an_at_path_from_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "briefing.yaml").write_bytes(b"claims: []\n")
    guild = GuildSpec("G")
    upload = coerce(guild, FILE_OPTION, "@data/briefing.yaml")
    assert upload == Upload("briefing.yaml", b"claims: []\n", "application/x-yaml; charset=utf-8")
    with pytest.raises(SandboxError, match=r"no such file \(.*missing\.yaml\)"):
        coerce(guild, FILE_OPTION, "@missing.yaml")
    with pytest.raises(SandboxError, match="a folder, not a file"):
        coerce(guild, FILE_OPTION, "@data")
    with pytest.raises(SandboxError, match="write file:@path/to/file"):
        coerce(guild, FILE_OPTION, "data/briefing.yaml")


def test_content_types_are_those_discord_gives_uploads(tmp_path: Path) -> None:
    assert content_type(Path("a.csv"), b"a,b") == "text/csv; charset=utf-8"
    assert content_type(Path("a.yml"), b"a: 1") == "application/x-yaml; charset=utf-8"
    assert content_type(Path("a.png"), b"\x89PNG") == "image/png"
    assert content_type(Path("a.yaml"), b"\xff\xfe") == "application/x-yaml"  # not UTF-8
    assert content_type(Path("blob"), b"x") == "application/octet-stream"


def test_paths_complete_from_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "briefing.yaml").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    assert path_candidates("@", prefix="@") == ["@data/"]
    assert path_candidates("@data/b", prefix="@") == ["@data/briefing.yaml "]
    assert path_candidates("da") == ["data/"]
    assert path_candidates("nowhere/x") == []


def test_attachments_are_numbered_for_save() -> None:
    message = {
        "id": "1",
        "content": "The briefing:",
        "attachments": [
            {"filename": "briefing.yaml", "size": 12345},
            {"filename": "briefing.csv", "size": 7},
        ],
    }
    lines = render_message(message, first_attachment=3).splitlines()
    assert lines[1:] == [
        "(attachment 3: briefing.yaml, 12,345 bytes)",
        "(attachment 4: briefing.csv, 7 bytes)",
    ]


def test_help_says_which_commands_only_this_server_has() -> None:
    catalog: list[dict[str, Any]] = [
        {
            "name": "facts",
            "type": 1,
            "guild_id": "1",
            "description": "Editor tools",
            "options": [
                {
                    "name": "import",
                    "type": 1,
                    "description": "Check a file",
                    "options": [FILE_OPTION, {"name": "apply", "type": 5, "description": "x"}],
                }
            ],
        }
    ]
    listing = describe_commands(catalog)
    assert "/facts import file:<file> [apply:<true|false>]" in listing
    assert "(shown in this server only)" in listing


# ---------------------------------------------------------------------------------- forms


class FormWorld:
    """Just enough of World for a Session to fill a modal and show the answer."""

    you: Any = type("Member", (), {"user": type("User", (), {"username": "you"})()})()

    def __init__(self) -> None:
        self.submitted: dict[str, Any] = {}

    def names(self) -> Names:
        return Names()

    def submit(self, actor: Any, answer: Answer, values: dict[str, Any]) -> Answer:
        self.submitted = values
        return Answer(4, [({"id": "9", "content": "ok"}, "")], None, answer.result)


def test_a_form_shows_long_prefilled_text_and_can_empty_or_choose() -> None:
    statement = "Russia recaptured Kursk in April 2025, according to the defence ministry."
    modal = {
        "title": "Suggest a correction",
        "custom_id": "m",
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "text", "value": statement}]},
            {
                "type": 18,
                "label": "Source",
                "component": {"type": 4, "custom_id": "url", "required": False, "value": "ap"},
            },
            {
                "type": 18,
                "label": "Status",
                "component": {
                    "type": 3,
                    "custom_id": "status",
                    "options": [
                        {"label": "Confirmed", "value": "confirmed"},
                        {"label": "Disputed", "value": "disputed", "default": True},
                    ],
                },
            },
        ],
    }
    world, out = FormWorld(), io.StringIO()
    session = Session(world, lines=iter(["", '""', "1"]), out=out)  # type: ignore[arg-type]
    session.show(Answer(9, [], modal, None))  # type: ignore[arg-type]
    assert world.submitted == {"text": statement, "url": "", "status": ["confirmed"]}
    shown = out.getvalue()
    assert f"    | {statement}" in shown and "Enter keeps the text above" in shown
    assert "    1. Confirmed (confirmed)" in shown and "Enter keeps disputed" in shown


# ---------------------------------------------------------------------------------- a session


SCRIPT = """\
/facts import file:@briefing.yaml apply:true
/facts import file:@missing.yaml
help
?/facts status id:kursk
/facts export format:csv
save 1 out/exported.csv
dm /facts status id:kyiv-held
/claim id:kursk-recaptured
press 1

https://apnews.com/x
/facts queue
as bob
press 1
as you
press 1
Fixed, thanks.
dms
dms off
/claim id:kyiv-held
press 1
Kyiv was never fully encircled.

/facts queue
press 2
dms
"""


def test_an_editor_session_with_files_forms_buttons_and_dms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class FactsBotProcess(BotProcess):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(script=FACTS_BOT, **kwargs)

    monkeypatch.setattr(repl_world, "BotProcess", FactsBotProcess)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefing.yaml").write_text("claims:\n  - id: kursk\n")
    (tmp_path / "out").mkdir()
    script = tmp_path / "editor.txt"
    script.write_text(SCRIPT, encoding="utf-8")

    code = repl.main(["--as", "editor", "--script", str(script)])
    out = capsys.readouterr().out
    assert code == 1, out  # the missing file and bob's press failed, as they should
    assert (
        "read briefing.yaml: 22 bytes, application/x-yaml; charset=utf-8, apply=True, "
        "first line 'claims:'"
    ) in out
    assert "Cannot attach missing.yaml: no such file" in out
    # help lists the guild's own commands with the global ones
    assert "/facts import file:<file> [apply:<true|false>]" in out and "/claim id:<text>" in out
    assert "(shown in this server only and to members with Manage Messages)" in out
    assert "Suggestions for id ('kursk'):\n  kursk-recaptured\n  kursk-lost" in out
    assert "(attachment 1: briefing_export.csv, 33 bytes)" in out
    assert (tmp_path / "out" / "exported.csv").read_bytes() == EXPORT
    assert "/facts is a command of Sandbox News only" in out
    # the prefilled statement is kept when Enter is pressed
    assert "Enter keeps 'Russia recaptured Kursk in April 2025.'" in out
    assert "#1 on kursk-recaptured by @you: Russia recaptured Kursk in April 2025." in out
    assert re.search(r"> press 1\nYou cannot see that message: .* ephemeral", out)
    assert "(updated; only you can see this)\n#1 accepted: Fixed, thanks." in out
    assert "(1 new DM(s) from the bot: type dms to read)\n> dms\nDM from Briefing Bot:\n" in out
    assert "Your suggestion #1 on kursk-recaptured was accepted: Fixed, thanks." in out
    assert "#2 on kyiv-held by @you: Kyiv was never fully encircled." in out
    assert "#2 rejected\n(only you can see this)\nCould not DM @you (code 50007)." in out
    assert out.rstrip().endswith("No new DMs from the bot (you refuse DMs: dms on).")


class CatalogWorld(FormWorld):
    """Just enough of World for the completer: the synced commands, guild ones included."""

    def catalog(self) -> list[dict[str, Any]]:
        return [
            {"name": "claim", "type": 1, "options": [{"name": "id", "type": 3}]},
            {
                "name": "facts",
                "type": 1,
                "guild_id": "1",
                "options": [
                    {"name": "import", "type": 1, "options": [FILE_OPTION]},
                    {"name": "queue", "type": 1},
                ],
            },
        ]


def test_completion_offers_guild_commands_subcommands_and_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefing.yaml").write_text("x")
    session = Session(CatalogWorld(), lines=iter([]), out=io.StringIO())  # type: ignore[arg-type]
    complete = Completer(session).candidates
    assert complete("/f", "/f") == ["/facts "]
    assert complete("/facts ", "") == ["import ", "queue "]
    assert complete("/facts import ", "") == ["file:"]
    assert complete("/facts import file:@b", "@b") == ["@briefing.yaml "]
    assert complete("save 1 b", "b") == ["briefing.yaml "]
    assert complete("dms ", "") == ["all ", "off ", "on "]
