"""Reading history: a claim's revisions, the claim as it was at any version, topic edits."""

from __future__ import annotations

from typing import Any

from briefing.errors import InvalidInput, NotFound
from briefing.models import ClaimDraft, Revision
from briefing.store.database import Database
from briefing.store.rows import to_revision


def replay(revisions: list[Revision], version: int) -> ClaimDraft:
    """The claim's content at `version`, rebuilt from its diffs: each revision records every
    field it changed with the new value, and the first records every field that was set."""
    state: dict[str, Any] = {}
    for revision in revisions:
        if revision.version > version:
            break
        for field, (_old, new) in revision.diff.items():
            if field in ClaimDraft.model_fields:
                state[field] = new
    return ClaimDraft.model_validate({k: v for k, v in state.items() if v is not None})


class Revisions(Database):
    async def history(self, claim_id: str) -> list[Revision]:
        """Every revision of a claim, oldest first (bounded: one claim's own edits)."""
        rows = await self._rows(
            "SELECT * FROM revisions WHERE claim_id = ? ORDER BY version", (claim_id,)
        )
        if not rows and await self._row("SELECT 1 FROM claims WHERE id = ?", (claim_id,)) is None:
            raise NotFound(f"There is no claim with id `{claim_id}`. Try `/search`.")
        return [to_revision(r) for r in rows]

    async def claim_as_of(self, claim_id: str, version: int) -> ClaimDraft:
        """The claim's content as it was saved at `version`."""
        revisions = await self.history(claim_id)
        if not any(r.version == version for r in revisions):
            newest = revisions[-1].version if revisions else 0
            raise InvalidInput(
                f"`{claim_id}` has no version {version}: its versions are 1 to {newest}."
            )
        return replay(revisions, version)
