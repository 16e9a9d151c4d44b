"""Command latency and burst throughput of the real bot against a bare discord.py floor.

    python bench/latency.py [--n 2000] [--burst 1000] [--out bench/results/latest.json]

Both bots (the floor, bench/floor_bot.py, and the real bot on a 10,000-claim store) run at
once, each on a fresh emulator with the same settings. When both are ready and warmed up:

* latency: N interactions one after another, cycling through a mix of commands, each sent
  to both bots in turn (alternating which goes first), so both see the same moments of
  this shared machine;
* burst: B interactions dispatched at once to each bot in turn; how many got their
  callback inside Discord's 3 s deadline, the wall time to the last one, and answered/s.

Latency is measured inside the emulator: from just before it writes INTERACTION_CREATE to
the gateway socket, to the moment the headers of the bot's callback request arrive (an
aiohttp middleware of `BenchEmulator` stamps both on the interaction record; a callback
counts only if the emulator then accepts it). Results go to --out as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _p in (ROOT, BENCH):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import discord  # noqa: E402
import make_store  # noqa: E402
from aiohttp import web  # noqa: E402

from sandbox.emulator import (  # noqa: E402
    ChannelSpec,
    Emulator,
    GuildSpec,
    InteractionRecord,
    MemberSpec,
    RateLimitConfig,
)
from sandbox.emulator.options import Building  # noqa: E402
from sandbox.launcher import SANDBOX_TOKEN, BotProcess  # noqa: E402

DEADLINE = 3.0  # Discord's: the initial response must come within 3 s
RESULTS = BENCH / "results"
KINDS = ("topic", "claim", "search", "disputed", "timeline", "about", "autocomplete")
SHORTCUTS = ("troops", "treaty", "kursk-status")
TARGET_MEDIAN, TARGET_P99 = 1.2, 1.5


# ---------------------------------------------------------------------------- emulator
class TimedRecord(InteractionRecord):
    """An interaction record that notes when its initial response was accepted, and when a
    deferred ("thinking...") response was completed by editing the original message."""

    answered: float | None = None
    completed: float | None = None
    arrived: float | None = None  # when the first callback request reached the emulator

    def __setattr__(self, name: str, value: Any) -> None:
        now = time.monotonic()
        if name == "response_type" and value is not None and self.answered is None:
            object.__setattr__(self, "answered", now)
            if value != 5:
                object.__setattr__(self, "completed", now)
        elif name == "original_edits" and value and self.completed is None:
            object.__setattr__(self, "completed", now)
        object.__setattr__(self, name, value)


_CALLBACK = re.compile(r"/interactions/(\d+)/[^/]+/callback$")


class BenchEmulator(Emulator):
    """The emulator, plus build-then-fire interactions with timestamps on the records."""

    def _middlewares(self) -> list[Any]:
        @web.middleware
        async def stamp_arrival(request: web.Request, handler: Any) -> web.StreamResponse:
            # As soon as the callback's headers are in: before the emulator reads, parses,
            # checks or stores the body, which is its own work, not the bot's.
            now = time.monotonic()
            if match := _CALLBACK.search(request.path):
                record = self.interactions.get(int(match[1]))
                if isinstance(record, TimedRecord) and record.arrived is None:
                    object.__setattr__(record, "arrived", now)
            return await handler(request)

        return [stamp_arrival]

    def _interaction_payload(self, *args: Any, **kwargs: Any) -> InteractionRecord:
        record = super()._interaction_payload(*args, **kwargs)
        record.__class__ = TimedRecord
        return record

    def build(self, user: MemberSpec, call: Call) -> TimedRecord:
        guild, channel_id = self._resolve_location(user, None, None)
        cmd = self.find_command(call.name, guild.id if guild else None)
        where = Building(guild, channel_id)
        data = self._command_data(cmd, call.name, call.options, where, focused=call.focused)
        itype = 4 if call.focused else 2
        record = self._interaction_payload(itype, data, user, guild, channel_id)
        assert isinstance(record, TimedRecord)
        return record

    async def fire(self, record: InteractionRecord) -> None:
        # The deadline (and our latency) starts now, as the event goes out.
        record.created, record.created_wall = time.monotonic(), time.time()
        if not await self.gateway.dispatch("INTERACTION_CREATE", record.payload):
            raise RuntimeError("no bot is connected to the gateway")

    async def settle(self, records: list[TimedRecord], until: float, *, full: bool = False) -> None:
        """Wait until every record is answered (`full`: completed) or refused, or `until`."""
        try:
            await self.wait_until(
                lambda: all(
                    (r.completed if full else r.answered) is not None or r.failed for r in records
                ),
                max(until - time.monotonic(), 0.0),
                "responses",
            )
        except TimeoutError:
            pass


# ---------------------------------------------------------------------------- workload
@dataclass(frozen=True)
class Call:
    kind: str
    name: str
    options: dict[str, Any] = field(default_factory=dict)
    focused: str | None = None


def make_call(kind: str, rng: random.Random, ids: list[str], topics: list[str]) -> Call:
    topic = {"topic": rng.choice(topics)} if rng.random() < 0.5 else {}
    match kind:
        case "topic":
            return Call(kind, rng.choice(SHORTCUTS))
        case "claim":
            return Call(kind, "claim", {"id": rng.choice(ids)})
        case "search":
            words = " ".join(rng.choice(make_store.WORDS) for _ in range(rng.randint(1, 2)))
            return Call(kind, "search", {"query": words})
        case "disputed" | "timeline":
            return Call(kind, kind, topic)
        case "about":
            return Call(kind, "about")
        case "autocomplete":
            typed = rng.choice(ids)[: rng.randint(1, 8)]
            return Call(kind, "claim", {"id": typed}, focused="id")
    raise ValueError(kind)


def plan(n: int, seed: int, ids: list[str], topics: list[str], *, shuffled: bool) -> list[Call]:
    rng = random.Random(seed)
    kinds = [KINDS[i % len(KINDS)] for i in range(n)]
    if shuffled:
        rng.shuffle(kinds)
    return [make_call(k, rng, ids, topics) for k in kinds]


# ---------------------------------------------------------------------------- statistics
def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; a missed deadline counts as infinitely slow."""
    ordered = sorted(values)
    return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)]


