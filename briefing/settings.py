"""Configuration from the environment or `.env`, built once at start-up and passed in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from briefing.errors import SettingsError

# A bot token is three base64url parts joined by dots (user id, timestamp, HMAC).
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{18,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")

IdList = Annotated[tuple[int, ...], NoDecode]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LogFormat = Literal["text", "json"]  # json: one object per line, for log shippers


class Settings(BaseSettings):
    """Every field is read from the environment variable named in its alias."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # VAR= means "not set", as for the token and id lists
        extra="ignore",
        frozen=True,
    )

    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN")
    )
    discord_api_base: str = Field(
        default="https://discord.com/api/v10", validation_alias=AliasChoices("DISCORD_API_BASE")
    )
    discord_gateway_url: str = Field(
        default="wss://gateway.discord.gg/", validation_alias=AliasChoices("DISCORD_GATEWAY_URL")
    )
    database: Path = Field(
        default=Path("data/briefing.db"), validation_alias=AliasChoices("BRIEFING_DATABASE")
    )
    seed: Path = Field(
        default=Path("data/briefing.yaml"), validation_alias=AliasChoices("BRIEFING_SEED")
    )
    home_guild_ids: IdList = Field(
        default=(), validation_alias=AliasChoices("BRIEFING_HOME_GUILD_IDS")
    )
    editor_role_ids: IdList = Field(
        default=(), validation_alias=AliasChoices("BRIEFING_EDITOR_ROLE_IDS")
    )
    editor_channel_id: int | None = Field(
        default=None, gt=0, validation_alias=AliasChoices("BRIEFING_EDITOR_CHANNEL_ID")
    )
    health_port: int | None = Field(
        default=None, ge=0, le=65535, validation_alias=AliasChoices("BRIEFING_HEALTH_PORT")
    )
    # Loopback unless told: a container's probe runs inside it; 0.0.0.0 to be probed from
    # outside (the compose file's health check does not need it).
    health_host: str = Field(
        default="127.0.0.1", min_length=1, validation_alias=AliasChoices("BRIEFING_HEALTH_HOST")
    )
    log_level: LogLevel = Field(default="INFO", validation_alias=AliasChoices("LOG_LEVEL"))
    log_format: LogFormat = Field(default="text", validation_alias=AliasChoices("LOG_FORMAT"))
    # Seconds one Discord request may take while posting a digest before it is tried again
    # (a hung channel must not hold its slot for long).
    digest_request_timeout: float = Field(
        default=10.0, ge=1.0, le=120.0, validation_alias=AliasChoices("BRIEFING_DIGEST_TIMEOUT")
    )

    @field_validator("home_guild_ids", "editor_role_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            for p in parts:
                if not p.isdigit() or int(p) <= 0:
                    raise ValueError(f"{p!r} is not a Discord id (a positive number)")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("discord_token", mode="before")
    @classmethod
    def _token_shape(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().removeprefix("Bot ").strip()
            if value == "":
                return None
            if value[0] in "'\"" and value[-1] == value[0]:
                # `docker run --env-file` keeps quotes that a shell or .env reader would drop.
                raise ValueError(
                    "is wrapped in quotes; write DISCORD_TOKEN=... without them (docker's "
                    "--env-file passes quotes on as part of the value)"
                )
            if not _TOKEN_SHAPE.fullmatch(value):
                # Never echo the value: it may be a real (if mangled) secret.
                raise ValueError("is malformed (expected three dot-separated base64url parts)")
        return value

    @field_validator("discord_api_base", mode="after")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", value):
            raise ValueError("must be an http(s) URL such as https://discord.com/api/v10")
        return value.rstrip("/")

    @field_validator("discord_gateway_url", mode="after")
    @classmethod
    def _ws_url(cls, value: str) -> str:
        if not re.fullmatch(r"wss?://[^\s/]+(/[^\s]*)?", value):
            raise ValueError("must be a ws(s) URL such as wss://gateway.discord.gg/")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    def token(self) -> str:
        """The token, for the one place that needs it; raises if it is not configured."""
        if self.discord_token is None:
            raise SettingsError(
                "DISCORD_TOKEN is not set: put the bot token in the environment or .env"
            )
        return self.discord_token.get_secret_value()


_ALIASES = {
    name: str(field.validation_alias.choices[0])  # type: ignore[union-attr]
    for name, field in Settings.model_fields.items()
}


def load_settings(**overrides: Any) -> Settings:
    """Build settings; a bad value becomes one `SettingsError` line naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        var = _ALIASES.get(field, field)
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{var} {msg}") from None
