"""2,000 digest subscriptions falling due in one slot, against a floor measured in the same run.

    python bench/digest_fanout.py [--subscriptions 2000] [--out bench/results/digest-fanout.json]

Both run against a fresh emulator with Discord's rate limits on (`RateLimitConfig()`: 50
requests/s global, 5 per 5 s per channel for posts), with the same guilds: `--subscriptions`
text channels, at most 400 per guild (Discord allows 500).

* floor: `bench/fanout_floor.py`, a bare discord.py client that posts the same digest (the
  real bot's, as JSON) in every channel at once, paced by the bot's own `Pace` at
  `DIGEST_RATE`. Its time, from the start of its fan-out (which it logs) to the creation of
  its last message, is what the
  global limit and the pacing rate cost on their own; `subscriptions × parts / rate` is the
  same floor on paper.
* real: `bot.py run` on a store holding the seed and one hourly subscription per channel,
  all due at the same minute. The bench starts the bot, waits for that minute, and times
  from the slot to the last digest posted. Meanwhile a member asks public commands every
  `--probe-every` seconds (their latency is taken inside the emulator, as in latency.py),
  from the bot being ready until the fan-out ends.

Counted for the real bot: distinct messages per channel, as members would see them (a repeat
the emulator drops by its nonce, as Discord does, is not a message; duplicates: more than
one digest for the slot; lost: none once the fan-out is over, so a slot waiting for its
retry two minutes later would count as lost, and the ledger would show it `failed`), 429
answers of any kind, ledger states, peak RSS. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _p in (ROOT, BENCH):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from latency import (  # noqa: E402
    DEADLINE,
    RESULTS,
    BenchEmulator,
    Call,
    TimedRecord,
    git_state,
    latency_of,
    machine,
    ms,
    peak_rss_mb,
    percentile,
    wait_for_log,
)

from briefing.digesting import DigestDesk  # noqa: E402
from briefing.pacing import DIGEST_RATE  # noqa: E402
from briefing.seed import read_seed  # noqa: E402
from briefing.store import Store  # noqa: E402
from briefing.subscriptions import Schedule  # noqa: E402
from cogs._embeds import to_embed  # noqa: E402
from sandbox.emulator import ChannelSpec, Emulator, GuildSpec, RateLimitConfig  # noqa: E402
from sandbox.launcher import SANDBOX_TOKEN, BotProcess  # noqa: E402

SEED = ROOT / "data" / "briefing.yaml"
PER_GUILD = 400
POSTS = r"^/channels/(\d+)/messages$"
PROBES = (
    Call("topic", "kursk-status"),
    Call("claim", "claim", {"id": "kursk-recaptured"}),
    Call("topic", "troops"),
    Call("disputed", "disputed"),
    Call("search", "search", {"query": "kursk"}),
)
TARGET_RATIO = 1.05


def guilds(subscriptions: int) -> list[GuildSpec]:
    """Channels digest-0000 … in guilds of at most PER_GUILD; #general first in the first."""
    specs = []
    for g in range(math.ceil(subscriptions / PER_GUILD)):
        first = g * PER_GUILD
        names = [f"digest-{k:04}" for k in range(first, min(first + PER_GUILD, subscriptions))]
        channels = [ChannelSpec(name=n) for n in names]
        if g == 0:
            channels.insert(0, ChannelSpec(name="general"))
        specs.append(GuildSpec(name=f"Fan-out {g}", channels=channels))
    return specs


def digest_channels(emu: Emulator) -> list[tuple[int, int]]:
    """(guild id, channel id) of every digest-* channel."""
    return [
        (g.id, c.id)
        for g in emu.guilds.values()
        for c in g.channels
        if c.name.startswith("digest-")
    ]


async def seeded_store(path: Path) -> Store:
    store = await Store.open(path)
    await store.load_seed(read_seed(SEED))
    return store


async def digest_payload(folder: Path, slot: dt.datetime) -> list[list[dict[str, Any]]]:
    """The real bot's digest for a new subscription on the seed, as embed JSON per message."""
    store = await seeded_store(folder / "payload.db")
    try:
        sub = await store.subscribe(1, 1, Schedule(frequency="hourly"), created_by=1)
        desk = DigestDesk(store)
        digest, _ = await desk.digest(sub, slot)
        messages = await desk.messages(digest, slot)
    finally:
        await store.close()
    return [[to_embed(card).to_dict() for card in cards] for cards in messages]  # type: ignore[misc]


def post_times(emu: Emulator, channels: set[int]) -> list[tuple[int, float]]:
    """(channel, creation time) of every distinct message posted in `channels`. A repeat
    that the emulator dropped by its nonce (answering with the first message) is not a
    message, so it is not counted: as on Discord, members would not see it."""
    found = []
    for channel in channels:
        for message in emu.channel_messages(channel):
            if "interaction_metadata" not in message:
                stamp = dt.datetime.fromisoformat(message["timestamp"]).timestamp()
                found.append((channel, stamp))
    return found