def ms(value: float) -> float | None:
    return None if math.isinf(value) else round(value * 1000, 3)


def summary(latencies: list[float], deferred: int = 0) -> dict[str, Any]:
    return {
        "count": len(latencies),
        "missed": sum(math.isinf(v) for v in latencies),
        "deferred": deferred,
        "median_ms": ms(statistics.median(latencies)),
        "p99_ms": ms(percentile(latencies, 99)),
        "max_ms": ms(max(latencies)),
    }


def latency_of(record: TimedRecord) -> float:
    """Dispatch to the arrival of the callback that was accepted (inf if none was)."""
    if record.answered is None:
        return math.inf
    return (record.arrived or record.answered) - record.created


# ---------------------------------------------------------------------------- one bot
async def wait_for_log(bot: BotProcess, text: str, timeout: float) -> bool:  # noqa: ASYNC109
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if text in bot.log():
            return True
        if bot.returncode is not None:
            raise RuntimeError(f"the bot exited ({bot.returncode}); its log:\n{bot.log()}")
        await asyncio.sleep(0.1)
    return False


@dataclass(frozen=True)
class Sample:
    call: Call
    latency: float  # seconds; inf when the deadline passed without a response
    deferred: bool  # the initial response was "thinking..." (type 5)

    @property
    def kind(self) -> str:
        return self.call.kind


def summarise(samples: list[Sample]) -> dict[str, Any]:
    return summary([s.latency for s in samples], sum(s.deferred for s in samples))


async def run_burst(
    emu: BenchEmulator, users: list[MemberSpec], calls: list[Call], drain: float
) -> dict[str, Any]:
    records = [emu.build(users[i % len(users)], c) for i, c in enumerate(calls)]
    started = time.monotonic()
    await asyncio.gather(*(emu.fire(r) for r in records))
    dispatched = time.monotonic() - started
    await emu.settle(records, time.monotonic() + DEADLINE + 0.5)
    answered = [r for r in records if r.answered is not None]
    last = max((r.answered for r in answered if r.answered is not None), default=started)
    wall = last - started
    lat = [latency_of(r) for r in records]
    deferred = sum(r.response_type == 5 for r in records)
    if deferred:  # how long the members who saw "thinking..." waited for the answer
        await emu.settle(answered, time.monotonic() + drain, full=True)
    done = [r.completed - started for r in answered if r.completed is not None]
    return {
        "sent": len(records),
        "answered_in_deadline": len(answered),
        "late_or_missing": len(records) - len(answered),
        "late_refused": sum(r.failed and r.callback_attempts > 0 for r in records),
        "deferred": deferred,
        "completed_after_drain": len(done),
        "last_completed_s": round(max(done), 3) if done else None,
        "dispatch_s": round(dispatched, 3),
        "wall_s": round(wall, 3),
        "answered_per_s": round(len(answered) / wall, 1) if wall > 0 else None,
        "latency": summary(lat, deferred),
    }


