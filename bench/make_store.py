"""Build a large claim database for the benchmarks: the real seed plus generated claims.

    python bench/make_store.py OUT.db [--claims 10000] [--seed 20250428]

The topics (and the curated claims) come from data/briefing.yaml; the remaining claims are
generated deterministically from a word list: varied statements, 1-4 stances, figures on
some, event dates of every precision, every status (about 10% disputed). Everything is
written with `Store.load_seed`, so the file is exactly what the bot would have built. The bot
only loads its seed into an empty database, so it serves a prebuilt file as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from briefing.integrity import claim_breaches  # noqa: E402
from briefing.models import (  # noqa: E402
    STANCE_KINDS,
    Actor,
    Briefing,
    ClaimDraft,
    EventDate,
    Figure,
    Source,
    Stance,
    StanceKind,
    Status,
)
from briefing.seed import read_seed  # noqa: E402
from briefing.store import Store  # noqa: E402

SEED_FILE = ROOT / "data" / "briefing.yaml"
DEFAULT_CLAIMS = 10_000
DEFAULT_RANDOM_SEED = 20250428

WORDS: tuple[str, ...] = tuple(
    """
    troops soldiers brigade battalion regiment division artillery drones missiles shells
    ammunition rockets tanks convoy border region front line offensive counteroffensive
    withdrawal retreat advance village town city bridge railway depot airfield port
    treaty pact alliance summit talks envoy minister ministry spokesman officials
    intelligence assessment estimate casualties wounded killed captured prisoners exchange
    deployment rotation training instructors engineers logistics supplies fuel grain aid
    sanctions exports imports shipments vessels trains satellite imagery footage video
    statement denial confirmation report analysis observers monitors journalists agency
    kremlin pyongyang moscow kyiv seoul washington beijing tokyo brussels united nations
    kursk belgorod bryansk donetsk luhansk zaporizhzhia kharkiv sumy crimea black sea
    north korean russian ukrainian south korean american chinese european western
    general colonel commander staff headquarters command unit squad platoon company
    winter spring summer autumn week month year night morning evening weekend
    secret official public unconfirmed disputed alleged reported claimed announced
    technology nuclear ballistic satellite launch test programme reactor enrichment
    economy factory production output contract payment currency loan debt oil gas
    medals ceremony funeral memorial honours parade anniversary visit delegation
    """.split()
)
OUTLETS: tuple[str, ...] = (
    "Associated Press",
    "Reuters",
    "Yonhap",
    "KCNA",
    "TASS",
    "Ukrainska Pravda",
    "BBC",
    "Kyiv Independent",
    "NK News",
    "Financial Times",
)
ACTOR_KINDS = ("government", "military", "intelligence", "media", "observer")
COUNTRIES = ("North Korea", "Russia", "Ukraine", "South Korea", "United States", None)
# Weights per status: about 10% disputed, every status present.
STATUS_WEIGHTS: dict[Status, int] = {
    "confirmed": 30,
    "reported": 35,
    "disputed": 10,
    "denied": 10,
    "false": 8,
    "superseded": 7,
}


def _sentence(rng: random.Random, low: int, high: int, limit: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    text = " ".join(words)
    return (text[0].upper() + text[1:])[: limit - 1].rstrip() + "."


def _event_date(rng: random.Random) -> EventDate | None:
    year = rng.randint(2022, 2025)
    match rng.choice(("day", "day", "month", "season", "year", "none")):
        case "day":
            start = dt.date(year, 1, 1)
            return EventDate(value=start + dt.timedelta(days=rng.randrange(365)), precision="day")
        case "month":
            return EventDate(value=dt.date(year, rng.randint(1, 12), 1), precision="month")
        case "season":
            return EventDate(value=dt.date(year, rng.choice((1, 3, 6, 9)), 1), precision="season")
        case "year":
            return EventDate(value=dt.date(year, 1, 1), precision="year")
        case _:
            return None


def _source(rng: random.Random) -> Source:
    published = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(600))
    return Source(
        outlet=rng.choice(OUTLETS),
        title=_sentence(rng, 4, 10, 200) if rng.random() < 0.7 else None,
        url=f"https://news.example/{rng.randrange(10**6)}" if rng.random() < 0.5 else None,
        published=published,
    )


def _actors(rng: random.Random, real: list[Actor]) -> list[Actor]:
    made = [
        Actor(
            name=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {i}",
            kind=rng.choice(ACTOR_KINDS),  # type: ignore[arg-type]
            country=rng.choice(COUNTRIES),
        )
        for i in range(60)
    ]
    return real + made


# The stances each status needs under the integrity rules (briefing/integrity.py); more
# stances of any kind the status allows are added at random.
NEEDED: dict[str, tuple[StanceKind, ...]] = {
    "reported": ("asserts",),
    "confirmed": ("confirms",),
    "disputed": ("asserts", "disputes"),
    "denied": ("denies",),
    "false": ("disputes",),
    "superseded": ("asserts",),
}


def _stances(rng: random.Random, actors: list[Actor], status: str) -> tuple[Stance, ...]:
    allowed = [k for k in STANCE_KINDS if k != "confirms" or status not in ("reported", "denied")]
    kinds = [*NEEDED[status], *(rng.choice(allowed) for _ in range(rng.randint(0, 3)))]
    return tuple(_stance(rng, actors, kind) for kind in kinds)


def _stance(rng: random.Random, actors: list[Actor], kind: StanceKind) -> Stance:
    return Stance(
        actor=rng.choice(actors),
        stance=kind,
        date=_event_date(rng) if rng.random() < 0.5 else None,
        quote=_sentence(rng, 5, 25, 300) if rng.random() < 0.4 else None,
        source=_source(rng) if rng.random() < 0.3 else None,
    )


def generate(count: int, random_seed: int = DEFAULT_RANDOM_SEED) -> Briefing:
    """The curated seed plus generated claims up to `count` claims in total."""
    real = read_seed(SEED_FILE)
    rng = random.Random(random_seed)
    actors = _actors(
        rng, list({s.actor.name: s.actor for c in real.claims for s in c.stances}.values())
    )
    slugs = [t.slug for t in real.topics]
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    reviewed = dt.datetime(2025, 4, 28, tzinfo=dt.UTC)
    claims: list[ClaimDraft] = list(real.claims)
    ids = [c.id for c in claims]
    for n in range(count - len(claims)):
        claim_id = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{n:05d}".replace(" ", "-")
        status: Status = rng.choices(statuses, weights)[0]
        if status == "superseded" and not ids:
            status = "reported"
        figure = None
        if rng.random() < 0.3:
            low = rng.randrange(10, 100_000)
            high = low if rng.random() < 0.3 else low + rng.randrange(1, 50_000)
            figure = Figure(low=low, high=high, unit=rng.choice(("troops", "shells", "drones")))
        claim = ClaimDraft(
            id=claim_id,
            topic=rng.choice(slugs),
            statement=_sentence(rng, 8, 40, 300),
            status=status,
            stances=_stances(rng, actors, status),
            figure=figure,
            event_date=_event_date(rng),
            sources=tuple(_source(rng) for _ in range(rng.randint(1, 2))),
            reviewed_at=reviewed - dt.timedelta(days=rng.randrange(400))
            if rng.random() < 0.6
            else None,
            superseded_by=rng.choice(ids) if status == "superseded" else None,
        )
        if claim_breaches(claim):  # an event date after its reports, or words of intent
            claim = claim.model_copy(update={"event_date": None})
        if claim_breaches(claim):
            claim = claim.model_copy(update={"statement": f"{claim.statement[:280]}, X says."})
        claims.append(claim)
        ids.append(claim_id)
    return Briefing(real.topics, tuple(claims))


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def build(
    path: Path, count: int = DEFAULT_CLAIMS, random_seed: int = DEFAULT_RANDOM_SEED
) -> int:
    """Write a fresh database at `path`; returns the number of claims stored."""
    remove_database(path)
    seed = generate(count, random_seed)
    store = await Store.open(path)
    try:
        if not await store.load_seed(seed):
            raise RuntimeError(f"{path} was not empty")
        return await store.claim_count()
    finally:
        await store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="the SQLite file to (re)create")
    parser.add_argument("--claims", type=int, default=DEFAULT_CLAIMS)
    parser.add_argument("--seed", type=int, default=DEFAULT_RANDOM_SEED, help="random seed")
    args = parser.parse_args()
    started = time.perf_counter()
    stored = asyncio.run(build(args.out, args.claims, args.seed))
    print(f"{args.out}: {stored} claims in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
