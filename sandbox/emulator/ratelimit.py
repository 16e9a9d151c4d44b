"""Fixed-window rate limit buckets that answer like Discord (headers + 429 bodies)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RateLimitConfig:
    """Bucket sizes. ``routes`` maps ``"METHOD /template"`` to ``(limit, per_seconds)``."""

    default: tuple[int, float] = (50, 1.0)
    routes: dict[str, tuple[int, float]] = field(
        default_factory=lambda: {
            "POST /channels/{channel_id}/messages": (5, 5.0),
            "PATCH /channels/{channel_id}/messages/{message_id}": (5, 5.0),
            "DELETE /channels/{channel_id}/messages/{message_id}": (5, 1.0),
            "PUT /applications/{application_id}/commands": (2, 1.0),
            "PUT /applications/{application_id}/guilds/{guild_id}/commands": (2, 1.0),
            "POST /webhooks/{webhook_id}/{webhook_token}": (5, 2.0),
        }
    )
    global_limit: int = 50
    global_per: float = 1.0
    enabled: bool = True


@dataclass
class _Window:
    limit: int
    per: float
    reset_at: float = 0.0
    used: int = 0

    def roll(self, now: float) -> None:
        if now >= self.reset_at:
            self.reset_at = now + self.per
            self.used = 0


@dataclass
class Decision:
    allowed: bool
    headers: dict[str, str]
    body: dict[str, Any] | None = None


class RateLimiter:
    def __init__(self, config: RateLimitConfig) -> None:
        self.config = config
        self._buckets: dict[str, _Window] = {}
        self._global = _Window(config.global_limit, config.global_per)

    def reset(self) -> None:
        self._buckets.clear()
        self._global = _Window(self.config.global_limit, self.config.global_per)

    def check_global(self) -> Decision:
        now = time.time()
        if not self.config.enabled:
            return Decision(True, {})
        win = self._global
        win.roll(now)
        if win.used >= win.limit:
            retry = max(win.reset_at - now, 0.001)
            headers = {
                "X-RateLimit-Global": "true",
                "X-RateLimit-Scope": "global",
                "Retry-After": str(max(1, round(retry))),
                "Via": "1.1 google",
            }
            body = {
                "message": "You are being rate limited.",
                "retry_after": round(retry, 3),
                "global": True,
            }
            return Decision(False, headers, body)
        win.used += 1
        return Decision(True, {})

    def check_route(self, route_key: str, major: str) -> Decision:
        """Consume one request from the bucket of ``route_key`` (``"METHOD /template"``)."""
        now = time.time()
        limit, per = self.config.routes.get(route_key, self.config.default)
        bucket_hash = hashlib.sha1(route_key.encode()).hexdigest()[:16]
        key = f"{route_key}:{major}"
        win = self._buckets.get(key)
        if win is None:
            win = self._buckets[key] = _Window(limit, per)
        if not self.config.enabled:
            return Decision(True, {})
        win.roll(now)
        reset_after = max(win.reset_at - now, 0.0)
        headers = {
            "X-RateLimit-Limit": str(win.limit),
            "X-RateLimit-Reset": f"{win.reset_at:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket_hash,
        }
        if win.used >= win.limit:
            headers["X-RateLimit-Remaining"] = "0"
            headers["X-RateLimit-Scope"] = "user"
            headers["Retry-After"] = str(max(1, round(reset_after)))
            headers["Via"] = "1.1 google"
            body = {
                "message": "You are being rate limited.",
                "retry_after": round(max(reset_after, 0.001), 3),
                "global": False,
            }
            return Decision(False, headers, body)
        win.used += 1
        headers["X-RateLimit-Remaining"] = str(win.limit - win.used)
        return Decision(True, headers)
