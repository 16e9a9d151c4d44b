"""Letting interactions in flight finish before the bot stops (SIGTERM, SIGINT).

discord.py runs each interaction's handler as its own task, named after what it runs: a
command (`CommandTree-invoker`), a button (`discord-ui-view-dispatch-…`, or
`discord-ui-dynamic-item-…` for the persistent ones) or a form (`discord-ui-modal-
dispatch-…`). A handler's task lasts until the member has the whole answer (a deferred
answer is completed in the same task), so waiting for those tasks is waiting for answers.
"""

from __future__ import annotations

import asyncio
import time

HANDLER_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-dynamic-item-",
    "discord-ui-modal-dispatch-",
)


def in_flight() -> list[asyncio.Task[object]]:
    """The interaction handlers still running."""
    return [
        t for t in asyncio.all_tasks() if not t.done() and t.get_name().startswith(HANDLER_TASKS)
    ]


async def drain(timeout: float) -> int:  # noqa: ASYNC109
    """Wait until no interaction handler runs, or `timeout` seconds; how many were left."""
    deadline = time.monotonic() + timeout
    while (running := in_flight()) and time.monotonic() < deadline:
        await asyncio.wait(running, timeout=deadline - time.monotonic())
    return len(in_flight())
