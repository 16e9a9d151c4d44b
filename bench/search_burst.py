"""Cached answers while a burst of uncached searches is being answered.

    python bench/search_burst.py [--searches 250] [--out bench/results/search-burst.json]

Both bots (the floor and the real bot on the 10,000-claim store of `latency.py`) run at
once, each on its own emulator. Each gets, at once, 250 different searches it has not seen
(one or two words, or the first letters of a word, half of them within a topic). While they
are being answered, a cached answer (`/about`, then a topic's first page, in turn) is asked
every 10 ms (not waiting for the one before) until every search has its final answer; the
same for half a second with nothing else going on, for comparison. Reported: how long those
cached answers took (median, p99, max; deferred ones count), and when the searches were
answered. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _p in (ROOT, BENCH):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import latency  # noqa: E402
import make_store  # noqa: E402
from latency import DEADLINE, Call, Running, TimedRecord  # noqa: E402

PROBE_EVERY = 0.01
QUIET_SECONDS = 0.5
PROBES = (Call("about", "about"), Call("topic", "troops"))


def searches(count: int, topics: list[str], seed: int = 4) -> list[Call]:
    """`count` different searches: one or two words, or a word's first letters (which make
    the store try word beginnings), half of them within a topic."""
    rng = random.Random(seed)
    seen: set[tuple[str, str]] = set()
    out: list[Call] = []
    while len(out) < count:
        match rng.randrange(3):
            case 0:
                query = rng.choice(make_store.WORDS)
            case 1:
                query = f"{rng.choice(make_store.WORDS)} {rng.choice(make_store.WORDS)}"
            case _:
                word = rng.choice([w for w in make_store.WORDS if len(w) > 5])
                query = word[: rng.randint(3, 5)]
        topic = rng.choice(topics) if rng.random() < 0.5 else ""
        if (query, topic) in seen:
            continue
        seen.add((query, topic))
        options = {"query": query, **({"topic": topic} if topic else {})}
        out.append(Call("search", "search", options))
    return out


def finished(record: TimedRecord) -> bool:
    return record.completed is not None or record.failed


async def probe(run: Running, while_: Callable[[], bool], seconds: float) -> dict[str, Any]:
    """Ask a cached answer every PROBE_EVERY seconds, without waiting for the last one, while
    `while_()` holds (at most `seconds`); how long the answers took."""
    emu, users = run.emu, run.users
    probes: list[TimedRecord] = []
    started = time.monotonic()
    while while_() and time.monotonic() - started < seconds:
        record = emu.build(users[len(probes) % len(users)], PROBES[len(probes) % len(PROBES)])
        await emu.fire(record)
        probes.append(record)
        await asyncio.sleep(PROBE_EVERY)
    await emu.settle(probes, time.monotonic() + DEADLINE + 0.5)
    latencies = [latency.latency_of(p) for p in probes]
    return latency.summary(latencies, sum(p.response_type == 5 for p in probes))


async def burst_with_probes(run: Running, calls: list[Call], drain: float) -> dict[str, Any]:
    quiet = await probe(run, lambda: True, QUIET_SECONDS)
    await asyncio.sleep(0.2)
    records = [run.emu.build(run.users[i % len(run.users)], c) for i, c in enumerate(calls)]
    started = time.monotonic()
    await asyncio.gather(*(run.emu.fire(r) for r in records))
    busy = await probe(run, lambda: not all(finished(r) for r in records), drain)
    await run.emu.settle(records, started + drain, full=True)
    done = [r.completed - started for r in records if r.completed is not None]
    return {
        "searches": {
            "sent": len(records),
            "dispatch_s": round(max((r.created for r in records), default=started) - started, 3),
            "answered_in_deadline": sum(r.answered is not None for r in records),
            "deferred": sum(r.response_type == 5 for r in records),
            "completed": len(done),
            "last_completed_s": round(max(done), 3) if done else None,
        },
        "cached_while_quiet": quiet,
        "cached_during_burst": busy,
    }


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    latency.RESULTS.mkdir(parents=True, exist_ok=True)
    source = await latency.prebuilt_store(args.claims)
    work = latency.workload(source, 0, 0)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as db:
        topics = [r[0] for r in db.execute("SELECT slug FROM topics ORDER BY position")]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        real_db = Path(tmp) / "real.db"
        shutil.copyfile(source, real_db)
        async with (
            latency.running("floor", BENCH / "floor_bot.py", real_db.with_name("f.db")) as floor,
            latency.running("real", None, real_db) as real,
        ):
            bots = [floor, real]
            for b in bots:
                await latency.run_interleaved([b], work.warmup)
            calls = searches(args.searches, topics)
            out = {}
            for b in bots:
                await asyncio.sleep(0.5)
                print(f"  {b.label}: {len(calls)} searches at once, cached answers meanwhile")
                out[b.label] = await burst_with_probes(b, calls, args.drain)
    return {"git": latency.git_state(), "machine": latency.machine(), "bots": out}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--searches", type=int, default=250)
    parser.add_argument("--claims", type=int, default=make_store.DEFAULT_CLAIMS)
    parser.add_argument("--drain", type=float, default=30, help="give up after this long (s)")
    parser.add_argument("--out", type=Path, default=latency.RESULTS / "search-burst.json")
    args = parser.parse_args()
    result = asyncio.run(amain(args))
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for label, r in result["bots"].items():
        s, c, q = r["searches"], r["cached_during_burst"], r["cached_while_quiet"]
        print(
            f"{label:>6}: searches {s['answered_in_deadline']}/{s['sent']} in 3 s, "
            f"{s['deferred']} deferred, last done at {s['last_completed_s']} s\n"
            f"        cached answers meanwhile ({c['count']}): median {c['median_ms']} ms, "
            f"p99 {c['p99_ms']} ms, max {c['max_ms']} ms, {c['deferred']} deferred\n"
            f"        cached answers when quiet ({q['count']}): median {q['median_ms']} ms, "
            f"p99 {q['p99_ms']} ms"
        )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