def too_many(emu: Emulator) -> int:
    return sum(r.status == 429 for r in emu.requests)


# ---------------------------------------------------------------------------------- floor
async def floor_run(
    args: argparse.Namespace, folder: Path, payload: Path, parts: int
) -> dict[str, Any]:
    emu = Emulator(SANDBOX_TOKEN, guilds=guilds(args.subscriptions), rate_limits=RateLimitConfig())
    await emu.start()
    log_path = RESULTS / "fanout-floor.log"
    log_path.unlink(missing_ok=True)
    floor = BotProcess(
        api_base=emu.api_base,
        gateway_url=emu.gateway_url,
        database=folder / "unused.db",
        log_path=log_path,
        script=BENCH / "fanout_floor.py",
        extra_env={"FANOUT_PAYLOAD": str(payload)},
    )
    channels = {c for _, c in digest_channels(emu)}
    await floor.start()
    try:
        await emu.wait_for_ready(timeout=120)
        began = time.time()
        expected = len(channels) * parts
        budget = expected / DIGEST_RATE * 4 + 60
        await emu.wait_until(lambda: len(post_times(emu, channels)) >= expected, budget, "floor")
        await wait_for_log(floor, "floor done", 30)
        found = re.search(r"fan-out starts at ([\d.]+)", floor.log())
        assert found is not None, "the floor never said when its fan-out started"
        start = float(found[1])
        times = [t for _, t in post_times(emu, channels)]
        result = {
            "posts": len(times),
            "fanout_started_after_ready_s": round(start - began, 3),
            "start_to_last_s": round(max(times) - start, 3),
            "first_to_last_s": round(max(times) - min(times), 3),
            "answers_429": too_many(emu),
            "peak_rss_mb": peak_rss_mb(floor.process.pid) if floor.process else None,
        }
    finally:
        await floor.stop()
        await emu.stop()
    return result


# ----------------------------------------------------------------------------------- real
def next_slot_after(lead: float) -> dt.datetime:
    """The first whole minute at least `lead` seconds from now."""
    now = dt.datetime.now(dt.UTC)
    slot = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    while (slot - now).total_seconds() < lead:
        slot += dt.timedelta(minutes=1)
    return slot


async def subscribed_store(
    path: Path, channels: Sequence[tuple[int, int]], slot: dt.datetime
) -> None:
    store = await seeded_store(path)
    try:
        schedule = Schedule(frequency="hourly", at=dt.time(0, slot.minute))
        for guild_id, channel_id in channels:
            await store.subscribe(guild_id, channel_id, schedule, created_by=1)
    finally:
        await store.close()


def ledger_states(database: Path) -> dict[str, int]:
    db = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT state, COUNT(*) FROM deliveries GROUP BY state").fetchall())
    finally:
        db.close()


def probe_summary(records: list[TimedRecord]) -> dict[str, Any]:
    latencies = sorted(latency_of(r) for r in records)
    if not latencies:
        return {"count": 0}
    return {
        "count": len(latencies),
        "median_ms": ms(percentile(latencies, 50)),
        "p99_ms": ms(percentile(latencies, 99)),
        "max_ms": ms(latencies[-1]),
        "over_3s": sum(v > DEADLINE for v in latencies),
    }


async def real_run(args: argparse.Namespace, folder: Path, parts: int) -> dict[str, Any]:
    emu = BenchEmulator(
        SANDBOX_TOKEN,
        guilds=guilds(args.subscriptions),
        interaction_deadline=DEADLINE,
        rate_limits=RateLimitConfig(),
    )
    await emu.start()
    pairs = digest_channels(emu)
    channels = {c for _, c in pairs}
    database = folder / "real.db"
    slot = next_slot_after(args.lead)
    await subscribed_store(database, pairs, slot)
    log_path = RESULTS / "fanout-real.log"
    log_path.unlink(missing_ok=True)
    bot = BotProcess(
        api_base=emu.api_base,
        gateway_url=emu.gateway_url,
        database=database,
        log_path=log_path,
    )
    started = time.monotonic()
    await bot.start()
    probes_before: list[TimedRecord] = []
    probes_during: list[TimedRecord] = []
    try:
        await emu.wait_for_ready(timeout=120)
        if not await wait_for_log(bot, "ready as", 60):
            raise RuntimeError("the bot never logged 'ready as'")
        ready_s = time.monotonic() - started
        if dt.datetime.now(dt.UTC) >= slot:
            raise RuntimeError(f"the bot was ready after the slot; raise --lead ({args.lead})")
        print(f"  real: ready in {ready_s:.1f} s; slot at {slot:%H:%M:%S} UTC")
        first_guild = next(iter(emu.guilds.values()))
        member = emu.add_member(first_guild.id, "prober")
        expected = len(channels) * parts
        deadline = time.monotonic() + (slot - dt.datetime.now(dt.UTC)).total_seconds()
        deadline += expected / DIGEST_RATE * 4 + 60
        n = 0
        while len(post_times(emu, channels)) < expected and time.monotonic() < deadline:
            record = emu.build(member, PROBES[n % len(PROBES)])
            during = time.time() >= slot.timestamp()
            (probes_during if during else probes_before).append(record)
            await emu.fire(record)
            n += 1
            await asyncio.sleep(args.probe_every)
        await emu.settle(probes_before + probes_during, time.monotonic() + 2 * DEADLINE)
        await asyncio.sleep(args.settle)  # time for a second post of any slot to show
        times = post_times(emu, channels)
        per_channel: dict[int, int] = dict.fromkeys(channels, 0)
        for channel, _ in times:
            per_channel[channel] += 1
        arrivals = sorted(t for _, t in times)
        peak = peak_rss_mb(bot.process.pid) if bot.process else None
        result = {
            "ready_s": round(ready_s, 2),
            "posts": len(times),
            "slot_to_first_s": round(arrivals[0] - slot.timestamp(), 3) if arrivals else None,
            "slot_to_last_s": round(arrivals[-1] - slot.timestamp(), 3) if arrivals else None,
            "duplicates": sum(max(k - parts, 0) for k in per_channel.values()),
            "lost": sum(k < parts for k in per_channel.values()),
            "answers_429": too_many(emu),
            "ledger": ledger_states(database),
            "probes_before_slot": probe_summary(probes_before),
            "probes_during_fanout": probe_summary(probes_during),
            "peak_rss_mb": peak,
        }
    finally:
        await bot.stop()
        await emu.stop()
    return result


