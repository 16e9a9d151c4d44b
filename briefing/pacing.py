"""Pacing the bot's own requests, and retrying the ones worth retrying.

discord.py waits when a route's bucket is empty, but it does not pace the global 50 requests
per second: a fan-out of digests would meet global 429s. `Pace` spaces calls out below a
rate; `retrying` retries a call that failed in a way worth retrying, with backoff, each try
under a timeout. Both take their clock and sleep from the caller, so tests run on a fake
clock; what counts as retryable is the caller's to say (the core knows no HTTP library).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# Below Discord's global 50/s, leaving room for interaction answers (which are exempt, but
# followups and edits are not).
DIGEST_RATE = 40.0


class Pace:
    """At most `rate` starts per second, evenly spaced, in the order asked.

    One waiter at a time holds the turn while it sleeps, so the spacing is kept even when
    the event loop is busy: a waiter that wakes late (the loop was blocked) does not take
    the turns that passed meanwhile, it starts the spacing again from its own start. Late
    wakers bunched together is what meets a fixed-window limit like Discord's with 429s.
    """

    def __init__(
        self, rate: float, *, clock: Clock | None = None, sleep: Sleep = asyncio.sleep
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    async def wait(self) -> None:
        """Return when the next request may start."""
        async with self._lock:  # fair: the waiters take their turns in the order they came
            planned = max(self._now(), self._next)
            if planned > self._now():
                await self._sleep(planned - self._now())
            now = self._now()
            # On time, give or take the loop's usual lag: keep to the schedule (no drift).
            # Late: space the next one from now.
            start = planned if now - planned < self.interval / 2 else now
            self._next = start + self.interval


async def retrying(
    call: Callable[[], Awaitable[T]],
    *,
    retryable: Callable[[BaseException], bool],
    attempts: int = 4,
    per_try: float = 10.0,
    backoff: float = 1.0,
    sleep: Sleep = asyncio.sleep,
    before: Callable[[], Awaitable[None]] | None = None,
) -> T:
    """`call()`, each try bounded by `per_try` seconds; a failure that `retryable` accepts
    (or a timeout) is tried again after `backoff`, doubling, up to `attempts` tries in all.
    Anything else, or the last failure, is raised. `before` (a `Pace.wait`, say) is awaited
    ahead of each try, outside its time limit: waiting for one's turn is not a slow answer."""
    delay = backoff
    for attempt in range(1, attempts + 1):
        if before is not None:
            await before()
        try:
            return await asyncio.wait_for(call(), per_try)
        except TimeoutError:
            if attempt == attempts:
                raise
        except Exception as exc:
            if attempt == attempts or not retryable(exc):
                raise
        await sleep(delay)
        delay *= 2
    raise AssertionError("unreachable: the last attempt returns or raises")
