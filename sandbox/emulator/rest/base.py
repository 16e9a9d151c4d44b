"""What every REST handler module shares: responses, the request context, and ``found``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from aiohttp import web

from ..state import RecordedRequest

if TYPE_CHECKING:
    from ..server import EmulatorServer

FileTuple = tuple[str, str, bytes]
T = TypeVar("T")


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py only parses JSON when Content-Type is exactly "application/json".
    hdrs = {"Content-Type": "application/json"}
    hdrs.update(headers or {})
    return web.Response(body=json.dumps(data).encode(), status=status, headers=hdrs)


def error(status: int, code: int, message: str, **extra: Any) -> web.Response:
    return json_response({"message": message, "code": code, **extra}, status)


def not_found() -> web.Response:
    return error(404, 0, "404: Not Found")


class Refusal(Exception):
    """A handler's early answer; the router sends ``response`` as if the handler returned it.

    Raising lets the lookup chain (channel, then message; interaction, then its message...)
    live in one place instead of an ``if err is not None: return err`` after every step.
    """

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def refuse(status: int, code: int, message: str) -> NoReturn:
    raise Refusal(error(status, code, message))


def found(value: T | None, status: int, code: int, message: str) -> T:
    """``value``, or stop the handler with Discord's error for it being missing."""
    if value is None:
        refuse(status, code, message)
    return value


@dataclass
class Ctx:
    request: web.Request
    method: str
    path: str
    params: dict[str, str]
    body: Any
    files: list[FileTuple] = field(default_factory=list)
    record: RecordedRequest | None = None

    def int_param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            return -1


class Resource:
    """A group of handlers over the emulator's world (one per REST resource)."""

    def __init__(self, core: EmulatorServer) -> None:
        self.core = core
