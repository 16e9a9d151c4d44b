"""Log lines as an operator reads them: plain text or JSON (LOG_FORMAT), and never a token.

The bot token and every interaction token are taken out of every line, tracebacks
included, whoever logs them: discord.py logs webhook URLs and gateway payloads at DEBUG,
and whoever holds an interaction token can answer as the bot for 15 minutes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

from briefing.settings import Settings

# Interaction tokens let whoever holds one answer as the bot for 15 minutes; discord.py
# logs them at DEBUG inside webhook URLs and gateway payloads.
_INTERACTION_TOKENS = re.compile(
    r"(?P<lead>/(?:webhooks|interactions)/\d+/)[^/\s'\"?]+"
    r"|(?P<key>['\"]token['\"]\s*:\s*['\"])[^'\"]+"
)


def redact(text: str, secret: str = "") -> str:
    """`text` without the bot token or any interaction token."""
    if secret:
        text = text.replace(secret, "[redacted]")
    return _INTERACTION_TOKENS.sub(lambda m: (m["lead"] or m["key"]) + "[redacted]", text)


class Redacting(logging.Formatter):
    """No token reaches a log line, whoever logs it, at any level, tracebacks included."""

    def __init__(self, fmt: str, secret: str) -> None:
        super().__init__(fmt)
        self.secret = secret

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secret)


class JsonLines(Redacting):
    """One JSON object per line (LOG_FORMAT=json), for log shippers; redacted the same."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage(), self.secret),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info), self.secret)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    secret = settings.discord_token.get_secret_value() if settings.discord_token else ""
    text_format = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    json_lines = settings.log_format == "json"
    handler.setFormatter((JsonLines if json_lines else Redacting)(text_format, secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    if settings.log_level != "DEBUG":  # a line per digest job run says nothing to an operator
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
