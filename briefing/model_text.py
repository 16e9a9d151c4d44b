"""The text rules every model of the briefing shares: what curated text may hold, what a
link must be, and how text already stored is read back."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

_WEB_URL = re.compile(r"https?://\S+")
# Most URLs are plainly fine: a scheme, a host of letters, digits, dots and dashes, perhaps a
# port, then a path. Those need no parsing, and every source of every claim read is checked.
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#]\S*)?")


def as_code(typed: str, limit: int = 60) -> str:
    """What someone typed, to be shown inside a code span: one line, at most `limit`
    characters, with no backtick to close the span early (a modifier grave stands in)."""
    line = " ".join(typed.split()).replace("`", "\u02cb")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host: what Discord accepts in an embed."""
    if _PLAIN_WEB_URL.fullmatch(url):
        return True
    if not _WEB_URL.fullmatch(url):
        return False
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False


# Characters no curated text needs and that can hide or disguise what it says: control
# characters (a newline is allowed only where a field says so), bidirectional overrides and
# isolates (they can make a statement read backwards), and lone surrogates (not text at all).
_HIDDEN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


# Validation context for models read back from the store.
STORED: dict[str, bool] = {"stored": True}


def plain_text(value: str) -> str:
    """Refuse text with hidden characters; markdown and mentions are kept as typed (they are
    escaped and never ping when shown). Line ends become newlines and tabs spaces, as
    pasted text often carries them."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if m := _HIDDEN.search(value):
        raise ValueError(f"contains a hidden or control character (U+{ord(m[0]):04X})")
    return value


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _plain(cls, value: Any, info: ValidationInfo) -> Any:
        # What is already stored is read as it is: a rule added later must not make a
        # stored claim unreadable (edits still meet it).
        if isinstance(value, str) and not (info.context and info.context.get("stored")):
            return plain_text(value)
        return value


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def _no_blank(value: str) -> str:
    # Zero-width characters alone would show as nothing at all.
    if not value.strip().strip(_INVISIBLE).strip():
        raise ValueError("must not be blank")
    return value
