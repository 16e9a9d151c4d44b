"""The briefing as schema.org ClaimReview (JSON-LD), the markup fact-check search reads.

One ClaimReview per claim still in the briefing (retired claims are withdrawn, so they are
not published). Google requires of a ClaimReview `claimReviewed`, `reviewRating` (our
verdict goes in `alternateName`), `url`, `author` and `datePublished`; of the `itemReviewed`
Claim an `author` with a name, and it reads `datePublished` and `appearance` when present.
Numeric ratings are left out on purpose: our statuses are not points on one scale of
truth (a disputed claim is not "half true").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from briefing.models import Claim, ClaimDraft, EventDate, Source, Stance, Status

DEFAULT_PUBLISHER = "Briefing Bot"
# The briefing has no web page of its own; `.invalid` can never resolve, so a placeholder
# that was not replaced (`--base-url`) is plain to see rather than pointing somewhere wrong.
DEFAULT_BASE_URL = "https://briefing.invalid/claims/"

VERDICTS: dict[Status, str] = {
    "confirmed": "Confirmed",
    "reported": "Reported, not independently confirmed",
    "disputed": "Disputed",
    "denied": "Denied by the party concerned",
    "false": "False",
    "superseded": "Superseded by a newer claim",
}


def review_url(base_url: str, claim_id: str) -> str:
    """Where a claim's review is published: `base_url` ending in "/", "#" or "=" plus its id."""
    return base_url + ("" if base_url.endswith(("/", "#", "=")) else "/") + claim_id


def _iso(date: EventDate) -> str:
    """An ISO 8601 date only as precise as what is known ("2025-03", "2024")."""
    match date.precision:
        case "day":
            return date.value.isoformat()
        case "month":
            return f"{date.value.year:04d}-{date.value.month:02d}"
        case _:  # a season has no ISO form of its own: its year is what is certain
            return f"{date.value.year:04d}"


def _organization(name: str) -> dict[str, Any]:
    return {"@type": "Organization", "name": name}


def _claimants(claim: ClaimDraft) -> list[Stance]:
    """Who made the claim: those asserting it, else anyone with a stance on it."""
    return claim.who("asserts", "confirms") or list(claim.stances)


def _sources(claim: ClaimDraft) -> list[Source]:
    found: list[Source] = []
    for source in [*claim.sources, *(s.source for s in claim.stances if s.source)]:
        if source not in found:
            found.append(source)
    return found


def _work(source: Source) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "publisher": _organization(source.outlet)}
    if source.url:
        work["url"] = source.url
    work["name"] = source.title or source.outlet
    if source.title:
        work["headline"] = source.title
    if source.published:
        work["datePublished"] = source.published.isoformat()
    return work


def _item(claim: ClaimDraft) -> dict[str, Any]:
    """The Claim reviewed: who made it, when, and where it appeared."""
    claimants = _claimants(claim)
    sources = _sources(claim)
    item: dict[str, Any] = {"@type": "Claim"}
    if claimants:
        item["author"] = _organization(claimants[0].actor.name)
    elif sources:
        item["author"] = _organization(sources[0].outlet)
    else:  # never for a claim that passes the integrity rules, bar a superseded one
        item["author"] = _organization("Unattributed")
    said = [s.date for s in claimants if s.date is not None]
    if said:
        item["datePublished"] = _iso(min(said, key=EventDate.sort_key))
    elif published := [s.published for s in sources if s.published]:
        item["datePublished"] = min(published).isoformat()
    if sources:
        item["appearance"] = [_work(s) for s in sources]
    else:
        item["appearance"] = [
            {"@type": "CreativeWork", "name": f"Statement by {item['author']['name']}"}
        ]
    return item


def claim_review(
    claim: ClaimDraft, *, publisher: str, base_url: str, today: dt.date
) -> dict[str, Any]:
    """One ClaimReview. A stored `Claim` is dated by its creation and last change; a bare
    draft by its last review, else `today`."""
    url = review_url(base_url, claim.id)
    if isinstance(claim, Claim):
        published, modified = claim.created_at.date(), claim.updated_at.date()
    else:
        published = modified = claim.reviewed_at.date() if claim.reviewed_at else today
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": url,
        "url": url,
        "identifier": claim.id,
        "claimReviewed": claim.statement,
        "author": _organization(publisher),
        "datePublished": published.isoformat(),
        "dateModified": modified.isoformat(),
        "reviewRating": {"@type": "Rating", "alternateName": VERDICTS[claim.status]},
        "itemReviewed": _item(claim),
    }
    if claim.superseded_by:
        review["reviewRating"]["ratingExplanation"] = (
            f"See {review_url(base_url, claim.superseded_by)}"
        )
    return review


def claim_reviews(
    claims: Iterable[ClaimDraft],
    *,
    publisher: str = DEFAULT_PUBLISHER,
    base_url: str = DEFAULT_BASE_URL,
    today: dt.date,
) -> list[dict[str, Any]]:
    """A ClaimReview for each claim not retired, in the order given."""
    return [
        claim_review(c, publisher=publisher, base_url=base_url, today=today)
        for c in claims
        if c.retired_at is None
    ]


def claimreview_json(
    claims: Iterable[ClaimDraft],
    *,
    publisher: str = DEFAULT_PUBLISHER,
    base_url: str = DEFAULT_BASE_URL,
    today: dt.date,
) -> str:
    reviews = claim_reviews(claims, publisher=publisher, base_url=base_url, today=today)
    return json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"
