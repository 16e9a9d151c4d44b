"""A small discord.py bot shaped like issue 10's editor tools, to test the emulator and the REPL.

`/facts status|import|export|queue` is a guild command group synced only for the home guild and
shown to members with Manage Messages; `/claim` (global) has a "Suggest a correction" button
that opens a prefilled modal; `/facts queue` answers ephemerally with Accept (a modal, then the
message is updated) and Reject, and the bot DMs the member the outcome.

Imported by the tests, or run as a script (`python facts_bot.py run`) by the sandbox REPL's
tests in place of the real bot, with the environment `sandbox.launcher.BotProcess` sets.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from typing import Any, Literal

import discord
import yarl
from discord import app_commands

CLAIMS = {
    "kursk-recaptured": "Russia recaptured Kursk in April 2025.",
    "kursk-lost": "Ukraine held part of Kursk until March 2025.",
    "kyiv-held": "Kyiv was never encircled.",
}
EXPORT = b"claims:\n  - id: kursk-recaptured\n"


@dataclass
class Suggestion:
    number: int
    user_id: int
    claim_id: str
    text: str
    source: str


class SuggestModal(discord.ui.Modal, title="Suggest a correction"):
    def __init__(self, bot: FactsBot, claim_id: str) -> None:
        super().__init__(custom_id=f"suggest-modal:{claim_id}")
        self.bot, self.claim_id = bot, claim_id
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="What should it say?",
            custom_id="text",
            default=CLAIMS[claim_id],
            style=discord.TextStyle.paragraph,
            max_length=500,
        )
        self.source: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Source", custom_id="source", required=False, placeholder="https://…"
        )
        self.add_item(self.text)
        self.add_item(self.source)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        number = len(self.bot.suggestions) + 1
        self.bot.suggestions.append(
            Suggestion(
                number, interaction.user.id, self.claim_id, self.text.value, self.source.value
            )
        )
        await interaction.response.send_message(
            f"Thanks: suggestion #{number} is queued.", ephemeral=True
        )


class NoteModal(discord.ui.Modal, title="Accept the suggestion"):
    note: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Note to the member", custom_id="note", default="Thanks, fixed."
    )

    def __init__(self, bot: FactsBot, number: int) -> None:
        super().__init__(custom_id=f"note-modal:{number}")
        self.bot, self.number = bot, number

    async def on_submit(self, interaction: discord.Interaction) -> None:
        # The modal came from a button on an ephemeral message: update that message.
        await interaction.response.edit_message(
            content=f"#{self.number} accepted: {self.note.value}", view=None
        )
        await self.bot.tell(interaction, self.number, f"accepted: {self.note.value}")


def _buttons(*buttons: tuple[str, str, discord.ButtonStyle]) -> discord.ui.View:
    """Buttons handled in `on_interaction` by their custom ids (they survive a restart)."""
    view = discord.ui.View(timeout=None)
    for label, custom_id, style in buttons:
        view.add_item(discord.ui.Button(label=label, custom_id=custom_id, style=style))
    return view


class FactsBot(discord.Client):
    def __init__(self, home_guild_id: int) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.home_guild_id = home_guild_id
        self.tree = app_commands.CommandTree(self)
        self.suggestions: list[Suggestion] = []
        self.decided: set[int] = set()
        facts = app_commands.Group(
            name="facts",
            description="Editor tools",
            guild_only=True,
            default_permissions=discord.Permissions(manage_messages=True),
        )

        @facts.command(name="status", description="A claim's status")
        async def status(interaction: discord.Interaction, id: str) -> None:
            if await self.refused(interaction):
                return
            await interaction.response.send_message(f"{id}: {CLAIMS.get(id, '?')}", ephemeral=True)

        @status.autocomplete("id")
        async def status_ids(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=c, value=c) for c in CLAIMS if current in c]

        @facts.command(name="import", description="Check (or apply) a briefing file")
        async def import_(
            interaction: discord.Interaction, file: discord.Attachment, apply: bool = False
        ) -> None:
            if await self.refused(interaction):
                return
            data = await file.read()
            first = data.decode(errors="replace").splitlines()[0] if data else ""
            await interaction.response.send_message(
                f"read {file.filename}: {len(data)} bytes, {file.content_type}, "
                f"apply={apply}, first line {first!r}",
                ephemeral=True,
            )

        @facts.command(name="export", description="The briefing as a file")
        async def export(
            interaction: discord.Interaction, format: Literal["yaml", "csv"] = "yaml"
        ) -> None:
            if await self.refused(interaction):
                return
            upload = discord.File(io.BytesIO(EXPORT), filename=f"briefing export.{format}")
            await interaction.response.send_message("The briefing:", file=upload, ephemeral=True)

        @facts.command(name="queue", description="The next suggestion to review")
        async def queue(interaction: discord.Interaction) -> None:
            if await self.refused(interaction):
                return
            pending = [s for s in self.suggestions if s.number not in self.decided]
            if not pending:
                await interaction.response.send_message("The queue is empty.", ephemeral=True)
                return
            s = pending[0]
            view = _buttons(
                ("Accept", f"queue:accept:{s.number}", discord.ButtonStyle.success),
                ("Reject", f"queue:reject:{s.number}", discord.ButtonStyle.danger),
            )
            await interaction.response.send_message(
                f"#{s.number} on {s.claim_id} by <@{s.user_id}>: {s.text}",
                view=view,
                ephemeral=True,
            )

        self.tree.add_command(facts, guild=discord.Object(home_guild_id))

        @self.tree.command(name="claim", description="One claim")
        async def claim(interaction: discord.Interaction, id: str) -> None:
            view = _buttons(("Suggest a correction", f"suggest:{id}", discord.ButtonStyle.gray))
            await interaction.response.send_message(f"{id}: {CLAIMS[id]}", view=view)

    async def setup_hook(self) -> None:
        await self.tree.sync(guild=discord.Object(self.home_guild_id))
        await self.tree.sync()

    async def refused(self, interaction: discord.Interaction) -> bool:
        """The bot's own checks: Discord's hiding is not a guarantee."""
        if interaction.guild_id != self.home_guild_id:
            await interaction.response.send_message("Not in this server.", ephemeral=True)
            return True
        if not interaction.permissions.manage_messages:
            await interaction.response.send_message("Editors only.", ephemeral=True)
            return True
        return False

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        kind, _, rest = custom_id.partition(":")
        if kind == "suggest":
            await interaction.response.send_modal(SuggestModal(self, rest))
        elif custom_id.startswith("queue:accept:"):
            await interaction.response.send_modal(NoteModal(self, int(rest.split(":")[1])))
        elif custom_id.startswith("queue:reject:"):
            number = int(rest.split(":")[1])
            await interaction.response.edit_message(content=f"#{number} rejected", view=None)
            await self.tell(interaction, number, "rejected")

    async def tell(self, interaction: discord.Interaction, number: int, outcome: str) -> None:
        """DM the member who suggested it; tell the editor when Discord refuses the DM."""
        self.decided.add(number)
        suggestion = self.suggestions[number - 1]
        user = await self.fetch_user(suggestion.user_id)
        try:
            await user.send(f"Your suggestion #{number} on {suggestion.claim_id} was {outcome}")
        except discord.Forbidden as exc:
            await interaction.followup.send(
                f"Could not DM <@{user.id}> (code {exc.code}).", ephemeral=True
            )


def main() -> None:
    """`python facts_bot.py run`, aimed at an emulator by sandbox.launcher's environment."""
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
    gateway = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway
    home = int(os.environ["BRIEFING_HOME_GUILD_IDS"].split(",")[0])
    FactsBot(home).run(os.environ["DISCORD_TOKEN"], log_handler=None)


if __name__ == "__main__" and sys.argv[1:] == ["run"]:
    main()
