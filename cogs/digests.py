"""/digest: server admins subscribe channels to digests; and the posting of them.

Who: Manage Server, hidden by `default_permissions` and checked again on every call. When:
`briefing.scheduler` (APScheduler), jobs rebuilt from the store when the cog loads. What:
`briefing.digesting`. Posting: paced below Discord's global rate, each request under a
timeout and retried on 5xx; a 403 or 404 pauses the subscription with the reason.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, Literal, get_args

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from briefing.digesting import (
    ChannelGone,
    DigestDesk,
    PostFailed,
    Result,
    schedule_of,
    topics_of,
)
from briefing.pacing import DIGEST_RATE, Pace, retrying
from briefing.render.cards import Card, clip
from briefing.render.words import timestamp
from briefing.scheduler import DigestScheduler
from briefing.subscriptions import (
    Frequency,
    Subscription,
    describe,
    slot_nonce,
    zone_names,
)
from cogs._bot import Choices, briefed
from cogs._desk import private
from cogs._embeds import to_embed
from cogs._notify import to_editors
from cogs._odd_input import no_choices_on_error

log = logging.getLogger(__name__)
# What posting a digest (or a report to the editors) needs in a channel; the invite asks
# for exactly these.
POSTING = ("view_channel", "send_messages", "embed_links")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, discord.DiscordServerError | aiohttp.ClientError)


class NotAnAdmin(app_commands.CheckFailure):
    pass


def _reason(exc: BaseException) -> str:
    if isinstance(exc, discord.HTTPException):
        return f"{exc.status} {clip(exc.text or type(exc).__name__, 120)}"
    return str(exc) or type(exc).__name__


@app_commands.guild_only()
@app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)  # a member's own install has no server
@app_commands.default_permissions(manage_guild=True)
class Digests(commands.GroupCog, group_name="digest", group_description="Scheduled digests"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.desk: DigestDesk = briefed(bot).digests
        self.pace = Pace(DIGEST_RATE)
        self.per_try = briefed(bot).settings.digest_request_timeout
        self.scheduler = DigestScheduler(self.deliver, self.desk.last_handled_slot)
        super().__init__()

    async def cog_load(self) -> None:
        subscriptions = await self.desk.subscriptions()
        self.scheduler.start(subscriptions)
        self._catching_up = asyncio.create_task(self._catch_up(subscriptions))

    async def _catch_up(self, subscriptions: list[Any]) -> None:
        await self.bot.wait_until_ready()
        await self.scheduler.catch_up(subscriptions)

    async def cog_unload(self) -> None:
        self._catching_up.cancel()
        self.scheduler.shutdown()

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.type is not discord.InteractionType.autocomplete:
            if interaction.guild_id is None or not interaction.permissions.manage_guild:
                raise NotAnAdmin("Only members with Manage Server can manage digests here.")
        return True

    # -- posting ------------------------------------------------------------------------

    async def deliver(self, subscription_id: int, slot: dt.datetime, skipped: list[Any]) -> Result:
        """One slot, once (`DigestDesk.deliver`); a paused channel loses its job and the
        editors are told."""
        result = await self.desk.deliver(subscription_id, slot, self._post, skipped=skipped)
        briefed(self.bot).metrics.deliveries.labels(result.outcome).inc()
        if result.outcome == "paused":
            self.scheduler.remove(subscription_id)
            subscription = await self.desk.subscription_by_id(subscription_id)
            if subscription is not None:
                await self._tell_editors(subscription.channel_id, result.detail)
        return result

    async def _post(
        self, subscription: Subscription, slot: dt.datetime, messages: list[list[Card]]
    ) -> list[int]:
        """Post a digest's messages, paced, each request bounded and retried; Discord's
        refusals become the core's `ChannelGone` and `PostFailed`."""
        try:
            channel = await self._channel(subscription.channel_id)
            ids = []
            for part, cards in enumerate(messages):
                embeds = [to_embed(c) for c in cards]
                nonce = slot_nonce(subscription.id, slot, part)

                async def send(embeds: list[discord.Embed] = embeds, nonce: str = nonce) -> Any:
                    return await channel.send(embeds=embeds, nonce=nonce)

                message = await retrying(
                    send, retryable=_retryable, per_try=self.per_try, before=self.pace.wait
                )
                ids.append(message.id)
            return ids
        except (discord.Forbidden, discord.NotFound) as exc:
            raise ChannelGone(_reason(exc)) from exc
        except (discord.DiscordServerError, aiohttp.ClientError, TimeoutError) as exc:
            raise PostFailed(_reason(exc)) from exc

    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            channel = await retrying(
                lambda: self.bot.fetch_channel(channel_id),
                retryable=_retryable,
                per_try=self.per_try,
                before=self.pace.wait,
            )
        if not isinstance(channel, discord.abc.Messageable):
            raise ChannelGone("the channel no longer takes messages")
        return channel

    async def _tell_editors(self, channel_id: int, reason: str) -> None:
        text = (
            f"Digests to <#{channel_id}> are paused: {reason}. A server admin can "
            "subscribe the channel again once the bot can post there."
        )
        await self.pace.wait()  # one of the fan-out's requests; a hung channel holds no slot
        await to_editors(self.bot, "a paused digest", text, timeout=self.per_try)

    # -- commands -----------------------------------------------------------------------

    @no_choices_on_error
    async def zones(self, interaction: discord.Interaction, current: str) -> Choices:
        typed = current.strip().lower()
        names = sorted(n for n in zone_names() if typed in n.lower())
        return [app_commands.Choice(name=n, value=n) for n in names[:25]]

    @app_commands.command(name="subscribe", description="Post digests in a channel")
    @app_commands.describe(
        channel="Where to post",
        frequency="How often (default: daily)",
        time="Local time HH:MM (default 09:00)",
        timezone="IANA time zone, e.g. Europe/Kyiv (default UTC)",
        topics="Only these topics, e.g. troops, kursk (default: all)",
        only_when_changed="Skip a digest when nothing changed",
        weekday="For weekly digests: the day (default Monday)",
    )
    @app_commands.autocomplete(timezone=zones)
    async def subscribe(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        frequency: Frequency = "daily",
        time: app_commands.Range[str, 1, 5] = "09:00",
        timezone: app_commands.Range[str, 1, 60] = "UTC",
        topics: app_commands.Range[str, 1, 200] | None = None,
        only_when_changed: bool = False,
        weekday: Weekday = "monday",
    ) -> None:
        if channel.guild.id != interaction.guild_id:
            raise NotAnAdmin("That channel is in another server.")
        schedule = schedule_of(frequency, time, timezone, WEEKDAYS.index(weekday))
        me = channel.guild.me
        missing = [p for p in POSTING if not getattr(channel.permissions_for(me), p)]
        if missing:
            names = ", ".join(p.replace("_", " ").title() for p in missing)
            raise NotAnAdmin(f"The bot cannot post digests in {channel.mention}: it needs {names}.")
        subscription = await self.desk.subscribe(
            channel.guild.id,
            channel.id,
            schedule,
            topics=topics_of(topics),
            only_when_changed=only_when_changed,
            by=interaction.user.id,
        )
        self.scheduler.put(subscription)
        next_run = self.scheduler.next_run(subscription.id)
        when = timestamp(next_run, "f") if next_run else "not scheduled"
        await private(
            interaction,
            Card(
                title="Digests subscribed",
                description=f"{channel.mention}: {describe(subscription.schedule)}; "
                f"the next at {when}.",
            ),
        )

    async def _subscribed(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> Subscription:
        """The channel's subscription, if it is one of this server's."""
        subscription = await self.desk.subscription(channel.id)
        if subscription is None or subscription.guild_id != interaction.guild_id:
            raise NotAnAdmin(f"{channel.mention} has no digest subscription.")
        return subscription

    @app_commands.command(name="unsubscribe", description="Stop a channel's digests")
    async def unsubscribe(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        subscription = await self._subscribed(interaction, channel)
        await self.desk.unsubscribe(channel.id)
        self.scheduler.remove(subscription.id)
        await private(interaction, Card(title="Unsubscribed", description=channel.mention))

    @app_commands.command(name="list", description="This server's digest subscriptions")
    async def list_(self, interaction: discord.Interaction) -> None:
        lines = []
        for s in await self.desk.subscriptions(interaction.guild_id):
            next_run = self.scheduler.next_run(s.id)
            last = await self.desk.last_delivery(s.id)
            line = f"<#{s.channel_id}>: {describe(s.schedule)}"
            line += f" · next {timestamp(next_run, 'R')}" if next_run else ""
            line += f" · last {timestamp(last.slot, 'R')}" if last else " · none sent yet"
            if s.state == "paused":
                line += f" · **paused**: {clip(s.pause_reason or '', 200)}"
            lines.append(line)
        text = "\n".join(lines) or "No channel here gets digests. Use `/digest subscribe`."
        await private(interaction, Card(title="Digest subscriptions", description=text))

    @app_commands.command(name="preview", description="Exactly what a channel's digest says now")
    async def preview(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        target = channel or interaction.channel
        subscription = await self.desk.subscription(target.id) if target else None
        if subscription is None:
            raise NotAnAdmin("That channel has no digest subscription: subscribe it first.")
        now = dt.datetime.now(dt.UTC)
        digest, _ = await self.desk.digest(subscription, now)
        messages = await self.desk.messages(digest, now)
        await interaction.response.defer(ephemeral=True, thinking=True)
        for cards in messages:
            await interaction.followup.send(embeds=[to_embed(c) for c in cards], ephemeral=True)

    @app_commands.command(name="send-now", description="Post a channel's digest now")
    async def send_now(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        subscription = await self._subscribed(interaction, channel)
        await interaction.response.defer(ephemeral=True, thinking=True)
        slot = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
        result = await self.deliver(subscription.id, slot, [])
        await private(interaction, Card(title="Digest", description=_told(result, channel)))


def _told(result: Result, channel: discord.TextChannel) -> str:
    """What `send-now` says became of the digest."""
    where = channel.mention
    match result.outcome, result.detail:
        case "sent", _:
            return f"Sent to {where} ({len(result.message_ids)} message(s))."
        case "skipped", detail:
            return f"Not sent to {where}: {detail}."
        case "paused", detail:
            return f"Not sent: digests to {where} are now paused ({detail})."
        case "failed", detail:
            return (
                f"Discord kept failing ({detail}), so the digest did not go out in full in "
                f"{where}; try again in a few minutes."
            )
        case "busy", _:
            return f"This minute's digest for {where} is being sent right now."
        case "done", "unsubscribed":
            return f"{where} is no longer subscribed."
        case "done", detail if detail.startswith("given up"):
            return f"This minute's digest for {where} was {detail}; send it again next minute."
        case _:
            return f"This minute's digest for {where} was already sent."


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Digests(bot))
