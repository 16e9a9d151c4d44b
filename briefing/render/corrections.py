"""How suggested corrections read: in the editors' queue and channel, and in the DM that
tells the member what became of theirs."""

from __future__ import annotations

from briefing.models import Claim, Correction
from briefing.render.cards import (
    CONTENT_MAX,
    FIELD_VALUE_MAX,
    Card,
    CardField,
    clip,
    escape_markdown,
)
from briefing.render.words import timestamp


def correction_card(
    correction: Correction, claim: Claim | None, *, place: int | None = None, total: int = 0
) -> Card:
    """One suggestion with the claim it is about; `place`/`total` when shown in the queue."""
    about = f"`{correction.claim_id}`" if correction.claim_id else "the briefing in general"
    fields = [
        # Clipped after escaping: escapes lengthen the text.
        CardField(
            "What is wrong, says the member",
            clip(escape_markdown(correction.text), FIELD_VALUE_MAX),
        )
    ]
    if correction.source_url:
        fields.append(CardField("Their source", clip(correction.source_url, FIELD_VALUE_MAX)))
    if claim is not None:
        fields.append(
            CardField(
                f"The claim now (version {claim.version}, {claim.status})",
                clip(escape_markdown(claim.statement), FIELD_VALUE_MAX),
            )
        )
    footer = f"Suggestion #{correction.id}"
    if place is not None:
        footer += f" · {place} of {total} open, oldest first"
    return Card(
        title=clip(f"Suggested correction to {about}", 256),
        description=(
            f"From {escape_markdown(correction.author_name)} (<@{correction.author_id}>), "
            f"{timestamp(correction.created_at, 'R')}."
        ),
        fields=tuple(fields),
        footer=footer,
    )


def empty_queue_card() -> Card:
    return Card(title="Corrections queue", description="No open suggestions. All handled.")


def outcome_text(correction: Correction) -> str:
    """The DM telling the member what the editors decided."""
    about = f" to `{correction.claim_id}`" if correction.claim_id else ""
    if correction.status == "accepted":
        text = (
            f"Thank you: your suggested correction{about} was accepted and the claim has been "
            f"updated. See `/claim id:{correction.claim_id}`."
        )
    else:
        why = f" Their reason: {escape_markdown(correction.reason)}" if correction.reason else ""
        text = f"Your suggested correction{about} was reviewed and not taken up.{why}"
    return clip(text, CONTENT_MAX)
