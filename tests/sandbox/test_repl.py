"""The sandbox REPL: its pure pieces directly, and whole scripted sessions as real subprocesses.

A session runs `python bot.py sandbox` exactly as a person would (emulator, bot process,
throwaway database), so these also prove that the sandbox starts and stops cleanly.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from briefing.i18n import catalog, words
from sandbox import repl
from sandbox.repl import world as repl_world
from sandbox.repl.drawing import (
    Names,
    format_timestamp,
    plain_text,
    relative_time,
    render_buttons,
    render_message,
)
from sandbox.repl.parsing import SandboxError, describe_commands, parse_invocation, resolve_command
from sandbox.repl.session import Session
from sandbox.repl.world import Answer

ROOT = Path(__file__).resolve().parents[2]
DAY = 86400
APRIL_26 = 1745668800  # 2025-04-26 12:00 UTC


# ---------------------------------------------------------------------------------- parser


def test_parse_plain_and_spaced_values() -> None:
    inv = parse_invocation("/search query:north korea topic:kursk")
    assert inv.path == ["search"]
    assert inv.options == {"query": "north korea", "topic": "kursk"}
    assert inv.last_option == "topic"


def test_parse_without_options_and_with_subcommands() -> None:
    assert parse_invocation("/kursk-status").path == ["kursk-status"]
    inv = parse_invocation("/facts status id:kursk-recaptured status:disputed reason:new AP")
    assert inv.path == ["facts", "status"]
    assert inv.options == {"id": "kursk-recaptured", "status": "disputed", "reason": "new AP"}


def test_parse_quoted_values_keep_colons_and_quotes() -> None:
    inv = parse_invocation('/facts stance quote:"he said: \\"no\\"" actor:Kim Jong Un')
    assert inv.options == {"quote": 'he said: "no"', "actor": "Kim Jong Un"}


def test_parse_urls_do_not_start_options() -> None:
    inv = parse_invocation("/facts source id:x url:https://apnews.com/a b outlet:AP")
    assert inv.options == {"id": "x", "url": "https://apnews.com/a b", "outlet": "AP"}


def test_parse_empty_last_value_is_the_focus() -> None:
    inv = parse_invocation("/claim id:")
    assert inv.options == {"id": ""} and inv.last_option == "id"


@pytest.mark.parametrize(
    "line", ["/", "/claim id:a id:b", '/search query:"open', '/search query:"a" b']
)
def test_parse_errors_say_what_is_wrong(line: str) -> None:
    with pytest.raises(SandboxError):
        parse_invocation(line)


# ---------------------------------------------------------------------------------- rendering


def test_timestamps_become_readable_utc() -> None:
    assert format_timestamp(APRIL_26, "D", 0) == "26 April 2025"
    assert format_timestamp(APRIL_26, None, 0) == "26 April 2025 12:00 UTC"
    assert format_timestamp(APRIL_26, "d", 0) == "2025-04-26"
    assert format_timestamp(APRIL_26, "R", APRIL_26 + 3 * DAY + 5) == "3 days ago"


def test_relative_time_past_future_and_singular() -> None:
    assert relative_time(0, 1 * DAY) == "1 day ago"
    assert relative_time(2 * 3600, 0) == "in 2 hours"
    assert relative_time(0, 400 * DAY) == "1 year ago"
    assert relative_time(0, 0) == "0 seconds ago"


def test_plain_text_drops_markdown_and_escapes() -> None:
    names = Names(users={42: "you"}, channels={7: "digests"}, roles={9: "editor"})
    text = (
        "**Asserted by** Valery Gerasimov · <t:1745668800:D> (<t:1745668800:R>)\n"
        "Only <@42> can turn pages; see <#7>, ask <@&9>. \\*not bold\\* __under__ *it* "
        "`/brief topic:weapons` [AP](https://apnews.com) snake_case_name"
    )
    shown = plain_text(text, names, now=APRIL_26 + 2 * DAY)
    assert shown.splitlines()[0] == "Asserted by Valery Gerasimov · 26 April 2025 (2 days ago)"
    assert "Only @you can turn pages; see #digests, ask @editor." in shown
    assert "*not bold* under it `/brief topic:weapons` AP (https://apnews.com)" in shown
    assert "snake_case_name" in shown
    assert "<t:" not in shown and "**" not in shown


def test_render_message_boxes_embeds_and_numbers_buttons() -> None:
    message: dict[str, Any] = {
        "id": "1",
        "flags": 64,
        "content": "",
        "embeds": [
            {
                "title": "⚖️ kursk-recaptured",
                "description": "**⚖️ DISPUTED**: a named party contests it.",
                "fields": [{"name": "Asserted", "value": "Gerasimov · <t:1745668800:D>"}],
                "footer": {"text": "Page 1/2"},
            }
        ],
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "label": "◀ Previous", "custom_id": "a", "disabled": True},
                    {"type": 2, "label": "Next ▶", "custom_id": "b"},
                ],
            }
        ],
    }
    lines = render_message(message, now=APRIL_26).splitlines()
    assert lines[0] == "(only you can see this)"
    assert lines[1] == "╭─ ⚖️ kursk-recaptured"
    assert "│ ⚖️ DISPUTED: a named party contests it." in lines
    assert "│ Asserted" in lines and "│     Gerasimov · 26 April 2025" in lines
    assert "╰─ Page 1/2" in lines
    assert lines[-1] == "[1] ◀ Previous (disabled)  [2] Next ▶"


def test_render_buttons_shows_links() -> None:
    shown = render_buttons([{"type": 2, "style": 5, "label": "AP", "url": "https://apnews.com"}])
    assert shown == "[1] AP ↗ https://apnews.com"


# ---------------------------------------------------------------------------------- commands

CATALOG: list[dict[str, Any]] = [
    {
        "name": "claim",
        "type": 1,
        "description": "One claim in full",
        "options": [{"name": "id", "type": 3, "required": True, "description": "The id"}],
    },
    {
        "name": "digest",
        "type": 1,
        "description": "Digests",
        "default_member_permissions": "32",
        "options": [
            {
                "name": "list",
                "type": 1,
                "description": "List subscriptions",
                "options": [{"name": "channel", "type": 7, "description": "Where"}],
            }
        ],
    },
    {"name": "Report", "type": 3},
]


def test_resolve_command_and_helpful_errors() -> None:
    assert resolve_command(CATALOG, ["claim"])[0] == "claim"
    assert resolve_command(CATALOG, ["digest", "list"])[0] == "digest list"
    with pytest.raises(SandboxError, match=r"Unknown command /clam\. Did you mean /claim\?"):
        resolve_command(CATALOG, ["clam"])
    with pytest.raises(SandboxError, match="needs a subcommand: list"):
        resolve_command(CATALOG, ["digest"])


def test_describe_commands_from_synced_json() -> None:
    listing = describe_commands(CATALOG)
    assert "/claim id:<text>" in listing and "/digest list [channel:<#channel>]" in listing
    assert "(shown to members with Manage Server)" in listing
    assert "Report" not in listing  # context menus are not typed at a prompt
    assert "id (required): The id" in describe_commands(CATALOG, only="claim")


# ---------------------------------------------------------------------------------- modals


class FormWorld:
    """Just enough of World for a Session to fill a modal and show the answer."""

    you: Any = type("Member", (), {"user": type("User", (), {"username": "you"})()})()

    def __init__(self) -> None:
        self.submitted: dict[str, str] = {}

    def names(self) -> Names:
        return Names()

    def submit(self, actor: Any, answer: Answer, values: dict[str, str]) -> Answer:
        self.submitted = values
        reply = {"id": "9", "flags": 64, "content": "Thanks, **noted**."}
        return Answer(4, [(reply, "")], None, answer.result)


def test_modal_inputs_are_asked_in_turn_then_submitted() -> None:
    modal = {
        "title": "Suggest a correction",
        "custom_id": "m",
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 4, "custom_id": "text", "label": "What is wrong?", "max_length": 10}
                ],
            },
            {
                "type": 18,
                "label": "Source",
                "component": {"type": 4, "custom_id": "url", "required": False, "value": "ap"},
            },
        ],
    }
    world, out = FormWorld(), io.StringIO()
    session = Session(world, lines=iter(["a new date", ""]), out=out)  # type: ignore[arg-type]
    session.show(Answer(9, [], modal, None))  # type: ignore[arg-type]
    assert world.submitted == {"text": "a new date", "url": "ap"}
    shown = out.getvalue()
    assert "What is wrong? (required, max 10)" in shown and "Source (optional" in shown
    assert "(only you can see this)\nThanks, noted." in shown


# ---------------------------------------------------------------------------------- sessions


def sandbox(
    *args: str, stdin: str = "", timeout: float = 90, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python bot.py sandbox ARGS` the way a person runs it, with piped stdin."""
    return subprocess.run(
        [sys.executable, "bot.py", "sandbox", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=None if env is None else os.environ | env,
    )


def test_scripted_session_pages_claims_and_refuses_other_members(tmp_path: Path) -> None:
    script = tmp_path / "demo.txt"
    script.write_text(
        "# members browse the briefing\n"
        "/kursk-status\n"
        "\n"
        "/troops\n"
        "press 2\n"
        "as bob\n"
        "press 1\n"
        "as you\n"
        "/claim id:kursk-recaptured\n"
        "?/claim id:kursk\n"
        "/search query:north korea topic:kursk\n"
        "dm /claim id:kursk-recaptured\n"
        "help\n"
        "quit\n"
        "/about\n",  # after quit: never run
        encoding="utf-8",
    )
    done = sandbox("--script", str(script))
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "> /kursk-status" in out and "> # members" not in out
    assert "DISPUTED · kursk-recaptured" in out and "Gerasimov" in out
    assert "26 April 2025" in out and "<t:" not in out and "**" not in out
    assert "[1] ◀ Previous (disabled)  [2] Next ▶" in out
    assert "[1] ◀ Previous  [2] Next ▶ (disabled)" in out  # page 2, after `press 2`
    assert re.search(r"\(only you can see this\)\nOnly @you can turn these pages", out)
    assert "Suggestions for id ('kursk'):\n  kursk-recaptured" in out
    assert "(in your DMs with the bot)" in out
    assert "/search query:<text> [topic:<text>]" in out  # help, from the synced JSON
    assert "> /about" not in out
    assert "bot log:" not in out  # only with --verbose


@pytest.mark.parametrize("locale", ["ko", "uk", "ru"])
def test_a_member_in_another_language_types_and_reads_it(locale: str) -> None:
    """`--locale`, as the README shows: commands by their names in that language (or the
    bot's own), and answers with no English left in what the bot itself writes."""
    w = words(locale)  # type: ignore[arg-type]
    names = catalog("commands", locale)  # type: ignore[arg-type]
    claim, ident = names["names.claim"], names["names.id"]
    done = sandbox(
        "--locale",
        locale,
        stdin=f"/{claim} {ident}:kursk-recaptured\n/kursk-status\n/{names['names.help']}\n",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = re.sub(r"\s*\n│\s*", " ", done.stdout)  # lines the sandbox wrapped, joined again
    assert f"Your Discord language is {locale}: " in out and f"/{claim}" in out
    assert w("status.disputed") in out and w("claim.last_changed") in out
    assert w("translation.machine", language=w.language()) in out
    assert w("help.statuses") in out and "(only you can see this)" in out
    for english in ("Asserted by", "Last changed", "DISPUTED", "Key claims first", "Topic:"):
        assert english not in out, english


def test_piped_session_fails_on_an_unknown_command_but_carries_on() -> None:
    done = sandbox(
        "--as", "editor", "--verbose", stdin="/nonexistent\n/claim id:kursk-recaptured\n"
    )
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "> /nonexistent\nUnknown command /nonexistent." in out
    assert "/claim" in out.split("Unknown command", 1)[1]  # the synced commands are listed
    assert "╭─ ⚖️ kursk-recaptured" in out  # the next line still ran
    log = re.search(r"bot log: (\S+)", out)
    assert log is not None
    assert not Path(log[1]).exists()  # the throwaway directory is gone


def test_a_bot_that_cannot_start_shows_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    crash = tmp_path / "crash.py"
    crash.write_text("print('starting up')\nraise SystemExit('bad value for BRIEFING_X')\n")

    class CrashingBot(repl_world.BotProcess):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(script=crash, **kwargs)

    monkeypatch.setattr(repl_world, "BotProcess", CrashingBot)
    assert repl.main([]) == 1
    err = capsys.readouterr().err
    assert "The bot exited during start-up (exit code 1)" in err
    assert "starting up\nbad value for BRIEFING_X" in err


def test_an_admin_subscribes_previews_sends_and_sees_a_scheduled_digest_fire() -> None:
    """The README's digest walk-through: the scheduled digest comes on its own at its
    minute, `wait` shows it, and nothing needs a day to pass."""
    now = dt.datetime.now(dt.UTC)
    slot = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    if (slot - now).total_seconds() < 30:  # the sandbox takes some seconds to start
        slot += dt.timedelta(minutes=1)
    script = (
        f'/digest subscribe channel:#digests frequency:hourly time:"00:{slot:%M}"\n'
        "/digest preview channel:#digests\n"
        "/digest send-now channel:#digests\n"
        "posts #digests\n"
        "wait #digests 150\n"
    )
    done = sandbox("--as", "admin", stdin=script, timeout=240)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "Digests subscribed" in out and f"#digests: hourly at :{slot:%M}; the next at" in out
    assert "(only you can see this)" in out.split("> /digest preview", 1)[1]
    sent = out.split("> /digest send-now", 1)[1]
    assert "Sent to #digests (1 message(s))." in sent
    assert "> posts #digests\n#digests:" in out
    fired = out.split("> wait #digests 150", 1)[1]
    assert f"Briefing digest · {slot:%d %B %Y, %H:%M} UTC" in fired, fired
    assert "Still disputed" in fired and "kursk-recaptured" in fired


def test_the_sandbox_uses_the_operator_s_seed(tmp_path: Path) -> None:
    """BRIEFING_SEED applies in the sandbox as in a real run (the database stays its own)."""
    seed = (ROOT / "data" / "briefing.yaml").read_text(encoding="utf-8")
    ours = tmp_path / "our-briefing.yaml"
    ours.write_text(seed.replace("title: The fight for Kursk", "title: Kursk, as we tell it"))
    done = sandbox(stdin="/kursk-status\n", env={"BRIEFING_SEED": str(ours)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Kursk, as we tell it" in done.stdout


def test_operator_settings_come_from_the_environment_and_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(
        "BRIEFING_SEED=mine.yaml\nBRIEFING_DATABASE=/srv/prod.db\nLOG_LEVEL=debug\n"
        "DISCORD_TOKEN=not-for-the-sandbox\nBRIEFING_DIGEST_TIMEOUT=\n",
        encoding="utf-8",
    )
    for name in [n for n in os.environ if n.startswith("BRIEFING_") or n == "LOG_LEVEL"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("BRIEFING_DIGEST_TIMEOUT", "3")
    assert repl_world.operator_settings(tmp_path) == {
        "BRIEFING_SEED": str(tmp_path / "mine.yaml"),
        "LOG_LEVEL": "debug",
        "BRIEFING_DIGEST_TIMEOUT": "3",  # the environment wins over .env, as for the bot
    }
