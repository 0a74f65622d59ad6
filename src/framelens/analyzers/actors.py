"""Actors v1: the people, organisations, states and groups an article names.

From spaCy's entities, merged across the aliases the text itself defines:
exact repeats ("Smith" ... "Smith"), surname-only repeats of a full name
("Ashley Smith" ... "Smith") and acronyms defined in parentheses
("International Socialist Organization (ISO)" ... "ISO"). Occurrences of a
known alias that the entity recogniser missed are added by a case-sensitive,
whole-word scan.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..model import Actor, ActorType, FirstMention, Span
from ..registry import analyzers
from .base import Analyzer, Context

ENT_TYPES: dict[str, ActorType] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "state",
    "NORP": "group",
}
_LEADING_DET = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING_POSS = re.compile(r"(?:'s|’s|'|’)$")
_ACRONYM_DEF = re.compile(
    r"((?:[A-Z][\w&.\-]*)(?:\s+(?:of|the|and|for|on|in|de|del|la|al|[A-Z][\w&.\-]*))+)"
    r"\s*\(\s*([A-Z][A-Za-z0-9&.\-]{1,11})\s*\)"
)
_MINOR = {"of", "the", "and", "for", "on", "in", "de", "del", "la", "al"}


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "actor"


def acronym_matches(name: str, acronym: str) -> bool:
    """Whether ``acronym`` is made of the initials of ``name``'s major words."""
    letters = acronym.replace(".", "").replace("-", "").replace("&", "").upper()
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.lower() not in _MINOR]
    initials = "".join(w[0].upper() for w in words)
    return len(letters) >= 2 and letters == initials


@dataclass
class _Group:
    name: str
    type: ActorType
    aliases: set[str] = field(default_factory=set)
    spans: list[tuple[int, int]] = field(default_factory=list)
    votes: Counter[str] = field(default_factory=Counter)

    def absorb(self, other: _Group) -> None:
        self.aliases |= other.aliases
        self.spans += other.spans
        self.votes += other.votes


def _merge_surnames(groups: list[_Group]) -> list[_Group]:
    """Merge a one-word group into the only full-name person whose surname it is.

    Runs after all entities are seen, so "the Kessel regime ... Dario Kessel" merges
    even though the surname came first. Two people sharing a surname: no merge.
    """
    persons: dict[str, list[_Group]] = {}
    for g in groups:
        if g.votes["person"] and any(" " in a for a in g.aliases):
            for alias in g.aliases:
                if " " in alias:
                    persons.setdefault(alias.split()[-1], []).append(g)
    kept: list[_Group] = []
    for g in groups:
        owners = {id(o): o for o in persons.get(g.name, [])} if " " not in g.name else {}
        if len(owners) == 1 and g not in owners.values():
            next(iter(owners.values())).absorb(g)
        else:
            kept.append(g)
    return kept


