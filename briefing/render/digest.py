"""How a digest reads: a header, then "Still disputed", "Changed since the last digest" and
"Not re-verified in 30+ days", split across embeds and messages so every limit holds.

Each claim is one embed field. A section shows at most its share of entries and says how
many more there are; a digest is at most `MESSAGES_MAX` messages, and whatever does not fit
is counted in a closing "left out" card, so nothing is dropped without a word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from briefing.digest import ChangedClaim, ChangeKind, ChangeNote, Digest, DisputedEntry
from briefing.models import Claim, Stance, StanceKind
from briefing.render.cards import (
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    Card,
    CardField,
    clip,
    escape_markdown,
    fit_card,
)
from briefing.render.history import diff_lines
from briefing.render.words import BADGE, COLOR, VERB, actor_text, timestamp, when

EMBEDS_PER_MESSAGE = 10
MESSAGES_MAX = 8  # a digest longer than this is cut, with a note of what was left out
# Entries per section; the rest are counted in a "…and N more" entry.
DISPUTED_MAX = 15
CHANGED_MAX = 20
STALE_MAX = 15

FOOTER_ROOM = 24  # "Part 8/8" on a message's last card
NOTE_ROOM = 600  # kept free in the last message for the "left out" card
ENTRY_NAME_MAX = 160
STATEMENT_MAX = 240
WHO_MAX = 300
MORE_ROOM = 60  # "…and N earlier change(s) not shown"
TOPIC_NAME_MAX = 60

DISPUTED_TITLE = "⚖️ Still disputed"
CHANGED_TITLE = "📝 Changed since the last digest"
STALE_TITLE = "🕰️ Not re-verified in 30+ days"
LEFT_OUT_TITLE = "Left out of this digest"

KIND_WORDS: dict[ChangeKind, str] = {
    "new": "added to the briefing",
    "reverted": "reverted to an earlier version",
    "retired": "retired from the briefing",
    "restored": "returned to the briefing",
    "status": "status changed",
    "edit": "edited",
    "stance": "stances changed",
    "source": "sources changed",
}
ADDED_WORDS: dict[ChangeKind, str] = {"stance": "new stance", "source": "new source"}
FOR: tuple[StanceKind, ...] = ("asserts", "confirms")
AGAINST: tuple[StanceKind, ...] = ("disputes", "denies")


def _field(name: str, value: str) -> CardField:
    """A field already within Discord's limits, so `fit_card` keeps it as it is."""
    return CardField(
        clip(name, FIELD_NAME_MAX).strip() or "\u200b",
        clip(value, FIELD_VALUE_MAX).strip() or "\u200b",
    )


def _topic(slug: str, topic_titles: Mapping[str, str]) -> str:
    return escape_markdown(clip(topic_titles.get(slug, slug), TOPIC_NAME_MAX))


def _name(claim: Claim | None, claim_id: str, topic_titles: Mapping[str, str]) -> str:
    if claim is None:
        return f"❔ {claim_id}"
    return clip(
        f"{BADGE[claim.status]} {claim_id} · {_topic(claim.topic, topic_titles)}", ENTRY_NAME_MAX
    )


def _statement(claim: Claim, limit: int = STATEMENT_MAX) -> str:
    return clip(escape_markdown(claim.statement), limit)


def names(stances: Sequence[Stance], room: int) -> str:
    """Actors' names within `room` characters: as many as fit, then "and N more"."""
    shown = [actor_text(s) for s in stances]
    for keep in range(len(shown), 0, -1):
        more = f" and {len(shown) - keep} more" if keep < len(shown) else ""
        text = ", ".join(shown[:keep]) + more
        if len(text) <= room:
            return text
    more = f" and {len(shown) - 1} more" if len(shown) > 1 else ""
    return clip(shown[0], room - len(more)) + more if shown else ""


def who_line(stances: Sequence[Stance], kinds: Sequence[StanceKind], room: int) -> str:
    """Each kind of stance and its actors: `**Asserted by** A · **Confirmed by** B`."""
    groups = [(k, [s for s in stances if s.stance == k]) for k in kinds]
    groups = [(k, g) for k, g in groups if g]
    if not groups:
        return ""
    share = room // len(groups)
    parts = []
    for kind, group in groups:
        verb = f"**{VERB[kind]}** "
        parts.append(verb + names(group, share - len(verb) - 3))
    return clip(" · ".join(parts), room)


def people_line(stances: Sequence[Stance], room: int = 150) -> str:
    """Who says so and who says otherwise, on one line: a claim is never shown unattributed."""
    return " · ".join(line for kinds in (FOR, AGAINST) if (line := who_line(stances, kinds, room)))