async def start_py_spy(pid: int, label: str, seconds: float) -> asyncio.subprocess.Process | None:
    """Sample the bot with py-spy (if --py-spy names its binary) while it is measured."""
    exe = os.environ.get("BENCH_PY_SPY")
    if not exe:
        return None
    out = RESULTS / f"{label}-py-spy.txt"
    return await asyncio.create_subprocess_exec(
        exe, "record", "--pid", str(pid), "--format", "raw", "--duration", str(int(seconds)),
        "--rate", os.environ.get("BENCH_PY_SPY_RATE", "200"), "--output", str(out), "--nonblocking",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


@dataclass
class Running:
    """A bot process, ready, on its own emulator."""

    label: str
    emu: BenchEmulator
    bot: BotProcess
    users: list[MemberSpec]
    ready_s: float
    exit_code: int | None = None
    peak_rss_mb: float | None = None

    @property
    def pid(self) -> int:
        assert self.bot.process is not None
        return self.bot.process.pid


@contextlib.asynccontextmanager
async def running(label: str, script: Path | None, database: Path) -> AsyncIterator[Running]:
    emu = BenchEmulator(
        SANDBOX_TOKEN,
        guilds=[GuildSpec(name="Bench", channels=[ChannelSpec(name="general")])],
        interaction_deadline=DEADLINE,
        rate_limits=RateLimitConfig(),  # Discord-like buckets; callbacks are global-exempt
    )
    await emu.start()
    log_path = RESULTS / f"{label}-bot.log"
    log_path.unlink(missing_ok=True)
    bot = BotProcess(
        api_base=emu.api_base,
        gateway_url=emu.gateway_url,
        database=database,
        log_path=log_path,
        script=script,
    )
    started = time.monotonic()
    await bot.start()
    run: Running | None = None
    try:
        await emu.wait_for_commands(timeout=60)
        await emu.wait_for_ready(timeout=60)
        if not await wait_for_log(bot, "ready as", 30):
            print(f"  {label}: no 'ready as' in the bot log; measuring anyway", file=sys.stderr)
        guild = next(iter(emu.guilds.values()))
        users = [emu.add_member(guild.id, f"member{i}") for i in range(25)]
        run = Running(label, emu, bot, users, time.monotonic() - started)
        print(f"  {label}: ready in {run.ready_s:.1f}s")
        yield run
    finally:
        peak = peak_rss_mb(bot.process.pid) if bot.process else None
        code = await bot.stop()
        if run is not None:
            run.exit_code, run.peak_rss_mb = code, peak
        await emu.stop()


async def run_interleaved(bots: list[Running], calls: list[Call]) -> dict[str, list[Sample]]:
    """Each call on every bot in turn (the order alternating), one at a time.

    Taking both bots' samples side by side means a noisy moment on this shared machine
    lands on both, instead of on whichever bot happened to be measured then.
    """
    out: dict[str, list[Sample]] = {b.label: [] for b in bots}
    for i, call in enumerate(calls):
        for b in bots if i % 2 == 0 else reversed(bots):
            record = b.emu.build(b.users[i % len(b.users)], call)
            await b.emu.fire(record)
            await b.emu.settle([record], time.monotonic() + DEADLINE + 0.25)
            out[b.label].append(Sample(call, latency_of(record), record.response_type == 5))
    return out


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory (Linux), read before it is stopped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return round(int(found[1]) / 1024, 1) if found else None


def report(run: Running, seq: list[Sample], seq_s: float, burst: dict[str, Any]) -> dict[str, Any]:
    return {
        "ready_s": round(run.ready_s, 2),
        "sequential_s": round(seq_s, 2),
        "latency": summarise(seq),
        "latency_by_kind": {k: summarise([s for s in seq if s.kind == k]) for k in KINDS},
        # The slowest calls, to see what sets the p99.
        "slowest": [
            {"ms": round(s.latency * 1000, 3), "kind": s.kind, "command": s.call.name}
            | ({"options": s.call.options} if s.call.options else {})
            for s in sorted(seq, key=lambda s: s.latency, reverse=True)[:15]
        ],
        "burst": burst,
        "exit_code": run.exit_code,
        "peak_rss_mb": run.peak_rss_mb,
        "tracebacks_before_stop": burst.pop("tracebacks"),
        "log": str((RESULTS / f"{run.label}-bot.log").relative_to(ROOT)),
    }


async def bench_bots(args: argparse.Namespace, work: Workload, real_db: Path) -> dict[str, Any]:
    """Both bots up at once; latency interleaved call by call; then each bot's burst."""
    floor_db = real_db.with_name("floor.db")  # unused by the floor bot
    async with (
        running("floor", BENCH / "floor_bot.py", floor_db) as floor,
        running("real", None, real_db) as real,
    ):
        bots = [floor, real]
        for b in bots:
            await run_interleaved([b], work.warmup)
        print(f"  warmed up; {len(work.sequential)} sequential calls on each, interleaved")
        spies = [await start_py_spy(b.pid, b.label, args.py_spy_seconds) for b in bots]
        t = time.monotonic()
        seq = await run_interleaved(bots, work.sequential)
        seq_s = time.monotonic() - t
        bursts = {}
        for b in bots:
            await asyncio.sleep(0.5)
            print(f"  {b.label}: burst of {len(work.burst)}")
            bursts[b.label] = await run_burst(b.emu, b.users, work.burst, args.drain)
            # Tracebacks logged later come from stopping the bot with a backlog.
            bursts[b.label]["tracebacks"] = b.bot.log().count("Traceback")
        for spy in spies:
            if spy is not None:
                await spy.wait()
    return {b.label: report(b, seq[b.label], seq_s, bursts[b.label]) for b in bots}


# ---------------------------------------------------------------------------- store
def store_fingerprint(claims: int) -> str:
    h = hashlib.sha256(f"{claims}:{make_store.DEFAULT_RANDOM_SEED}".encode())
    files = [BENCH / "make_store.py", make_store.SEED_FILE, ROOT / "briefing" / "models.py"]
    files += sorted((ROOT / "briefing" / "store" / "migrations").glob("*"))
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


async def prebuilt_store(claims: int) -> Path:
    """The generated store, cached in bench/results/ (building it takes ~20 s)."""
    path = RESULTS / f"store-{claims}-{store_fingerprint(claims)}.db"
    if not path.exists():
        print(f"building {path.name} ({claims} claims; cached for later runs) ...")
        for old in RESULTS.glob(f"store-{claims}-*.db*"):
            old.unlink()
        tmp = path.with_suffix(".tmp")
        await make_store.build(tmp, claims)
        tmp.rename(path)
    return path


@dataclass
class Workload:
    warmup: list[Call]
    sequential: list[Call]
    burst: list[Call]


def workload(store: Path, n: int, burst: int) -> Workload:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        ids = [r[0] for r in db.execute("SELECT id FROM claims ORDER BY id")]
        topics = [r[0] for r in db.execute("SELECT slug FROM topics ORDER BY position")]
    return Workload(
        warmup=plan(3 * len(KINDS), 1, ids, topics, shuffled=False),
        sequential=plan(n, 2, ids, topics, shuffled=False),
        burst=plan(burst, 3, ids, topics, shuffled=True),
    )


# ---------------------------------------------------------------------------- report
def ratio(real: float | None, floor: float | None) -> float | None:
    if real is None:
        return None
    return round(real / floor, 2) if floor else None


def fmt(value: Any, unit: str = "") -> str:
    return "miss" if value is None else f"{value}{unit}"


def table(result: dict[str, Any]) -> str:
    f, r = result["bots"]["floor"], result["bots"]["real"]
    rat = result["ratios"]
    rows = [
        ("", "floor", "real", "real/floor", "target"),
        ("median (ms)", f["latency"]["median_ms"], r["latency"]["median_ms"],
         fmt(rat["median"], "x"), f"<= {TARGET_MEDIAN}x"),
        ("p99 (ms)", f["latency"]["p99_ms"], r["latency"]["p99_ms"],
         fmt(rat["p99"], "x"), f"<= {TARGET_P99}x"),
        ("missed 3 s (seq)", f["latency"]["missed"], r["latency"]["missed"], "", "0"),
        ("deferred (seq)", f["latency"]["deferred"], r["latency"]["deferred"], "", ""),
        ("burst answered <= 3 s", f["burst"]["answered_in_deadline"],
         r["burst"]["answered_in_deadline"], "", f"all {f['burst']['sent']}"),
        ("burst deferred", f["burst"]["deferred"], r["burst"]["deferred"], "", ""),
        ("burst completed", f["burst"]["completed_after_drain"],
         r["burst"]["completed_after_drain"], "", ""),
        ("burst last complete (s)", f["burst"]["last_completed_s"],
         r["burst"]["last_completed_s"], "", ""),
        ("burst wall (s)", f["burst"]["wall_s"], r["burst"]["wall_s"], "", ""),
        ("burst answered/s", f["burst"]["answered_per_s"], r["burst"]["answered_per_s"], "", ""),
        ("peak RSS (MB)", f["peak_rss_mb"], r["peak_rss_mb"], "", ""),
    ]  # fmt: skip
    lines = [f"{a:<24}{fmt(b):>10}{fmt(c):>10}{d:>12}{e:>12}" for a, b, c, d, e in rows]
    lines.append("")
    lines.append(f"{'median/p99 by command':<24}{'floor':>20}{'real':>20}")
    for kind in KINDS:
        fk, rk = f["latency_by_kind"][kind], r["latency_by_kind"][kind]
        lines.append(
            f"{kind:<24}{fmt(fk['median_ms']):>10}{fmt(fk['p99_ms']):>10}"
            f"{fmt(rk['median_ms']):>10}{fmt(rk['p99_ms']):>10}"
        )
    return "\n".join(lines)


def git_state() -> dict[str, Any]:
    def git(*argv: str) -> str:
        try:
            return subprocess.run(
                ["git", *argv], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    dirty = git("status", "--porcelain", "--", "bot.py", "briefing", "cogs")
    return {"commit": git("rev-parse", "--short", "HEAD"), "bot_code_uncommitted": bool(dirty)}


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "discord.py": discord.__version__,
    }


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    source = await prebuilt_store(args.claims)
    work = workload(source, args.n, args.burst)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        real_db = Path(tmp) / "real.db"
        shutil.copyfile(source, real_db)  # the bot writes to its store (command-tree hash)
        print(f"floor bot (bench/floor_bot.py) and real bot (bot.py, {args.claims} claims)")
        bots = await bench_bots(args, work, real_db)
    f, r = bots["floor"], bots["real"]
    ratios = {
        "median": ratio(r["latency"]["median_ms"], f["latency"]["median_ms"]),
        "p99": ratio(r["latency"]["p99_ms"], f["latency"]["p99_ms"]),
    }
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "machine": machine(),
        "git": git_state(),
        "settings": {
            "n": args.n,
            "burst": args.burst,
            "claims": args.claims,
            "interaction_deadline_s": DEADLINE,
            "rate_limits": "emulator defaults (Discord-like); interaction callbacks global-exempt",
            "mix": list(KINDS),
        },
        "bots": bots,
        "ratios": ratios,
        "targets": {
            "median_ratio_max": TARGET_MEDIAN,
            "p99_ratio_max": TARGET_P99,
            "median_met": ratios["median"] is not None and ratios["median"] <= TARGET_MEDIAN,
            "p99_met": ratios["p99"] is not None and ratios["p99"] <= TARGET_P99,
            "burst_met": r["burst"]["answered_in_deadline"] == r["burst"]["sent"],
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="sequential interactions per bot")
    parser.add_argument("--burst", type=int, default=1000, help="interactions fired at once")
    parser.add_argument("--claims", type=int, default=make_store.DEFAULT_CLAIMS)
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    parser.add_argument(
        "--drain", type=float, default=15, help="seconds to wait for deferred answers to finish"
    )
    parser.add_argument(
        "--py-spy-seconds",
        type=float,
        default=30,
        help="with BENCH_PY_SPY=/path/to/py-spy: sample each bot this long (raw stacks to "
        "bench/results/<bot>-py-spy.txt)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    result = asyncio.run(amain(args))
    result["total_s"] = round(time.monotonic() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(result))
    print(f"\nwritten to {args.out} ({result['total_s']}s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
