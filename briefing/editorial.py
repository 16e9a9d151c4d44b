"""The editorial desk: every change an editor can make, as one call each.

Each call reads, changes and writes the claim in one store transaction (so two editors never
overwrite each other), passes the integrity rules there, and returns the claim before and
after so the answer can say exactly what changed. Who may call these is the cogs' business.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from briefing.editorial_corrections import CorrectionsDesk
from briefing.editorial_translations import TranslationsDesk
from briefing.errors import InvalidInput, NotFound
from briefing.import_plan import plan_import
from briefing.integrity import Breach, claim_breaches, successor_breach
from briefing.io.documents import export_file, parse_upload
from briefing.models import (
    Actor,
    ActorKind,
    Claim,
    ClaimDraft,
    Editor,
    EventDate,
    Figure,
    Revision,
    RevisionKind,
    Source,
    Stance,
    StanceKind,
    Status,
    Topic,
)
from briefing.store import Store
from briefing.typed import (
    claim_key,
    given,
    optional,
    parse_date,
    parse_day,
    parse_figure,
    reason_text,
    refusals,
    topic_key,
    web_url,
)


@dataclass(frozen=True)
class Change:
    """A saved change: the claim before (None for a new claim) and after, and its kind."""

    before: Claim | None
    after: Claim
    kind: RevisionKind


BREACH_BATCH = 500


@dataclass(frozen=True)
class ClaimText:
    """What the add and edit forms hold, as typed."""

    statement: str
    topic: str
    event_date: str | None = None
    figure: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _source_for(url: str) -> Source:
    """A source known only by its link: the outlet is the site's name, and no title."""
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return Source(outlet=host[:100], url=url)


