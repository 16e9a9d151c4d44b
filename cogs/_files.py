"""/facts export and import: the briefing as a file, and a file checked before it is applied."""

from __future__ import annotations

import io

import discord

from briefing.errors import InvalidInput
from briefing.render.cards import Card, clip
from cogs._bot import briefed
from cogs._desk import editor_of, private

UPLOAD_MAX_BYTES = 10 * 1024 * 1024  # Discord's upload limit for a bot's file
IMPORT_MAX_BYTES = UPLOAD_MAX_BYTES


async def export_answer(interaction: discord.Interaction, format: str) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    name, data, claims = await briefed(interaction.client).desk.export_file(format)
    if len(data) > UPLOAD_MAX_BYTES:
        raise InvalidInput(
            f"The {format} export is {len(data) / 1e6:.1f} MB, more than Discord takes in one "
            "file. An operator can write it with `python bot.py export` instead."
        )
    await interaction.followup.send(
        f"The whole briefing ({claims} claims) as {format.upper()}.",
        file=discord.File(io.BytesIO(data), filename=name),
        ephemeral=True,
    )


async def import_answer(
    interaction: discord.Interaction, file: discord.Attachment, *, apply: bool
) -> None:
    if file.size > IMPORT_MAX_BYTES:
        raise InvalidInput(
            f"`{clip(file.filename, 80)}` is {file.size:,} bytes; a briefing file is at most "
            f"{IMPORT_MAX_BYTES:,}."
        )
    await interaction.response.defer(ephemeral=True, thinking=True)
    data = await file.read()
    desk = briefed(interaction.client).desk
    lines = await desk.import_file(file.filename, data, editor_of(interaction) if apply else None)
    verb = "Applied" if apply else "Checked (nothing changed yet)"
    hint = "" if apply else "\n\nRun again with `apply: True` to apply exactly this."
    body = clip("\n".join(lines), 3900 - len(hint)) + hint
    await private(interaction, Card(title=clip(f"{verb}: {file.filename}", 256), description=body))
