"""Actors v8: who appears in an article, where, how prominently, and under which labels.

The passes live in their own modules, run in this order by ``ActorsAnalyzer.run``:
``_actor_mentions`` (names), ``_actor_aliases`` (acronyms and alias merging),
``_actor_types`` (typing), ``_actor_groups`` (collective groups and metonyms),
``_actor_labels`` (labels) and ``_actor_enumerations`` (lists); their working records are
in ``_actor_records``. This module runs them and builds the records (prominence).

Mentions come from three sources on the shared parse:

* **names**: spaCy's PERSON/ORG/GPE/NORP entities, cleaned (leading "the", quotes and titles
  dropped, a trailing possessive cut, an entity that runs into a verb cut there), plus a
  case-sensitive whole-token scan of the gazetteer (``_gazetteer.py``: countries from
  pycountry, the team's demonyms, capitals, metonyms, organisations and blocs; user entries
  from the ``gazetteer`` setting);
* **collective groups** named by common nouns of the label lexicon's ``group`` role when the
  text treats them as actors: definite ("the rebels", "the regime"), bare plurals ("militias
  hold the road"), or with an owner or a defining compound ("government forces",
  "opposition fighters", "death squads", "Iranian-backed Shia militias");
* **metonyms**: a ``metonym`` noun with an owner is a mention of the owner, labelled by the
  noun ("the Assad regime", "Assad's regime", "the Marnian government" -> Assad / Marnia);
  a bare definite one ("the regime") refers back to the one actor already labelled so.

Alias merging: exact repeats; full name <-> surname ("Ashley Smith" ... "Smith", either
order), compared without their particles and hyphens ("Abdel Fattah el-Sisi",
"Abdel-Fattah al-Sisi", "Sisi"); acronyms defined in the text ("International Socialist
Organization (ISO)") and known to the gazetteer ("UN", "NATO"); states <-> aliases <->
demonyms <-> capitals and government metonyms ("the United States", "US", "American",
"Washington", "the Obama administration"); demonyms the text itself derives ("Marnian" ->
"Marnia"); possessives ("Russia's"). Not merged where the text distinguishes: a longer
name wins ("Washington Post" is an outlet, "Washington state" a place), a capital in a
locative use ("talks in Moscow", "a Moscow-based analyst") is the city, and a plural
demonym ("Americans") is the people, not the state.

Types: the gazetteer's where it knows the name; else the recogniser's majority vote,
corrected by cues in the text. A name with place cues ("in Sarvan", "eastern Sarvan", "the
Qadim and Bahar districts", "SARVAN, Marnia") and no person cue (a full name, a title) is a
place (type "place": where things happen, told apart from the states and organisations that
act); a name from which the text derives a demonym ("Marnia" / "Marnian") is a state; a
role only a person holds in apposition makes a person ("Ostrow, the council's treasurer"),
and a noun for an organisation before the name ("the charity Northlight") or a word for
one ending it ("Harlow Freight") an organisation. Labels inside quotation marks are the
source's (or held at a distance), never the writer's: they are not recorded.

Labels: every descriptor the writer attaches to an actor, with its span, lemma, class (from
``resources/lexicons/labels.toml``, neutral when unlisted) and construction:
``name`` (the noun that names a group, "the rebels"), ``compound`` ("the Assad regime"),
``possessive`` ("Assad's regime"), ``premodifier`` ("Iranian-backed militias", "President
Kessel", "the so-called opposition"), ``appositive`` ("Nadia Rahimi, a spokeswoman"),
``predicate`` ("X is a proxy force", "X was branded terrorists") and ``adjective`` (a listed
adjective inside an appositive or predicate: "a pseudo-left organization", "is brutal").
A collection describes the actor by what it is a collection of as well: "X, a band of
corrupt profiteers" is labelled "band" and "profiteers", "a gang of thugs" "gang" and
"thugs", whichever side X is on.

Enumerations: actors coordinated in one list ("Iran, Russia and other regional powers,
including Saudi Arabia, Qatar and Turkey"; nested "including"/"such as" lists are flattened),
with the list span and each actor's 1-based rank among the listed actors.

Prominence::

    raw(actor) = 3 * in_title + sum over mentions m in the body of (1 + (1 - start_m / N) + lead_m)
    prominence = raw / max(raw over the article's actors)        # the top actor gets 1.0

``N`` is the length of the text; ``lead_m`` is 1 for a mention in the lead (the first two
paragraphs of the body) and 0 elsewhere; a mention's weight therefore runs from 3 at the top
of the lead to 1 at the end of the article. ``in_title`` means one of the actor's names (or,
for a group, its noun) appears in ``article.title``; when the text itself starts with the
headline, the mentions inside it count through ``in_title`` only, not twice.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..context import Context
from ..model import Actor, Enumeration, FirstMention, Span
from ..text.intervals import Ranges
from ..text.quote_marks import article_quotes
from ._actor_aliases import acronym_matches, find_acronyms, group_names, is_demonym_of
from ._actor_enumerations import enumerations
from ._actor_groups import groups_and_metonyms
from ._actor_labels import find_labels
from ._actor_mentions import proper_mentions, scan_missed
from ._actor_records import ActorDoc, ActorWords, Draft, Listing, TokenActors
from ._actor_types import resolve_types
from ._gazetteer import Gazetteer, load_gazetteer, slugify
from ._labels import LabelLexicon, load_label_lexicon
from .base import Analyzer, analyzers

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["ActorsAnalyzer", "acronym_matches", "is_demonym_of", "slugify"]


@analyzers.register("actors")
class ActorsAnalyzer(Analyzer):
    name = "actors"
    # v3: only_quoted, for actors the writer never names in their own voice.
    # v4: people the recogniser missed, found by a title or a verb of saying.
    # v5: dateline places, "one Democrat" is not the Democrats, "a teacher from X": X a place.
    # v6: an abbreviated region after a town ("in Lynchburg, VA") is a place.
    # v7: a role in apposition makes a person ("Ostrow, the council's treasurer"); a name
    # after a noun for an organisation ("the charity Northlight") or ending in a word for
    # one ("Harlow Freight") is an organisation, whatever the recogniser says; the forms
    # of a name merge on their particles ("Abdel Fattah el-Sisi", "Abdel-Fattah al-Sisi",
    # "Sisi").
    version = "8"
    produces = ("actors",)
    description = (
        "people, organisations, states, places and collective groups, merged across aliases; "
        "labels, enumerations, prominence"
    )

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.gaz: Gazetteer = load_gazetteer(settings.gazetteer)
        self.lex: LabelLexicon = load_label_lexicon(settings.label_lexicon)
        self.words = ActorWords.load(settings.lexicons)
        self._gaz_surfaces: dict[str, list[str]] = {}
        for surface, (actor_id, kind) in self.gaz.surfaces.items():
            if kind != "distinct":
                self._gaz_surfaces.setdefault(actor_id, []).append(surface)

    def run(self, ctx: Context) -> None:
        d = ActorDoc(ctx)
        actors: dict[str, Draft] = {}
        tok_actor: TokenActors = [None] * len(ctx.doc)
        acronyms = find_acronyms(ctx.text)

        mentions = proper_mentions(self.gaz, self.lex, self.words, d, acronyms.definitions)
        group_names(
            self.gaz, d, mentions, actors, acronyms.full_names, tok_actor, self.words.name_particles
        )
        scan_missed(d, actors, acronyms.definitions, tok_actor)
        resolve_types(self.lex, self.words, d, actors)
        anchors = groups_and_metonyms(self.lex, d, actors, tok_actor)
        for key, actor in list(actors.items()):
            if not actor.mentions:
                del actors[key]
        find_labels(self.lex, self.words, d, actors, tok_actor, anchors)
        ctx.analysis.actors = self._records(ctx, d, actors, enumerations(d, anchors))

    # ---- records ------------------------------------------------------------------

    def _records(
        self,
        ctx: Context,
        d: ActorDoc,
        actors: dict[str, Draft],
        enums: dict[str, list[Listing]],
    ) -> list[Actor]:
        text = d.text
        n = max(len(text), 1)
        title = (ctx.article.title or "").strip()
        body_start = len(title) if title and text.startswith(title) else 0
        lead_end = _lead_end(text, body_start)
        out: list[Actor] = []
        used: set[str] = set()
        quoted = [(r.inner_start, r.inner_end) for r in article_quotes(ctx)]
        quoted_index = Ranges(quoted)
        for a in sorted(actors.values(), key=lambda x: min(m.start for m in x.mentions)):
            spans = sorted({(m.start, m.end) for m in a.mentions})
            base = a.gaz_id or slugify(a.name)
            actor_id, k = base, 2
            while actor_id in used:
                actor_id, k = f"{base}-{k}", k + 1
            used.add(actor_id)
            in_title = bool(title) and self._in_title(a, title)
            raw = 3.0 if in_title else 0.0
            for s, _ in spans:
                if s < body_start:
                    continue
                raw += 1.0 + (1.0 - s / n) + (1.0 if s < lead_end else 0.0)
            proper = {text[m.start : m.end] for m in a.mentions if m.proper}
            aliases = (a.aliases | proper) - {a.name}
            out.append(
                Actor(
                    id=actor_id,
                    name=a.name,
                    type=a.type,
                    aliases=sorted(aliases),
                    mentions=[Span.of(text, s, e) for s, e in spans],
                    first_mention=FirstMention(
                        start=spans[0][0], relative=round(spans[0][0] / n, 4)
                    ),
                    mention_count=len(spans),
                    prominence=raw,
                    in_title=in_title,
                    only_quoted=bool(quoted)
                    and all(quoted_index.holds_span(s, e) for s, e in spans),
                    enumerations=[
                        Enumeration(span=Span.of(text, x.start, x.end), rank=x.rank, size=x.size)
                        for x in enums.get(a.key, [])
                    ],
                    # words inside quotation marks are the source's (or held at a
                    # distance), never the writer's label (issue 15, pattern 9)
                    labels=sorted(
                        (
                            lb
                            for lb in a.labels
                            if not quoted_index.holds_span(lb.span.start, lb.span.end)
                        ),
                        key=lambda lb: lb.span.start,
                    ),
                    analyzer=self.key(),
                )
            )
        top = max((x.prominence for x in out), default=0.0) or 1.0
        for x in out:
            x.prominence = round(x.prominence / top, 4)
        return out

    def _in_title(self, a: Draft, title: str) -> bool:
        names = set(a.aliases) | {a.name}
        if a.gaz_id:
            names |= set(self._gaz_surfaces.get(a.gaz_id, ()))
        for name in names:
            if name and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w])", title):
                return True
        if a.group_head:
            words = {a.group_head, a.name.lower()}
            low = title.lower()
            return any(re.search(rf"\b{re.escape(w)}(?:s|es)?\b", low) for w in words if w)
        return False


def _lead_end(text: str, body_start: int) -> int:
    """End of the lead: the first two non-empty paragraphs after ``body_start``."""
    count = 0
    for m in re.finditer(r"[^\n]+", text[body_start:]):
        if m.group().strip():
            count += 1
            if count == 2:
                return body_start + m.end()
    return len(text)
