"""`python bot.py sandbox`: try the real bot in a terminal, against the loopback Discord emulator.

The emulator and the bot's process live on an asyncio loop in a background thread; the main
thread owns the terminal (readline, Ctrl-C) and hands every Discord action to that loop. So a
prompt that blocks never blocks the emulator, and the bot keeps answering heartbeats meanwhile.

Lines look like what you would type in Discord: `/claim id:kursk-recaptured`,
`/search query:north korea topic:kursk`, `/facts import file:@briefing.yaml apply:true`, plus a
few sandbox verbs (`press 2`, `as bob`, `posts`, `dms`, `dms off`, `save 1 export.yaml`,
`dm /troops`, `?/claim id:kurs`, `help`, `quit`).

The package splits by concern, each module depending only on the ones before it:
`parsing` (typed lines, command lookup), `drawing` (messages as terminal text), `values`
(typed option text to values, files included), `world` (emulator and bot on their loop),
`forms` (a modal's inputs), `session` (the prompt), `completion` (readline), `cli`.
"""

from sandbox.repl.cli import main

__all__ = ["main"]
