"""The desk's key claims and translations: which claims lead a topic's briefing, and the
curated text in Korean, Ukrainian and Russian. A mixin of `Desk`.

A translation an editor saves is marked reviewed (`machine: false`); saving an empty one
removes it, and the answer falls back to English (saying so).
"""

from __future__ import annotations

from briefing.errors import InvalidInput
from briefing.models import (
    LANGS,
    MAX_KEY_CLAIMS,
    Claim,
    ClaimDraft,
    ClaimTranslation,
    Editor,
    Topic,
    TopicTranslation,
)
from briefing.store import Store
from briefing.typed import claim_key, refusals, topic_key


def _language(lang: str) -> str:
    if lang not in LANGS:
        raise InvalidInput(f"Translations are in {', '.join(LANGS)}; not `{lang[:8]}`.")
    return lang


class TranslationsDesk:
    store: Store

    @refusals
    async def pin(self, claim_id: str, editor: Editor) -> tuple[Topic, Topic]:
        """Make the claim one of its topic's key claims, after those already pinned."""
        claim = await self.store.get_claim(claim_key(claim_id))
        if claim.retired_at is not None:
            raise InvalidInput(f"`{claim.id}` is retired: only a listed claim can lead.")

        def build(topic: Topic) -> Topic:
            if claim.id in topic.key_claims:
                raise InvalidInput(f"`{claim.id}` is already a key claim of `{topic.slug}`.")
            if len(topic.key_claims) >= MAX_KEY_CLAIMS:
                pinned = ", ".join(f"`{c}`" for c in topic.key_claims)
                raise InvalidInput(
                    f"`{topic.slug}` already has {MAX_KEY_CLAIMS} key claims ({pinned}); "
                    "unpin one first."
                )
            return topic.model_copy(update={"key_claims": (*topic.key_claims, claim.id)})

        return await self.store.change_topic(claim.topic, editor, build, f"pinned {claim.id}")

    @refusals
    async def unpin(self, claim_id: str, editor: Editor) -> tuple[Topic, Topic]:
        key = claim_key(claim_id)
        claim = await self.store.get_claim(key)

        def build(topic: Topic) -> Topic:
            if key not in topic.key_claims:
                raise InvalidInput(f"`{key}` is not a key claim of `{topic.slug}`.")
            kept = tuple(c for c in topic.key_claims if c != key)
            return topic.model_copy(update={"key_claims": kept})

        return await self.store.change_topic(claim.topic, editor, build, f"unpinned {key}")

    @refusals
    async def translate_claim(
        self, claim_id: str, lang: str, statement: str, editor: Editor, *, based_on: int
    ) -> tuple[Claim, Claim]:
        """Set (or, with empty text, remove) the claim's statement in `lang`, reviewed."""
        lang = _language(lang)
        text = statement.strip()

        def build(claim: Claim) -> ClaimDraft:
            translations = dict(claim.translations)
            if text:
                translations[lang] = ClaimTranslation(statement=text)  # type: ignore[index]
            elif lang not in translations:
                raise InvalidInput(f"`{claim.id}` has no {lang} text to remove.")
            else:
                del translations[lang]
            return ClaimDraft.model_validate(claim.editable() | {"translations": translations})

        why = f"translation ({lang}) {'reviewed' if text else 'removed'}"
        return await self.store.change_claim(
            claim_key(claim_id), build, editor, kind="update", reason=why,
            expected_version=based_on,
        )  # fmt: skip

    @refusals
    async def translate_topic(
        self, slug: str, lang: str, title: str, summary: str, editor: Editor
    ) -> tuple[Topic, Topic]:
        """Set the topic's title and summary in `lang`, reviewed (its command name, which
        Discord must be told of, stays as the data file gives it)."""
        lang = _language(lang)

        def build(topic: Topic) -> Topic:
            translations = dict(topic.translations)
            old = translations.get(lang)  # type: ignore[call-overload]
            command = old.command if old is not None else None
            translations[lang] = TopicTranslation(  # type: ignore[index]
                title=title, summary=summary, command=command
            )
            return topic.model_copy(update={"translations": translations})

        return await self.store.change_topic(
            topic_key(slug), editor, build, f"translation ({lang}) reviewed"
        )
