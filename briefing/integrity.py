"""The rules every claim must meet, whoever writes it: the seed file, an import, an editor.

Field-level limits live on the models; these rules look at a claim as a whole. Each refusal
names the claim, the field and the rule, so an editor knows what to fix. The store applies
them on every write; the seed loader and imports apply them to the whole file first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from briefing.errors import InvalidInput
from briefing.models import ClaimDraft, StanceKind, Status


class Breach(InvalidInput):
    """A claim that breaks an integrity rule."""

    def __init__(self, claim_id: str, field: str, rule: str) -> None:
        self.claim_id, self.field, self.rule = claim_id, field, rule
        super().__init__(f"Claim `{claim_id}`, field `{field}`: {rule}")


ASSERTING: tuple[StanceKind, ...] = ("asserts", "confirms")
CONTESTING: tuple[StanceKind, ...] = ("disputes", "denies")

# A statement worded as what someone said: its date is when it was said, not an event date.
_ATTRIBUTED = re.compile(
    # Nouns that are also verbs ("a claim", "the report") count only with what follows.
    r"\b(says?|said|claims?(?= that)|claimed|according to|announced|reports?(?= that|[.,;:]|$)|"
    r"reported that|"
    r"accuses?|accused|insists?|insisted|denies|denied|calls? for|called|describes?|described|"
    r"vows?|vowed|"
    r"pledges?|pledged|promises?|promised|acknowledges|acknowledged|tells|told|warns?|warned|"
    r"fears?|feared|worry|worries|worried|assesses|assessed)\b",
    re.IGNORECASE,
)
# A title wrapped in these was typed with its quotation marks (the renderer adds its own).
_QUOTES = "\"'“”‘’«»„"

# Words of intent or prediction: such a statement must say whose intent or forecast it is.
# ("may" only in lower case: "May 2025" is a month.)
_INTENT = re.compile(
    r"\b(will|plans?|planned|intends?|intended|aims? to|is set to|are set to|vows?|pledges?|"
    r"promises?|is going to|are going to|expects? to|(?:is|are) expected to|likely|could|"
    r"might|(?-i:may))\b",
    re.IGNORECASE,
)


def _status_rule(claim: ClaimDraft) -> str | None:
    """Why the claim's status does not agree with its stances, or None if it does."""
    has = {kind: bool(claim.who(kind)) for kind in ("asserts", "confirms", "denies", "disputes")}
    asserted = has["asserts"] or has["confirms"]
    contested = has["disputes"] or has["denies"]
    rules: dict[Status, tuple[bool, str]] = {
        "disputed": (
            asserted and contested,
            "a disputed claim needs a named party that asserts it and one that disputes or "
            "denies it",
        ),
        "confirmed": (
            has["confirms"],
            "a confirmed claim needs a party that confirms it (the party concerned, or "
            "independent corroboration recorded as a stance)",
        ),
        "reported": (
            has["asserts"] and not has["confirms"],
            "a reported claim is asserted by a named party and not yet confirmed (a "
            "confirming stance makes it confirmed: change both together)",
        ),
        "denied": (
            has["denies"] and not has["confirms"],
            "a denied claim needs a party that denies it, and no party that confirms it",
        ),
        "false": (contested, "a false claim needs a named party that disputes or denies it"),
        "superseded": (True, ""),
    }
    ok, rule = rules[claim.status]
    return None if ok else rule


def claim_breaches(claim: ClaimDraft) -> list[Breach]:
    """Every rule one claim breaks on its own (its successor is checked against the others)."""
    found: list[Breach] = []
    if rule := _status_rule(claim):
        found.append(Breach(claim.id, "status", f"status `{claim.status}`: {rule}."))
    if claim.event_date is not None:
        said = [s.published for s in claim.sources if s.published]
        said += [s.source.published for s in claim.stances if s.source and s.source.published]
        said += [s.date.end() for s in claim.stances if s.date]
        if not claim.sources and not any(s.source for s in claim.stances):
            found.append(
                Breach(
                    claim.id,
                    "event_date",
                    "an event date needs a source that says when it happened.",
                )
            )
        elif said and claim.event_date.value > max(said):
            found.append(
                Breach(
                    claim.id,
                    "event_date",
                    f"the event date ({claim.event_date.text()}) is after the latest report "
                    "of it: a plan or a prediction has no event date.",
                )
            )
        if _ATTRIBUTED.search(claim.statement):
            found.append(
                Breach(
                    claim.id,
                    "event_date",
                    "the statement is worded as what someone said, so it has no event date: "
                    "it is placed by its first dated stance (shown as “said on”).",
                )
            )
    if _INTENT.search(claim.statement) and not _ATTRIBUTED.search(claim.statement):
        found.append(
            Breach(
                claim.id,
                "statement",
                "a statement of intent or prediction must read as what someone said "
                "(“X says it will …”, “X fears it could …”), not as a fact.",
            )
        )
    cited = [(f"sources.{i}", s) for i, s in enumerate(claim.sources)]
    cited += [(f"stances.{j}.source", s.source) for j, s in enumerate(claim.stances) if s.source]
    for where, source in cited:
        title = (source.title or "").strip()
        if title and (
            title.casefold() == source.outlet.casefold()
            or (len(title) > 1 and title[0] in _QUOTES and title[-1] in _QUOTES)
            or "://" in title
        ):
            found.append(
                Breach(
                    claim.id,
                    f"{where}.title",
                    "a title is the source's own headline (not its outlet or address), without "
                    "quotation marks; leave it empty when the source carries none (it is shown "
                    "in quotation marks).",
                )
            )
    return found


def successor_breach(
    claim: ClaimDraft, successors: Mapping[str, str | None], *, retired: Iterable[str] = ()
) -> Breach | None:
    """Whether `claim.superseded_by` names a claim that exists (`successors` maps every known
    claim id to its own successor) and no chain of successors leads back to the claim."""
    target: str | None = claim.superseded_by
    if target is None:
        return None
    if target == claim.id:
        return Breach(claim.id, "superseded_by", "a claim cannot supersede itself.")
    if target not in successors:
        return Breach(claim.id, "superseded_by", f"there is no claim `{target}` to point to.")
    if target in set(retired):
        return Breach(claim.id, "superseded_by", f"`{target}` is retired; name a live claim.")
    seen = {claim.id}
    while target is not None:
        if target in seen:
            return Breach(
                claim.id,
                "superseded_by",
                f"pointing to `{claim.superseded_by}` would make a cycle of successors.",
            )
        seen.add(target)
        target = successors.get(target)
    return None


def check_claim(claim: ClaimDraft) -> None:
    """Raise the first rule the claim breaks on its own."""
    if found := claim_breaches(claim):
        raise found[0]


def check_briefing(claims: Iterable[ClaimDraft]) -> None:
    """Raise the first rule any claim of a whole file breaks, successors included."""
    claims = list(claims)
    successors = {c.id: c.superseded_by for c in claims}
    retired = [c.id for c in claims if c.retired_at is not None]
    for claim in claims:
        check_claim(claim)
        if breach := successor_breach(claim, successors, retired=retired):
            raise breach
