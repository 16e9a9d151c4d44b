"""The corrections half of the editorial desk: members' suggestions, and the queue editors
work through. A mixin of `Desk`, which adds the claims."""

from __future__ import annotations

from briefing.errors import InvalidInput, NotFound
from briefing.models import Claim, Correction, CorrectionStatus, Editor
from briefing.store import Store
from briefing.typed import claim_key, given, optional, reason_text, refusals, web_url


class CorrectionsDesk:
    store: Store

    async def claim(self, claim_id: str) -> Claim:
        """The claim as stored now (not a cached answer: editors act on the latest)."""
        return await self.store.get_claim(claim_key(claim_id))

    @refusals
    async def suggest(
        self, claim_id: str | None, text: str, source_url: str | None, author: Editor
    ) -> Correction:
        if not optional(text):
            raise InvalidInput("Say what is wrong: the suggestion is empty.", key="suggest.empty")
        url = given(web_url, source_url)
        return await self.store.suggest(
            claim_key(claim_id) if claim_id else None, text, url, author
        )

    @refusals
    async def settle(
        self,
        correction_id: int,
        status: CorrectionStatus,
        editor: Editor,
        *,
        reason: str | None = None,
    ) -> Correction:
        return await self.store.settle(correction_id, status, editor, reason=reason_text(reason))

    async def claim_or_none(self, claim_id: str | None) -> Claim | None:
        try:
            return await self.claim(claim_id) if claim_id else None
        except NotFound:
            return None

    async def correction(self, correction_id: int) -> Correction:
        return await self.store.correction(correction_id)

    async def queue_entry(self, at: int) -> tuple[Correction | None, Claim | None, int, int]:
        """The open suggestion at position `at` (oldest first, wrapping round to the first),
        its claim, that position, and how many are open."""
        total = await self.store.open_count()
        at = at % total if total else 0
        found = await self.store.open_corrections(limit=1, offset=at)
        correction = found[0] if found else None
        claim = await self.claim_or_none(correction.claim_id) if correction else None
        return correction, claim, at, total
