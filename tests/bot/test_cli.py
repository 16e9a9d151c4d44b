"""`python bot.py` as a user runs it: bad configuration stops it with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.c2FuZGJveA.c2FuZGJveC1ub3QtYS1yZWFsLXRva2Vu"


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BRIEFING_"))}
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        cwd=tmp_path,  # no .env here
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_token_names_the_variable(tmp_path: Path) -> None:
    done = run_bot(tmp_path, "run")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: DISCORD_TOKEN is not set: put the bot token in the environment or .env"
    ]
    assert "Traceback" not in done.stderr


def test_malformed_token_is_named_but_never_echoed(tmp_path: Path) -> None:
    secret = "not-a-token-but-secret-anyway"
    done = run_bot(tmp_path, "run", DISCORD_TOKEN=secret)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: DISCORD_TOKEN is malformed")
    assert secret not in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BRIEFING_HOME_GUILD_IDS", "123,abc"),
        ("BRIEFING_EDITOR_ROLE_IDS", "-5"),
        ("BRIEFING_EDITOR_CHANNEL_ID", "general"),
        ("BRIEFING_HEALTH_PORT", "70000"),
        ("LOG_LEVEL", "LOUD"),
        ("DISCORD_API_BASE", "discord.com/api"),
        ("DISCORD_GATEWAY_URL", "http://gateway"),
    ],
)
def test_bad_setting_is_one_line_naming_it(tmp_path: Path, variable: str, value: str) -> None:
    done = run_bot(tmp_path, "run", DISCORD_TOKEN=GOOD_TOKEN, **{variable: value})
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {variable} ")


def test_dotenv_in_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BRIEFING_SEED=elsewhere.yaml\n")
    done = run_bot(tmp_path, "check")
    assert done.returncode == 3  # the data file
    assert "elsewhere.yaml: cannot read" in done.stderr


def test_check_accepts_the_curated_file(tmp_path: Path) -> None:
    done = run_bot(tmp_path, "check", BRIEFING_SEED=str(ROOT / "data" / "briefing.yaml"))
    assert done.returncode == 0, done.stderr
    seed_line, database_line = done.stdout.strip().splitlines()
    assert seed_line.endswith("claims, OK")
    assert database_line.startswith("data/briefing.db: not there yet; run creates it")
    assert not (tmp_path / "data").exists()  # check creates nothing


def test_check_refuses_a_database_path_run_could_not_open(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("not a folder")
    seed = str(ROOT / "data" / "briefing.yaml")
    done = run_bot(
        tmp_path, "check", BRIEFING_SEED=seed, BRIEFING_DATABASE=str(tmp_path / "afile" / "b.db")
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith(f"error: BRIEFING_DATABASE {tmp_path / 'afile' / 'b.db'}: cannot create it")
    )


def test_check_refuses_a_malformed_file_precisely(tmp_path: Path) -> None:
    seed = (ROOT / "data" / "briefing.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(seed.replace("status: disputed", "status: rumoured", 1), encoding="utf-8")
    done = run_bot(tmp_path, "check", BRIEFING_SEED=str(broken))
    assert done.returncode == 3
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {broken}: claim '")
    assert "field status: Input should be" in line


def test_unknown_subcommand_is_refused(tmp_path: Path) -> None:
    done = run_bot(tmp_path, "fly")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr


def test_sandbox_needs_no_test_dependencies(tmp_path: Path) -> None:
    # The README's first command installs only the bot's own dependencies.
    blocked = "import sys; [sys.modules.__setitem__(m, None) for m in ('jsonschema', 'pytest')]"
    done = subprocess.run(
        [sys.executable, "-c", f"{blocked}; import sandbox.repl, sandbox.emulator"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_an_unreachable_api_is_one_line(tmp_path: Path) -> None:
    # Nothing listens on loopback port 9: the connection is refused at once.
    done = run_bot(
        tmp_path, "run", DISCORD_TOKEN=GOOD_TOKEN, DISCORD_API_BASE="http://127.0.0.1:9/api/v10"
    )
    assert done.returncode == 4  # Discord's API
    [line] = done.stderr.strip().splitlines()[-1:]
    assert line.startswith("error: cannot reach Discord at DISCORD_API_BASE http://127.0.0.1:9")
    assert "Traceback" not in done.stderr


def test_redact_takes_out_every_kind_of_token() -> None:
    from briefing.logs import redact

    secret = "MTAw.c2Fu.ZGJveC1ub3QtYS1yZWFs"
    lines = {
        f"Authorization: Bot {secret}": "Authorization: Bot [redacted]",
        "POST https://discord.com/api/v10/webhooks/123/aW50ZXJh.Y3Rpb24_-x/messages/@original "
        "with None": "POST https://discord.com/api/v10/webhooks/123/[redacted]/messages/"
        "@original with None",
        "/interactions/456/tok-en_1/callback": "/interactions/456/[redacted]/callback",
        "{'t': 'INTERACTION_CREATE', 'd': {'token': 'abc.DEF-1', 'id': '9'}}": (
            "{'t': 'INTERACTION_CREATE', 'd': {'token': '[redacted]', 'id': '9'}}"
        ),
        '{"token": "abc"}': '{"token": "[redacted]"}',
        "nothing secret here: /webhooks/ and token": "nothing secret here: /webhooks/ and token",
    }
    for line, cleaned in lines.items():
        assert redact(line, secret) == cleaned


def test_invite_prints_the_link_with_the_scopes_and_permissions_needed(tmp_path: Path) -> None:
    done = run_bot(tmp_path, "invite", DISCORD_TOKEN=GOOD_TOKEN)
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    # The token's first part is the application id; View Channel, Send Messages and Embed
    # Links are 1024 + 2048 + 16384.
    assert url == (
        "https://discord.com/oauth2/authorize?client_id=100000000000000001"
        "&scope=bot+applications.commands&permissions=19456"
    )
    assert GOOD_TOKEN.split(".")[1] not in url  # nothing of the secret part


def test_invite_without_a_token_names_the_variable(tmp_path: Path) -> None:
    done = run_bot(tmp_path, "invite")
    assert done.returncode == 2
    assert "DISCORD_TOKEN is not set" in done.stderr


def test_a_quoted_token_says_so(tmp_path: Path) -> None:
    """`docker run --env-file` passes DISCORD_TOKEN="..." on with its quotes."""
    done = run_bot(tmp_path, "run", DISCORD_TOKEN=f'"{GOOD_TOKEN}"')
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert "DISCORD_TOKEN" in line and "wrapped in quotes" in line and "--env-file" in line
    assert GOOD_TOKEN not in done.stderr