def _clean_mention(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a leading article and a trailing possessive from an entity span."""
    surface = text[start:end]
    m = _LEADING_DET.match(surface)
    if m and end - start > m.end():
        start += m.end()
    surface = text[start:end]
    m2 = _TRAILING_POSS.search(surface)
    if m2 and m2.start() > 0:
        end = start + m2.start()
    return start, end


@analyzers.register("actors")
class ActorsAnalyzer(Analyzer):
    name = "actors"
    version = "1"
    produces = ("actors",)
    description = "people, organisations, states and groups, merged across aliases"

    def run(self, ctx: Context) -> None:
        text = ctx.text
        groups: list[_Group] = []
        by_alias: dict[str, _Group] = {}
        surnames: dict[str, _Group] = {}

        acronyms: dict[str, str] = {}  # acronym -> defining full name
        # "(ISO)" right after the name restates the same mention: not a mention of its own.
        definitions: set[int] = set()
        for m in _ACRONYM_DEF.finditer(text):
            full = _LEADING_DET.sub("", m.group(1))
            # The match may start early ("Members of the International ..."): keep the
            # shortest suffix of words whose initials give the acronym.
            words = full.split()
            for i in range(len(words)):
                if words[i].lower() in _MINOR:
                    continue
                candidate = " ".join(words[i:])
                if acronym_matches(candidate, m.group(2)):
                    acronyms[m.group(2)] = candidate
                    definitions.update(range(m.start(2), m.end(2)))
                    break

        def group_for(surface: str, etype: ActorType) -> _Group:
            if surface in by_alias:
                return by_alias[surface]
            if surface in acronyms and acronyms[surface] in by_alias:
                return by_alias[acronyms[surface]]
            if etype == "person" and " " not in surface and surface in surnames:
                return surnames[surface]
            if surface in acronyms.values():
                for acr, full in acronyms.items():
                    if full == surface and acr in by_alias:
                        return by_alias[acr]
            group = _Group(name=surface, type=etype)
            groups.append(group)
            return group

        for ent in ctx.doc.ents:
            etype = ENT_TYPES.get(ent.label_)
            if etype is None:
                continue
            start, end = _clean_mention(text, ent.start_char, ent.end_char)
            if start in definitions:
                continue
            surface = text[start:end].strip()
            if len(surface) < 2 or not any(ch.isupper() for ch in surface):
                continue
            # A single token that is a known person's surname is that person, whatever
            # label the recogniser gave it this time.
            if " " not in surface and surface in surnames:
                etype = "person"
            group = group_for(surface, etype)
            group.aliases.add(surface)
            group.spans.append((start, end))
            group.votes[etype] += 1
            by_alias[surface] = group
            if surface in acronyms:
                by_alias[acronyms[surface]] = group
            if etype == "person" and group.type == "person":
                parts = surface.split()
                if len(parts) >= 2:
                    surnames.setdefault(parts[-1], group)
                    if len(surface) > len(group.name):
                        group.name = surface
            elif len(surface) > len(group.name) and surface not in acronyms:
                group.name = surface

        groups = _merge_surnames(groups)
        for group in groups:
            # The recogniser labels the same name differently in different sentences:
            # the type is the majority vote, person winning ties (names are people more
            # often than the small model thinks).
            most = max(group.votes.values())
            winners = [t for t, n in group.votes.items() if n == most]
            group.type = "person" if "person" in winners else winners[0]  # type: ignore[assignment]
            person_names = [a for a in group.aliases if " " in a] if group.type == "person" else []
            if person_names:
                group.name = max(person_names, key=len)
        for group in groups:
            group.aliases |= {acr for acr, full in acronyms.items() if full in group.aliases}
        self._scan_missed(text, groups, acronyms, definitions)

        actors: list[Actor] = []
        used_ids: set[str] = set()
        n = max(len(text), 1)
        title = (ctx.article.title or "").lower()
        for group in groups:
            spans = sorted(set(group.spans))
            first = spans[0][0]
            base = slugify(group.name)
            actor_id, k = base, 2
            while actor_id in used_ids:
                actor_id, k = f"{base}-{k}", k + 1
            used_ids.add(actor_id)
            in_title = any(alias.lower() in title for alias in group.aliases) if title else False
            actors.append(
                Actor(
                    id=actor_id,
                    name=group.name,
                    type=group.type,
                    aliases=sorted(group.aliases - {group.name}),
                    mentions=[Span.of(text, s, e) for s, e in spans],
                    first_mention=FirstMention(start=first, relative=round(first / n, 4)),
                    mention_count=len(spans),
                    prominence=_prominence(spans, n, in_title),
                    in_title=in_title,
                    analyzer=self.key(),
                )
            )
        top = max((a.prominence for a in actors), default=0.0) or 1.0
        for actor in actors:
            actor.prominence = round(actor.prominence / top, 4)
        actors.sort(key=lambda a: a.first_mention.start)
        ctx.analysis.actors = actors

    @staticmethod
    def _scan_missed(
        text: str, groups: list[_Group], acronyms: dict[str, str], definitions: set[int]
    ) -> None:
        """Add whole-word, case-sensitive occurrences of known aliases the NER missed."""
        taken = sorted(span for g in groups for span in g.spans)
        occupied = [i in definitions for i in range(len(text) + 1)]
        for s, e in taken:
            for i in range(s, e):
                occupied[i] = True
        for group in groups:
            names = set(group.aliases)
            if group.type == "person":
                names |= {a.split()[-1] for a in group.aliases if " " in a}
            for alias in sorted(names, key=len, reverse=True):
                if len(alias) < 2 or (len(alias) < 4 and not alias.isupper()):
                    continue
                for m in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text):
                    s, e = m.span()
                    if any(occupied[s:e]):
                        continue
                    group.spans.append((s, e))
                    group.aliases.add(alias)
                    for i in range(s, e):
                        occupied[i] = True


def _prominence(spans: list[tuple[int, int]], n: int, in_title: bool) -> float:
    """Raw prominence: each mention weighs 1 + (1 - relative position); a title mention adds 3.

    Earlier mentions weigh up to twice as much as the last ones, so an actor named
    three times in the opening counts more than one named three times at the end.
    Normalised afterwards so the most prominent actor of the article has 1.0.
    """
    return sum(1.0 + (1.0 - s / n) for s, _ in spans) + (3.0 if in_title else 0.0)
