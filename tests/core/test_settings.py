"""Settings from the environment or `.env` (DESIGN.md section 6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from briefing.errors import SettingsError
from briefing.settings import Settings, load_settings

VARIABLES = [
    "DISCORD_TOKEN",
    "DISCORD_API_BASE",
    "DISCORD_GATEWAY_URL",
    "BRIEFING_DATABASE",
    "BRIEFING_SEED",
    "BRIEFING_HOME_GUILD_IDS",
    "BRIEFING_EDITOR_ROLE_IDS",
    "BRIEFING_EDITOR_CHANNEL_ID",
    "BRIEFING_HEALTH_PORT",
    "LOG_LEVEL",
]

# Shaped like a bot token (id.timestamp.hmac) but not a real one.
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No variable from the outer environment and no stray `.env` reaches the tests."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_defaults() -> None:
    s = load_settings()
    assert s.discord_token is None
    assert s.discord_api_base == "https://discord.com/api/v10"
    assert s.discord_gateway_url == "wss://gateway.discord.gg/"
    assert s.database == Path("data/briefing.db")
    assert s.seed == Path("data/briefing.yaml")
    assert s.home_guild_ids == ()
    assert s.editor_role_ids == ()
    assert s.editor_channel_id is None
    assert s.health_port is None
    assert s.log_level == "INFO"


@pytest.mark.parametrize(
    ("var", "raw", "attr", "expected"),
    [
        ("DISCORD_API_BASE", "http://127.0.0.1:8000/api/v10", "discord_api_base", None),
        ("DISCORD_API_BASE", "https://proxy.example/api/", "discord_api_base", "-strip"),
        ("DISCORD_GATEWAY_URL", "ws://127.0.0.1:8001/", "discord_gateway_url", None),
        ("BRIEFING_DATABASE", "/var/lib/briefing/b.db", "database", Path("/var/lib/briefing/b.db")),
        ("BRIEFING_SEED", "seeds/other.yaml", "seed", Path("seeds/other.yaml")),
        ("BRIEFING_HOME_GUILD_IDS", "123456789012345678", "home_guild_ids", (123456789012345678,)),
        ("BRIEFING_HOME_GUILD_IDS", " 1, 22 ,333 ", "home_guild_ids", (1, 22, 333)),
        ("BRIEFING_HOME_GUILD_IDS", "1;2", "home_guild_ids", (1, 2)),
        ("BRIEFING_HOME_GUILD_IDS", "", "home_guild_ids", ()),
        ("BRIEFING_EDITOR_ROLE_IDS", "7,8,", "editor_role_ids", (7, 8)),
        (
            "BRIEFING_EDITOR_CHANNEL_ID",
            "998877665544332211",
            "editor_channel_id",
            998877665544332211,
        ),
        ("BRIEFING_HEALTH_PORT", "8080", "health_port", 8080),
        ("BRIEFING_HEALTH_PORT", "0", "health_port", 0),
        ("LOG_LEVEL", "debug", "log_level", "DEBUG"),
        ("LOG_LEVEL", " Warning ", "log_level", "WARNING"),
        ("LOG_LEVEL", "CRITICAL", "log_level", "CRITICAL"),
    ],
)
def test_each_variable_is_read(
    clean_env: pytest.MonkeyPatch, var: str, raw: str, attr: str, expected: Any
) -> None:
    clean_env.setenv(var, raw)
    value = getattr(load_settings(), attr)
    if expected is None:
        expected = raw
    elif expected == "-strip":
        expected = raw.rstrip("/")
    assert value == expected


def test_token_is_read_and_bot_prefix_dropped(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DISCORD_TOKEN", TOKEN)
    assert load_settings().token() == TOKEN
    clean_env.setenv("DISCORD_TOKEN", f"  Bot {TOKEN}\n")
    assert load_settings().token() == TOKEN


def test_blank_token_means_unset(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DISCORD_TOKEN", "   ")
    assert load_settings().discord_token is None


@pytest.mark.parametrize(
    ("var", "raw"),
    [
        ("DISCORD_API_BASE", "ftp://discord.com/api"),
        ("DISCORD_API_BASE", "discord.com/api/v10"),
        ("DISCORD_API_BASE", "https://"),
        ("DISCORD_GATEWAY_URL", "https://gateway.discord.gg/"),
        ("DISCORD_GATEWAY_URL", "gateway.discord.gg"),
        ("BRIEFING_HOME_GUILD_IDS", "abc"),
        ("BRIEFING_HOME_GUILD_IDS", "1,two,3"),
        ("BRIEFING_HOME_GUILD_IDS", "0"),
        ("BRIEFING_HOME_GUILD_IDS", "-5"),
        ("BRIEFING_HOME_GUILD_IDS", "1.5"),
        ("BRIEFING_EDITOR_ROLE_IDS", "role"),
        ("BRIEFING_EDITOR_ROLE_IDS", "12 34"),
        ("BRIEFING_EDITOR_CHANNEL_ID", "general"),
        ("BRIEFING_EDITOR_CHANNEL_ID", "0"),
        ("BRIEFING_EDITOR_CHANNEL_ID", "-1"),
        ("BRIEFING_HEALTH_PORT", "70000"),
        ("BRIEFING_HEALTH_PORT", "-1"),
        ("BRIEFING_HEALTH_PORT", "http"),
        ("LOG_LEVEL", "verbose"),
        ("LOG_LEVEL", "5"),
    ],
)
def test_bad_value_names_the_variable(clean_env: pytest.MonkeyPatch, var: str, raw: str) -> None:
    clean_env.setenv(var, raw)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(f"{var} ")
    assert "\n" not in message
    assert len(message) < 200


def test_bad_id_in_a_list_is_quoted(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("BRIEFING_EDITOR_ROLE_IDS", "1,two,3")
    with pytest.raises(SettingsError, match=r"^BRIEFING_EDITOR_ROLE_IDS 'two' is not a Discord id"):
        load_settings()


def test_first_bad_variable_is_reported_alone(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("LOG_LEVEL", "loud")
    clean_env.setenv("BRIEFING_HEALTH_PORT", "99999")
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.split(" ", 1)[0] in {"LOG_LEVEL", "BRIEFING_HEALTH_PORT"}
    assert "\n" not in message


@pytest.mark.parametrize(
    "bad_token",
    [
        "not-a-token-at-all",
        "abc.def",
        "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe",
        "MTIzNDU2Nzg5MDEyMzQ1Njc4.Ga!De.abcdefghijklmnopqrstuvwxyz0123456",
        f"{TOKEN} extra",
        f"Bearer {TOKEN}",
        f"{TOKEN}.more",
    ],
)
def test_bad_token_is_refused_without_echoing_it(
    clean_env: pytest.MonkeyPatch, bad_token: str
) -> None:
    clean_env.setenv("DISCORD_TOKEN", bad_token)
    with pytest.raises(SettingsError) as info:
        load_settings()
    err = info.value
    assert str(err).startswith("DISCORD_TOKEN ")
    for text in (str(err), repr(err), *map(str, err.args)):
        assert bad_token not in text
        for part in bad_token.split("."):
            if len(part) >= 6:
                assert part not in text
    # Nothing chained to it carries the value either.
    assert err.__cause__ is None
    assert err.__suppress_context__


def test_token_without_a_token_names_the_variable() -> None:
    s = load_settings()
    with pytest.raises(SettingsError, match=r"^DISCORD_TOKEN "):
        s.token()


def test_repr_and_str_hide_the_token(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DISCORD_TOKEN", TOKEN)
    s = load_settings()
    for text in (repr(s), str(s), f"{s}", repr(s.discord_token), str(s.discord_token)):
        assert TOKEN not in text
        assert "abcdefghijklmnopqrstuvwxyz" not in text
    assert TOKEN not in s.model_dump_json()


def test_dotenv_in_cwd_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"DISCORD_TOKEN={TOKEN}\n"
        "LOG_LEVEL=debug\n"
        "BRIEFING_HOME_GUILD_IDS=11,22\n"
        "BRIEFING_DATABASE=var/other.db\n"
        "UNRELATED_VARIABLE=ignored\n",
        encoding="utf-8",
    )
    s = load_settings()
    assert s.token() == TOKEN
    assert s.log_level == "DEBUG"
    assert s.home_guild_ids == (11, 22)
    assert s.database == Path("var/other.db")


def test_environment_overrides_dotenv(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=debug\n", encoding="utf-8")
    clean_env.setenv("LOG_LEVEL", "error")
    assert load_settings().log_level == "ERROR"


def test_bad_value_in_dotenv_names_the_variable(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BRIEFING_HEALTH_PORT=eighty\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^BRIEFING_HEALTH_PORT "):
        load_settings()


def test_settings_are_frozen() -> None:
    s = load_settings()
    with pytest.raises(ValueError):
        s.log_level = "DEBUG"  # type: ignore[misc]
    assert isinstance(s, Settings)


@pytest.mark.parametrize("var", ["BRIEFING_EDITOR_CHANNEL_ID", "BRIEFING_HEALTH_PORT", "LOG_LEVEL"])
def test_empty_value_means_unset(tmp_path: Path, var: str) -> None:
    (tmp_path / ".env").write_text(f"{var}=\n", encoding="utf-8")
    s = load_settings()
    assert (s.editor_channel_id, s.health_port, s.log_level) == (None, None, "INFO")