class Desk(CorrectionsDesk, TranslationsDesk):
    def __init__(self, store: Store) -> None:
        self.store = store

    async def _change(
        self,
        claim_id: str,
        build: Callable[[Claim], ClaimDraft],
        editor: Editor,
        kind: RevisionKind,
        reason: str | None,
        expected_version: int | None = None,
    ) -> Change:
        before, after = await self.store.change_claim(
            claim_key(claim_id),
            build,
            editor,
            kind=kind,
            reason=reason_text(reason),
            expected_version=expected_version,
        )
        return Change(before, after, kind)

    @refusals
    async def add(
        self,
        claim_id: str,
        text: ClaimText,
        actor: Actor,
        editor: Editor,
        *,
        said_on: str | None = None,
        quote: str | None = None,
        source_url: str | None = None,
    ) -> Change:
        """A new claim, reported by the one party who asserts it; more stances, sources and
        a status follow with the other commands."""
        url = given(web_url, source_url)
        source = _source_for(url) if url else None
        stance = Stance(
            actor=actor,
            stance="asserts",
            date=given(parse_date, said_on),
            quote=optional(quote),
            source=source,
        )
        draft = ClaimDraft(
            id=claim_id.strip().lower(),
            topic=text.topic.strip().lower(),
            statement=text.statement,
            status="reported",
            stances=(stance,),
            event_date=given(parse_date, text.event_date),
            figure=given(parse_figure, text.figure),
            sources=(source,) if source else (),
        )
        claim = await self.store.create_claim(draft, editor)
        return Change(None, claim, "create")

    @refusals
    async def edit(
        self,
        claim_id: str,
        text: ClaimText,
        editor: Editor,
        *,
        based_on: int,
        reason: str | None = None,
    ) -> Change:
        """The edit form's fields, over the version the editor opened."""
        event_date: EventDate | None = given(parse_date, text.event_date)
        figure: Figure | None = given(parse_figure, text.figure)

        def build(claim: Claim) -> ClaimDraft:
            draft = _draft(
                claim,
                statement=text.statement,
                topic=text.topic.strip().lower(),
                event_date=event_date,
                figure=figure,
            )
            if draft.statement != claim.statement and claim.translations:
                # The translations said what the old statement said. Members read the new
                # English, told it is not yet in their language, until an editor translates
                # it again; the history keeps the old translations.
                return draft.model_copy(update={"translations": {}})
            return draft

        return await self._change(claim_id, build, editor, "update", reason, based_on)

    @refusals
    async def set_status(
        self,
        claim_id: str,
        status: Status,
        editor: Editor,
        *,
        reason: str,
        superseded_by: str | None = None,
    ) -> Change:
        if not optional(reason):
            raise InvalidInput("Say why the status changes (the reason is kept in the history).")

        def build(claim: Claim) -> ClaimDraft:
            successor = optional(superseded_by) if status == "superseded" else None
            return _draft(claim, status=status, superseded_by=successor and successor.lower())

        return await self._change(claim_id, build, editor, "status", reason)

    @refusals
    async def add_stance(
        self,
        claim_id: str,
        actor: Actor,
        stance: StanceKind,
        editor: Editor,
        *,
        quote: str | None = None,
        source_url: str | None = None,
        date: str | None = None,
        reason: str | None = None,
        status: Status | None = None,
    ) -> Change:
        """Record who says what; the same actor's earlier stance is replaced, not doubled.
        `status` changes the verdict in the same revision, when the new stance calls for it
        (a confirmation of a reported claim, say)."""
        new = Stance(
            actor=actor,
            stance=stance,
            date=given(parse_date, date),
            quote=optional(quote),
            source=_source_for(url) if (url := given(web_url, source_url)) else None,
        )

        def build(claim: Claim) -> ClaimDraft:
            kept = [s for s in claim.stances if s.actor.name.casefold() != actor.name.casefold()]
            return _draft(claim, stances=(*kept, new), status=status or claim.status)

        return await self._change(claim_id, build, editor, "stance", reason)

    @refusals
    async def add_source(
        self,
        claim_id: str,
        outlet: str,
        editor: Editor,
        *,
        url: str | None = None,
        published: str | None = None,
        title: str | None = None,
    ) -> Change:
        source = Source(
            outlet=outlet,
            url=given(web_url, url),
            published=given(parse_day, published),
            title=optional(title),
        )

        def build(claim: Claim) -> ClaimDraft:
            if source in claim.sources:
                raise InvalidInput(f"`{claim.id}` already cites that source.")
            return _draft(claim, sources=(*claim.sources, source))

        return await self._change(claim_id, build, editor, "source", None)

    @refusals
    async def retire(
        self, claim_id: str, editor: Editor, *, reason: str, superseded_by: str | None = None
    ) -> Change:
        """Withdraw a claim from the briefing (kept, with its history); with a successor it
        is marked superseded by it."""
        if not optional(reason):
            raise InvalidInput("Say why the claim is retired (the reason is kept in the history).")
        now = _now()

        def build(claim: Claim) -> ClaimDraft:
            if claim.retired_at is not None:
                raise InvalidInput(f"`{claim.id}` is already retired.")
            successor = optional(superseded_by)
            if successor:
                return _draft(
                    claim, status="superseded", superseded_by=successor.lower(), retired_at=now
                )
            return _draft(claim, retired_at=now)

        return await self._change(claim_id, build, editor, "retire", reason)

    @refusals
    async def review(self, claim_id: str, editor: Editor) -> Change:
        """Mark the claim re-verified today."""
        now = _now()
        return await self._change(
            claim_id, lambda c: _draft(c, reviewed_at=now), editor, "review", "re-verified"
        )

    @refusals
    async def revert(
        self, claim_id: str, version: int, editor: Editor, *, reason: str | None = None
    ) -> Change:
        """Make the claim read as it did at `version`, as a new revision."""
        old = await self.store.claim_as_of(claim_key(claim_id), version)
        why = reason_text(reason) or f"reverted to version {version}"
        return await self._change(claim_id, lambda c: old, editor, "revert", why)

    @refusals
    async def edit_topic(
        self,
        slug: str,
        editor: Editor,
        *,
        title: str,
        summary: str,
        reason: str | None,
        based_on: Topic | None = None,
    ) -> tuple[Topic, Topic]:
        return await self.store.update_topic(
            topic_key(slug),
            editor,
            title=title,
            summary=summary,
            reason=reason_text(reason),
            based_on=based_on,
        )

    async def breaches(self) -> list[Breach]:
        """Every integrity rule the stored claims break (claims stored before a rule, or by
        another program): an edit of such a claim must mend it."""
        successors, retired = await self.store.successors()
        found: list[Breach] = []
        seq = 0
        # A batch at a time: all of a large store at once would cost tens of megabytes.
        while batch := await self.store.claims_after(seq, BREACH_BATCH):
            for _, claim in batch:
                if claim.retired_at is None:
                    found += claim_breaches(claim)
                if breach := successor_breach(claim, successors, retired=retired):
                    found.append(breach)
            seq = batch[-1][0]
        return found

    async def history(self, claim_id: str) -> list[Revision]:
        return await self.store.history(claim_key(claim_id))

    async def topic(self, slug: str) -> Topic:
        return await self.store.get_topic(topic_key(slug))

    async def topics(self) -> list[Topic]:
        return await self.store.list_topics()

    async def claim_choices(self, typed: str, limit: int) -> list[tuple[str, str]]:
        """Autocomplete for editors: (id, statement), retired claims included."""
        return await self.store.suggest_claims(typed, limit, retired=True)

    async def actor_names(self, typed: str, limit: int) -> list[str]:
        """Parties on record whose name contains what was typed (autocomplete)."""
        wanted = typed.strip().casefold()
        return [a.name for a in await self.store.actors() if wanted in a.name.casefold()][:limit]

    @refusals
    async def export_file(self, fmt: str) -> tuple[str, bytes, int]:
        """The whole briefing as a file: its name, bytes, and how many claims it holds."""
        claims = await self.store.export_claims()
        topics = await self.store.list_topics()
        # Writing a large store's file takes seconds: off the loop, so answers go on.
        made = await asyncio.to_thread(export_file, fmt, topics, claims, today=_now().date())
        # ClaimReview publishes live claims only; the briefing files hold retired ones too.
        held = [c for c in claims if fmt != "claimreview" or c.retired_at is None]
        return made.name, made.text.encode(), len(held)

    @refusals
    async def import_file(self, name: str, data: bytes, editor: Editor | None) -> list[str]:
        """Check a briefing file whole; apply it atomically when an editor is given. Returns
        the summary of what changes (or would)."""
        incoming = await asyncio.to_thread(parse_upload, data, name)
        if editor is None:
            current = await self.store.export_briefing()
            plan = await asyncio.to_thread(plan_import, incoming, current)
        else:
            plan = await self.store.apply_briefing(incoming, editor, reason=f"import of {name}")
        return plan.summary_lines()

    @refusals
    async def actor(
        self, name: str, kind: ActorKind | None = None, country: str | None = None
    ) -> Actor:
        """A party by name: one already on record (its kind and country kept), or a new one,
        which needs a kind."""
        wanted = " ".join(name.split())
        for known in await self.store.actors():
            if known.name.casefold() == wanted.casefold():
                return known
        if kind is None:
            raise NotFound(
                f"No party called “{wanted[:100]}” is on record yet. To add one, give its "
                "`actor_kind` (and `country` if it has one)."
            )
        return Actor(name=wanted, kind=kind, country=optional(country))


def _draft(claim: Claim, **changes: object) -> ClaimDraft:
    """The claim's editable content with some fields changed, validated again."""
    return ClaimDraft.model_validate(claim.editable() | changes)