def disputed_field(entry: DisputedEntry, topic_titles: Mapping[str, str]) -> CardField:
    """Who claims it, who disputes it, since when: all from the stances on record."""
    claim = entry.claim
    claimed = who_line(entry.claimants, FOR, WHO_MAX) or "**Asserted by:** no one on record"
    disputed = who_line(entry.disputers, AGAINST, WHO_MAX) or "**Disputed by:** no one on record"
    if entry.since:
        since = f"**Disputed since** {when(entry.since, relative=True)}"
    elif entry.disputers:
        since = "**Disputed since:** no date on record"
    else:
        since = ""
    lines = [_statement(claim), claimed, disputed, since]
    return _field(
        f"⚖️ {claim.id} · {_topic(claim.topic, topic_titles)}",
        "\n".join(line for line in lines if line),
    )


def _only_added(note: ChangeNote, field: str) -> bool:
    change = note.diff.get(field)
    if not isinstance(change, list | tuple) or len(change) != 2:
        return False
    old, new = (list(x) if isinstance(x, list | tuple) else [] for x in change)
    return all(x in new for x in old)


def note_words(note: ChangeNote) -> str:
    words = []
    for kind in note.kinds:
        field = {"stance": "stances", "source": "sources"}.get(kind)
        added = field is not None and _only_added(note, field)
        words.append(ADDED_WORDS[kind] if added else KIND_WORDS[kind])
    return ", ".join(words)


def note_lines(note: ChangeNote) -> list[str]:
    """A change's heading, then what it changed (a new claim: only the heading)."""
    head = f"{timestamp(note.at, 'f')} · {note_words(note)}"
    if "new" in note.kinds:
        return [head]
    return [head, *(f"• {line}" for line in diff_lines(note.diff))]


def changed_field(changed: ChangedClaim, topic_titles: Mapping[str, str]) -> CardField:
    """One claim's changes, newest first, as many as fit; the rest are counted."""
    claim = changed.claim
    head: list[str] = []
    if claim is None:
        head.append("*(not in the briefing now)*")
    else:
        head.append(_statement(claim, 200))
        if people := people_line(claim.stances):
            head.append(people)
    room = FIELD_VALUE_MAX - len("\n".join(head)) - MORE_ROOM
    body: list[str] = []
    used = 0
    shown = 0
    partial = False  # a change shown without all its lines
    for note in changed.notes:
        lines = note_lines(note)
        for i, line in enumerate(lines):
            if used + len(line) + 1 > room:
                partial = i > 0
                break
            body.append(line)
            used += len(line) + 1
        else:
            shown += 1
            continue
        shown += partial
        break
    if partial:
        body.append("• …")
    if shown < len(changed.notes):
        left = len(changed.notes) - shown
        body.append(f"*…and {left} earlier change{'s' if left > 1 else ''} not shown*")
    return _field(_name(claim, changed.claim_id, topic_titles), "\n".join([*head, *body]))


def stale_field(claim: Claim, topic_titles: Mapping[str, str]) -> CardField:
    if claim.reviewed_at:
        checked = f"**Last verified** {_moment(claim.reviewed_at)}"
    else:
        checked = f"**Not re-verified since it was added** {_moment(claim.created_at)}"
    lines = [_statement(claim, 200), people_line(claim.stances), checked]
    return _field(_name(claim, claim.id, topic_titles), "\n".join(x for x in lines if x))


def _moment(moment: dt.datetime) -> str:
    return f"{timestamp(moment, 'D')} ({timestamp(moment, 'R')})"


@dataclass(frozen=True)
class _Entry:
    field: CardField
    count: int = 1  # the claims it stands for: a "…and N more" entry stands for N


@dataclass(frozen=True)
class _Section:
    title: str
    intro: str
    color: int | None
    entries: tuple[_Entry, ...]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _capped(fields: Sequence[CardField], total: int, hint: str) -> tuple[_Entry, ...]:
    entries = [_Entry(f) for f in fields]
    if total > len(fields):
        more = total - len(fields)
        entries.append(_Entry(_field(f"…and {more:,} more", hint), more))
    return tuple(entries)


def _sections(digest: Digest, topic_titles: Mapping[str, str]) -> list[_Section]:
    out = []
    if n := len(digest.disputed):
        fields = [disputed_field(e, topic_titles) for e in digest.disputed[:DISPUTED_MAX]]
        intro = (
            f"{_plural(n, 'claim')} that a named party contests: who asserts each, who "
            "disputes it, and since when (the earliest dated dispute on record)."
        )
        hint = "/disputed lists every disputed claim."
        out.append(_Section(DISPUTED_TITLE, intro, COLOR["disputed"], _capped(fields, n, hint)))
    if n := len(digest.changed):
        fields = [changed_field(c, topic_titles) for c in digest.changed[:CHANGED_MAX]]
        if digest.since:
            intro = f"Since {timestamp(digest.since, 'f')}: {_plural(n, 'claim')} changed."
        else:
            intro = f"The first digest here: {_plural(n, 'claim')} changed recently."
        intro += " Newest first."
        hint = "/claim id:<id> shows any claim as it reads now."
        out.append(_Section(CHANGED_TITLE, intro, COLOR["reported"], _capped(fields, n, hint)))
    if n := len(digest.stale):
        fields = [stale_field(c, topic_titles) for c in digest.stale[:STALE_MAX]]
        intro = (
            f"{_plural(n, 'claim')} not re-verified in the last 30 days, longest first: "
            "they may be out of date."
        )
        hint = "/claim id:<id> shows when a claim was last verified."
        out.append(_Section(STALE_TITLE, intro, COLOR["superseded"], _capped(fields, n, hint)))
    return out


