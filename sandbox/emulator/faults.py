"""Scriptable REST fault injection: a queue of faults matched by method and path pattern."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["status", "ratelimit", "delay", "hang", "drop"]


@dataclass
class Fault:
    """One scripted fault.

    ``path`` is a regular expression searched in the request path below ``/api/v10``
    (e.g. ``r"/channels/\\d+/messages$"``); ``method`` ``None`` matches any method.
    ``times`` is how many matching requests it affects (``None`` = until removed).
    """

    kind: FaultKind
    method: str | None = None
    path: str = ".*"
    times: int | None = 1
    status: int = 500
    code: int = 0  # Discord's JSON error code, e.g. 10003 Unknown Channel
    message: str = ""
    delay: float = 0.0
    retry_after: float = 0.1
    global_: bool = False
    hits: int = 0
    _regex: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._regex = re.compile(self.path)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self._regex.search(path) is not None

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times


class FaultQueue:
    """Faults are consulted in insertion order; the first matching live fault fires."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if not fault.exhausted and fault.matches(method, path):
                fault.hits += 1
                return fault
        return None

    def status(
        self,
        status: int,
        *,
        method: str | None = None,
        path: str = ".*",
        times: int | None = 1,
        code: int = 0,
        message: str = "",
    ) -> Fault:
        """Answer ``status`` (e.g. 500/502/503/504, or 404 with code 10003 Unknown Channel)
        with a Discord-shaped JSON body."""
        return self.add(
            Fault("status", method, path, times, status=status, code=code, message=message)
        )

    def ratelimit(
        self,
        *,
        method: str | None = None,
        path: str = ".*",
        times: int | None = 1,
        retry_after: float = 0.1,
        global_: bool = False,
    ) -> Fault:
        """A storm of ``times`` 429 answers with ``retry_after`` seconds."""
        return self.add(
            Fault("ratelimit", method, path, times, retry_after=retry_after, global_=global_)
        )

    def delay(
        self, seconds: float, *, method: str | None = None, path: str = ".*", times: int | None = 1
    ) -> Fault:
        """Answer normally but only after ``seconds``."""
        return self.add(Fault("delay", method, path, times, delay=seconds))

    def hang(self, *, method: str | None = None, path: str = ".*", times: int | None = 1) -> Fault:
        """Never answer (until the emulator stops)."""
        return self.add(Fault("hang", method, path, times))

    def drop(self, *, method: str | None = None, path: str = ".*", times: int | None = 1) -> Fault:
        """Close the TCP connection without answering."""
        return self.add(Fault("drop", method, path, times))
