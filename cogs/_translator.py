"""The slash commands in Korean, Ukrainian and Russian, through discord.py's `Translator`.

discord.py asks for every command, group and option name, description and choice when it
syncs the tree; the answers come from `briefing/locales/commands/<lang>.toml`, keyed by the
English text (names and texts apart: Discord holds names to stricter rules). A topic's own
shortcut command carries its curated translations with it (`locale_str` extras).
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from briefing.i18n import ENGLISH, catalog, locale_of, words
from briefing.models import LANGS, Topic
from briefing.render.cards import clip

NAMES = {Where.command_name, Where.group_name, Where.parameter_name}
DESCRIPTION_MAX = 100


def local(locale: discord.Locale) -> str | None:
    """The catalog language for a Discord locale, if the bot speaks it (exactly)."""
    lang = locale_of(locale)
    return lang if lang != ENGLISH and lang == locale.value else None


class CatalogTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        lang = local(locale)
        if lang is None:
            return None
        given: dict[str, str] | None = string.extras.get("translations")
        if given is not None:
            return given.get(lang)
        table = "names" if context.location in NAMES else "texts"
        return catalog("commands", lang).get(f"{table}.{string.message}")


def shortcut_strings(topic: Topic) -> tuple[app_commands.locale_str, app_commands.locale_str]:
    """A topic's shortcut command name and description, with their translations."""
    names: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for lang in LANGS:
        text = topic.text(lang)
        if text is not None and text.command:
            names[lang] = text.command
        title = text.title if text is not None else topic.title
        descriptions[lang] = clip(words(lang)("topic.shortcut", title=title), DESCRIPTION_MAX)
    english = clip(words(ENGLISH)("topic.shortcut", title=topic.title), DESCRIPTION_MAX)
    return (
        app_commands.locale_str(topic.command or topic.slug, translations=names),
        app_commands.locale_str(english, translations=descriptions),
    )