def _header(digest: Digest, title: str, topic_titles: Mapping[str, str]) -> Card:
    scope = (
        "Topics: " + ", ".join(_topic(t, topic_titles) for t in digest.topics)
        if digest.topics
        else "Every topic"
    )
    since = f" since {timestamp(digest.since, 'f')}" if digest.since else " recently"
    n_disputed, n_changed, n_stale = len(digest.disputed), len(digest.changed), len(digest.stale)
    lines = [
        f"{clip(scope, 600)} · as of {timestamp(digest.now, 'f')}",
        "",
        f"⚖️ {_plural(n_disputed, 'claim')} still disputed."
        if n_disputed
        else "⚖️ Nothing is disputed right now.",
        f"📝 {_plural(n_changed, 'claim')} changed{since}."
        if n_changed
        else f"📝 Nothing changed{since}.",
        f"🕰️ {_plural(n_stale, 'claim')} not re-verified in 30+ days."
        if n_stale
        else "🕰️ Every claim was re-verified in the last 30 days.",
    ]
    return Card(title=clip(escape_markdown(title), 256), description="\n".join(lines))


class _Packer:
    """Fills messages with cards and cards with fields, keeping every limit."""

    def __init__(self, max_messages: int) -> None:
        self.max_messages = max(1, max_messages)
        self.messages: list[list[Card]] = [[]]
        self.used = 0  # characters in the current message's closed cards
        self.card: Card | None = None

    def _last(self) -> bool:
        return len(self.messages) >= self.max_messages

    def _budget(self) -> int:
        return EMBED_TOTAL_MAX - FOOTER_ROOM - (NOTE_ROOM if self._last() else 0)

    def _embeds(self) -> int:
        return EMBEDS_PER_MESSAGE - (1 if self._last() else 0)

    def close(self) -> None:
        if self.card is not None:
            self.messages[-1].append(self.card)
            self.used += self.card.size()
            self.card = None

    def open(self, head: Card, need: int) -> bool:
        """Open a card with room for `need` more characters, in a new message if need be."""
        self.close()
        while True:
            cards = len(self.messages[-1])
            if cards < self._embeds() and self.used + head.size() + need <= self._budget():
                self.card = head
                return True
            if cards == 0 or self._last():
                return False
            self.messages.append([])
            self.used = 0

    def add(self, field: CardField, continued: Card) -> bool:
        size = len(field.name) + len(field.value)
        card = self.card
        if not (
            card is not None
            and len(card.fields) < FIELDS_MAX
            and self.used + card.size() + size <= self._budget()
        ):
            if not self.open(continued, size):
                return False
            card = self.card
            assert card is not None
        self.card = replace(card, fields=(*card.fields, field))
        return True

    def finish(self, left_out: list[str]) -> list[list[Card]]:
        self.close()
        messages = [m for m in self.messages if m]
        if left_out:
            note = Card(
                title=LEFT_OUT_TITLE,
                description=clip(
                    "This digest is cut short to stay readable:\n" + "\n".join(left_out),
                    NOTE_ROOM - len(LEFT_OUT_TITLE),
                ),
            )
            last = messages[-1]
            size = sum(c.size() for c in last) + note.size()
            if len(last) < EMBEDS_PER_MESSAGE and size <= EMBED_TOTAL_MAX - FOOTER_ROOM:
                last.append(note)
            else:  # not reached while the last message keeps its reserve; safe all the same
                messages.append([note])
        if len(messages) > 1:
            for i, message in enumerate(messages, start=1):
                message[-1] = replace(message[-1], footer=f"Part {i}/{len(messages)}")
        return [[fit_card(c) for c in m] for m in messages]


def digest_messages(
    digest: Digest,
    *,
    title: str,
    topic_titles: Mapping[str, str],
    max_messages: int = MESSAGES_MAX,
) -> list[list[Card]]:
    """The digest as messages of cards (embeds): ≤ 10 cards and ≤ 6,000 characters each."""
    packer = _Packer(max_messages)
    header = _header(digest, title, topic_titles)
    packer.open(header, 0)
    left_out: list[str] = []
    full = False
    for section in _sections(digest, topic_titles):
        head = Card(title=section.title, description=section.intro, color=section.color)
        continued = Card(title=f"{section.title} (continued)", color=section.color)
        lost = 0
        first = True
        for entry in section.entries:
            if not full:
                if first:
                    need = len(entry.field.name) + len(entry.field.value)
                    full = not packer.open(head, need)
                    first = False
                full = full or not packer.add(entry.field, continued)
            if full:
                lost += entry.count
        if lost:
            left_out.append(f"**{section.title}**: {lost:,} more left out")
    return packer.finish(left_out)
