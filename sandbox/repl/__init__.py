"""`python bot.py sandbox`: try the real bot in a terminal, against the loopback Discord emulator.

The emulator and the bot's process live on an asyncio loop in a background thread; the main
thread owns the terminal (readline, Ctrl-C) and hands every Discord action to that loop. So a
prompt that blocks never blocks the emulator, and the bot keeps answering heartbeats meanwhile.

Lines look like what you would type in Discord: `/claim id:kursk-recaptured`,
`/search query:north korea topic:kursk`, plus a few sandbox verbs (`press 2`, `as bob`, `posts`,
`dm /troops`, `?/claim id:kurs`, `help`, `quit`).

The package splits by concern, each module depending only on the ones before it:
`parsing` (typed lines, command lookup), `drawing` (messages as terminal text), `world`
(emulator and bot on their loop), `session` (the prompt), `completion` (readline), `cli`.
"""

from sandbox.repl.cli import main

__all__ = ["main"]
