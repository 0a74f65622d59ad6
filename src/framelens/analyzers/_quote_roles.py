"""The roles a text gives its actors, for "the governor said" (issue 15's pattern 1): every
role noun the text pins on a named person or organisation, and where. A role comes from
the actor's descriptions (apposition, "Ana Ruiz, the governor"), from a title before the
name ("Gov. Ana Ruiz", "Governor Ruiz"), from a noun in an organisation's own name ("the
European Commission" for "the commission"), or from the parse alone where no actor was
found for the name. The speaker resolver (``_quote_speakers``) picks the latest such
mention before a role noun, or for a headline's bare title the first one after it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from ..model import Actor
    from ._quote_sources import Sources
    from ._quote_syntax import DocIndex, Lexicon

#: (mention start, role noun, the actor, or the name's span where no actor was found)
Entry = tuple[int, str, Union["Actor", tuple[int, int]]]

#: Abbreviated titles before a name, as the role noun a later mention uses ("Gov. Ana Ruiz"
#: ... "the governor said").
ROLE_ABBREV = {
    "gov": "governor", "sen": "senator", "rep": "representative", "gen": "general",
    "col": "colonel", "lt": "lieutenant", "capt": "captain", "sgt": "sergeant",
    "adm": "admiral", "pres": "president", "prof": "professor", "amb": "ambassador",
    "supt": "superintendent", "insp": "inspector", "cmdr": "commander",
}  # fmt: skip


class RoleIndex:
    """The roles of one article's actors and names (``entries``)."""

    def __init__(
        self,
        idx: DocIndex,
        lex: Lexicon,
        sources: Sources,
        mentions: Sequence[tuple[int, int, Actor]],
        places: set[str],
        actor_at: Callable[[tuple[int, int]], Actor | None],
    ):
        self.idx = idx
        self.lex = lex
        self.sources = sources
        #: every actor mention, by start
        self.all_mentions = mentions
        #: the ids of actors that stand for places: they hold no role
        self.placey = places
        self.actor_at = actor_at
        self._entries: list[Entry] | None = None

    def _parse_roles(self) -> list[tuple[int, str, tuple[int, int]]]:
        """Roles the parse links to a name even where no actor was found: "Ana Ruiz, the
        governor of Delmar" (apposition), "Governor Ana Ruiz" (a title before the name)."""
        out = []
        titles = self.lex.titles | set(ROLE_ABBREV)
        for t in self.idx.doc:
            if t.pos_ != "PROPN" or t.dep_ == "compound":
                continue
            chain = [c for c in t.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
            lead = [c for c in chain if c.lower_.rstrip(".") in titles]
            rest = [c for c in chain if c not in lead]
            start = min([t.idx] + [c.idx for c in rest])
            name = (start, t.idx + len(t.text))
            for c in lead:
                word = c.lower_.rstrip(".")
                out.append((name[0], ROLE_ABBREV.get(word, word), name))
            for c in t.children:
                if c.dep_ == "appos" and c.pos_ == "NOUN":
                    out.append((name[0], c.lemma_.lower(), name))
            if t.dep_ == "appos" and t.head.pos_ == "NOUN":
                out.append((name[0], t.head.lemma_.lower(), name))
        return out

    def entries(self) -> list[Entry]:
        """(mention start, role noun, actor or name span) for every role the text gives,
        by start (built on first use)."""
        if self._entries is not None:
            return self._entries
        out: list[Entry] = []
        for s, e, actor in self.all_mentions:
            if actor.id in self.placey or actor.type == "other":
                continue
            roles: set[str] = set()
            spans = [*self.sources.descriptions_at((s, e)), (s, e)]
            first = self.idx.tokens(s, e)[:1]
            if first and first[0].i > 0:  # a title just before the name: "Gov. Ruiz"
                prev = first[0].nbor(-1)
                spans.append((prev.idx, prev.idx + len(prev.text)))
            for ds, de in spans:
                for t in self.idx.tokens(ds, de):
                    if t.pos_ not in ("NOUN", "PROPN"):
                        continue
                    word = t.lower_.rstrip(".")
                    word = ROLE_ABBREV.get(word, t.lemma_.lower() if t.pos_ == "NOUN" else word)
                    # In a person's own name only a title counts ("Governor Ruiz").
                    own_name = (ds, de) == (s, e) and actor.type == "person"
                    is_title = word in self.lex.titles or word in ROLE_ABBREV.values()
                    if own_name and not is_title:
                        continue
                    roles.add(word)
            out += [(s, r, actor) for r in roles]
        for start, role, name in self._parse_roles():
            found = self.actor_at(name)
            if found is not None and (found.id in self.placey or found.type == "place"):
                continue  # "VELMAR, April 9 - The minister, ...": a dateline holds no role
            out.append((start, role, found if found is not None else name))
        out.sort(key=lambda x: x[0])
        self._entries = out
        return out