# -------------------------------------------------------------------------------- report
def table(result: dict[str, Any]) -> str:
    f, r, paper = result["floor"], result["real"], result["floor_on_paper_s"]
    during = r["probes_during_fanout"]
    rows = [
        ("subscriptions", f"{result['settings']['subscriptions']:,}", ""),
        ("messages per digest", str(result["settings"]["parts"]), ""),
        ("floor on paper (N / rate)", f"{paper:.2f} s", ""),
        ("floor measured (start → last post)", f"{f['start_to_last_s']:.2f} s", ""),
        ("real (slot → last digest)", f"{r['slot_to_last_s']:.2f} s", ""),
        ("real / measured floor", f"{result['ratio_measured']:.3f}×", f"≤ {TARGET_RATIO}×"),
        ("real / floor on paper", f"{result['ratio_paper']:.3f}×", f"≤ {TARGET_RATIO}×"),
        ("429 answers (real, floor)", f"{r['answers_429']}, {f['answers_429']}", "0"),
        ("duplicates / lost", f"{r['duplicates']} / {r['lost']}", "0 / 0"),
        ("ledger", json.dumps(r["ledger"]), ""),
        (
            "public answers during the fan-out",
            f"{during.get('count', 0)}: median {during.get('median_ms')} ms, "
            f"p99 {during.get('p99_ms')} ms, max {during.get('max_ms')} ms, "
            f"{during.get('over_3s', 0)} over 3 s",
            "all ≤ 3 s",
        ),
        ("peak RSS (real)", f"{r['peak_rss_mb']} MB", ""),
    ]
    width = max(len(k) for k, _, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}{'   target ' + t if t else ''}" for k, v, t in rows)


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fanout-") as tmp:
        folder = Path(tmp)
        payload = await digest_payload(folder, dt.datetime.now(dt.UTC))
        payload_path = folder / "payload.json"
        payload_path.write_text(json.dumps(payload), encoding="utf-8")
        parts = len(payload)
        print(f"floor: {args.subscriptions:,} posts of {parts} message(s) at {DIGEST_RATE}/s")
        floor = await floor_run(args, folder, payload_path, parts)
        print(f"  floor: {floor['start_to_last_s']:.2f} s")
        print(f"real: bot.py run with {args.subscriptions:,} hourly subscriptions due at once")
        real = await real_run(args, folder, parts)
    paper = args.subscriptions * parts / DIGEST_RATE
    slot_to_last = real["slot_to_last_s"] or math.inf
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "machine": machine(),
        "git": git_state(),
        "settings": {
            "subscriptions": args.subscriptions,
            "parts": parts,
            "pacing_rate_per_s": DIGEST_RATE,
            "probe_every_s": args.probe_every,
            "rate_limits": "emulator defaults (Discord-like): 50/s global, 5 per 5 s per channel",
        },
        "floor_on_paper_s": round(paper, 3),
        "floor": floor,
        "real": real,
        "ratio_measured": round(slot_to_last / floor["start_to_last_s"], 4),
        "ratio_paper": round(slot_to_last / paper, 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=2000)
    parser.add_argument("--probe-every", type=float, default=0.5, help="seconds between probes")
    parser.add_argument("--lead", type=float, default=45, help="seconds from setup to the slot")
    parser.add_argument("--settle", type=float, default=5, help="seconds to wait for repeats")
    parser.add_argument("--out", type=Path, default=RESULTS / "digest-fanout.json")
    args = parser.parse_args()
    result = asyncio.run(amain(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(table(result))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
