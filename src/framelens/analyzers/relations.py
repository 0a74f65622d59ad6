"""Relations v3: who backs, allies with, attacks, blames or opposes whom.

Read from the shared dependency parse and the actors' mention spans, with the words of
``resources/lexicons/relations.toml``:

* verbs: subject (or the "by" agent of a passive) -> direct object (or the passive subject):
  "Russia bombed Sarvan", "Sarvan was shelled by the army", "an army paid by Ankara";
  subjects and objects are expanded over coordination ("Turkey, Qatar and Saudi Arabia blame
  Kessel") and "including" lists, a relative pronoun stands for its antecedent ("Russia,
  which backs Kessel"), coordinated verbs share their subject and object ("starved, shelled
  and bulldozed the districts"), and verb + preposition pairs take the object of the
  preposition ("sided with", "fired on");
* nouns: "Russia's support for Kessel", "air strikes in support of the government" (the
  source is the possessor, an actor premodifier, or the subject of the clause);
* hyphenated premodifiers: "Iranian-backed militias" -> Iran backs the militias;
* alliances: "X and its ally Y", "Y, an ally of X", "X is allied with Y".
* pronouns: a personal pronoun argument ("he", "her", "it", "they", "them") stands for the
  actor the ``quotes`` analyzer's speaker resolution picks (the most recent compatible
  mention, a subject first, gender from the text where it says so): "Kessel ... He accused
  the United Nations" -> Kessel blames the United Nations; the mention must be in the same
  or the previous sentence. The relation lists the mention
  in ``antecedents`` and scores as indirect; pronouns inside quotation marks are left
  alone (the speaker's "they" is not the writer's).

An argument that is not itself an actor mention is resolved through its noun phrase ("the
Kessel regime" -> Kessel, "the districts of Sarvan" -> Sarvan) and through a copula ("the
opposition is nothing but an army paid by Ankara" -> Turkey backs the opposition).

Each relation is ``negated`` when its verb (or noun) is negated ("did not back", "no
support") or governed by a negating verb ("refused to arm", "denied funding"), and
``hedged`` when it carries a hedge ("reportedly", "allegedly", "may have", "is said to",
"alleged support"). ``score`` is the rule's confidence: 0.9 for a verb or hyphenated
premodifier whose arguments are actor mentions, 0.75 when an argument was reached through
its phrase, a copula or coordination, 0.7 for nominal patterns (set by hand, not tuned).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from ..context import Context
from ..model import Relation, Span
from ..text.intervals import Ranges
from ..text.quote_marks import article_quotes, balance_quotes
from ..text.syntax import hyphen_spans, token_ranges, tokens
from ._quote_speakers import GROUP_PRONOUNS, PERSON_PRONOUNS, Resolver
from ._quote_syntax import DocIndex, load_lexicon
from .base import Analyzer, analyzers

if TYPE_CHECKING:
    from spacy.tokens import Token

RelType = Literal["backs", "allies", "attacks", "blames", "opposes"]
TYPES: tuple[RelType, ...] = ("backs", "allies", "attacks", "blames", "opposes")
_WH = {"which", "who", "that", "whom"}
_PLURAL = {"they", "them"}
#: A pronoun argument stands for a mention in its own sentence or at most this many back.
_PRONOUN_SENTENCES = 1
_LIST_PREPS = {"including", "like"}
_NOUN_PREPS = {"of", "for", "on", "against", "to", "with"}
_SCORE_DIRECT, _SCORE_INDIRECT, _SCORE_NOMINAL = 0.9, 0.75, 0.7


@dataclass
class RelationLexicon:
    verbs: dict[str, RelType] = field(default_factory=dict)
    passive_verbs: dict[str, RelType] = field(default_factory=dict)
    prep_verbs: dict[tuple[str, str], RelType] = field(default_factory=dict)
    nouns: dict[str, RelType] = field(default_factory=dict)
    adjectives: dict[str, RelType] = field(default_factory=dict)
    suffixes: dict[str, RelType] = field(default_factory=dict)
    hedge_adverbs: frozenset[str] = frozenset()
    hedge_modals: frozenset[str] = frozenset()
    hedge_verbs: frozenset[str] = frozenset()
    hedge_adjectives: frozenset[str] = frozenset()
    negating_verbs: frozenset[str] = frozenset()
    negating_dets: frozenset[str] = frozenset()
    #: every verb, noun and adjective lemma that can carry a relation
    predicate_words: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=1)
def load_relation_lexicon() -> RelationLexicon:
    raw = resources.files("framelens.resources").joinpath("lexicons/relations.toml")
    data: dict[str, Any] = tomllib.loads(raw.read_text(encoding="utf-8"))
    lex = RelationLexicon()
    for rtype in TYPES:
        table = data.get(rtype, {})
        for w in table.get("verbs", []):
            lex.verbs[w] = rtype
        for w in table.get("passive_verbs", []):
            lex.passive_verbs[w] = rtype
        for verb, prep in table.get("prep_verbs", []):
            lex.prep_verbs[(verb, prep)] = rtype
        for w in table.get("nouns", []):
            lex.nouns[w] = rtype
        for w in table.get("adjectives", []):
            lex.adjectives[w] = rtype
        for w in table.get("suffixes", []):
            lex.suffixes[w] = rtype
    hedges, negators = data.get("hedges", {}), data.get("negators", {})
    lex.hedge_adverbs = frozenset(hedges.get("adverbs", []))
    lex.hedge_modals = frozenset(hedges.get("modals", []))
    lex.hedge_verbs = frozenset(hedges.get("governing_verbs", []))
    lex.hedge_adjectives = frozenset(hedges.get("adjectives", []))
    lex.negating_verbs = frozenset(negators.get("governing_verbs", []))
    lex.negating_dets = frozenset(negators.get("determiners", []))
    lex.predicate_words = frozenset(lex.verbs) | set(lex.passive_verbs) | set(lex.nouns)
    lex.predicate_words |= {v for v, _ in lex.prep_verbs} | set(lex.adjectives)
    return lex


@dataclass
class _Found:
    source: str
    target: str
    type: RelType
    toks: list[int]
    negated: bool
    hedged: bool
    score: float


@analyzers.register("relations")
class RelationsAnalyzer(Analyzer):
    name = "relations"
    # v2: pronoun arguments resolved to their antecedents; v3: "insists that" hedges, and
    # a span never holds half a quotation.
    version = "3"
    needs = ("actors",)
    produces = ("relations",)
    description = "who backs, allies with, attacks, blames or opposes whom (from the parse)"

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.lex = load_relation_lexicon()

    def run(self, ctx: Context) -> None:
        text = ctx.text
        doc = tokens(ctx)
        tok_actor, tok_mention, tok_metonym = _token_actors(doc, ctx)
        if not any(tok_actor):
            ctx.analysis.relations = []
            return
        r = _Reader(doc, tok_actor, tok_metonym, self.lex, _pronoun_resolver(ctx))
        found: list[_Found] = []
        predicates = self.lex.predicate_words
        for t in doc:
            lemma = t.lemma_.lower()
            if lemma not in predicates or tok_actor[t.i] is not None:
                continue  # not inside a name ("Commission for the Protection of Minors")
            if t.pos_ in ("VERB", "AUX") or (t.pos_ == "ADJ" and lemma in self.lex.adjectives):
                found += r.verbal(t, lemma)
            elif t.pos_ in ("NOUN", "PROPN") and lemma in self.lex.nouns:
                found += r.nominal(t, lemma)
        found += r.hyphenated()
        ctx.analysis.relations = self._records(doc, text, found, tok_mention, r.antecedents)

    def _records(
        self,
        doc: list[Token],
        text: str,
        found: list[_Found],
        tok_mention: dict[int, tuple[int, int]],
        antecedents: dict[tuple[int, str], tuple[int, int]],
    ) -> list[Relation]:
        best: dict[tuple[str, str, str, int], _Found] = {}
        for f in found:
            if f.source == f.target:
                continue
            sent = doc[f.toks[0]].sent.start
            key = (f.source, f.target, f.type, sent)
            if key not in best or f.score > best[key].score:
                best[key] = f
        out: list[Relation] = []
        for f in sorted(best.values(), key=lambda x: (min(x.toks), x.type)):
            # The span runs from the first to the last evidence token, whole mentions (and
            # whole quotations) included.
            a = min(tok_mention.get(i, (i, i))[0] for i in f.toks)
            b = max(tok_mention.get(i, (i, i))[1] for i in f.toks)
            start, end = balance_quotes(text, doc[a].idx, doc[b].idx + len(doc[b].text))
            out.append(
                Relation(
                    source=f.source,
                    target=f.target,
                    type=f.type,
                    span=Span.of(text, start, end),
                    negated=f.negated,
                    hedged=f.hedged,
                    score=f.score,
                    antecedents=[
                        Span.of(text, *antecedents[(i, actor)])
                        for i in f.toks
                        for actor in (f.source, f.target)
                        if (i, actor) in antecedents
                    ],
                    analyzer=self.key(),
                )
            )
        return out


def _token_actors(
    doc: list[Token], ctx: Context
) -> tuple[list[str | None], dict[int, tuple[int, int]], dict[int, str]]:
    """From the actors' records: token -> actor id, token -> its mention's first and last
    token, and token -> actor id for metonym nouns ("regime" in "the Kessel regime")."""
    starts, ends = token_ranges(doc)

    def tokens(start: int, end: int) -> tuple[int, int] | None:
        t0, t1 = starts.get(start), ends.get(end)
        if t0 is None or t1 is None:
            span = ctx.doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) == 0:
                return None
            return span.start, span.end - 1
        return t0, t1

    out: list[str | None] = [None] * len(doc)
    mention: dict[int, tuple[int, int]] = {}
    metonym: dict[int, str] = {}
    for actor in ctx.analysis.actors:
        for m in actor.mentions:
            r = tokens(m.start, m.end)
            if r is None:
                continue
            for i in range(r[0], r[1] + 1):
                out[i] = actor.id
                mention[i] = r
        for lb in actor.labels:
            if lb.construction in ("compound", "possessive"):
                r = tokens(lb.span.start, lb.span.end)
                if r is not None:
                    metonym[r[1]] = actor.id
                    mention.setdefault(r[1], (doc[r[1]].left_edge.i, r[1]))
    return out, mention, metonym


class _Reader:
    """Relation patterns over one parse, with the token -> actor map."""

    def __init__(
        self,
        doc: list[Token],
        tok_actor: list[str | None],
        tok_metonym: dict[int, str],
        lex: RelationLexicon,
        pronoun: Callable[[Token], tuple[str, tuple[int, int]] | None] | None = None,
    ):
        self.doc = doc
        self.tok_actor = tok_actor
        self.tok_metonym = tok_metonym
        self.lex = lex
        self.hyphen = hyphen_spans(doc)
        self.pronoun = pronoun
        #: (pronoun token, actor id) -> the character span of the mention it stands for
        self.antecedents: dict[tuple[int, str], tuple[int, int]] = {}

    # ---- arguments ------------------------------------------------------------------

    def resolve(self, t: Token) -> tuple[str, int, bool] | None:
        """(actor id, token, direct?) for an argument token: the mention, or inside its phrase."""
        if t.lower_ in _WH and t.head.dep_ in ("relcl", "acl") and t.head.head.i != t.head.i:
            t = t.head.head  # "Russia, which backs ...": the antecedent
        hit = self.tok_actor[t.i]
        if hit is not None and t.i not in self.hyphen:
            return hit, t.i, True
        if t.i in self.tok_metonym:  # "the Kessel regime", "Assad's regime"
            return self.tok_metonym[t.i], t.i, True
        if self.pronoun is not None and t.pos_ == "PRON":
            stands_for = self.pronoun(t)
            if stands_for is None:
                return None
            self.antecedents[(t.i, stands_for[0])] = stands_for[1]
            return stands_for[0], t.i, False
        # A predicate noun stands for the copula's subject: "X is nothing but an army paid by Y".
        subj = self._copula_subject(t)
        if subj is not None:
            found = self.resolve(subj)
            return (found[0], found[1], False) if found else None
        # Inside the phrase: "the districts of Sarvan", "a handful of vetted units". Not
        # through possessives or compounds: "Haddad's hospital" is not Haddad.
        queue: list[tuple[Token, int]] = [(t, 0)]
        while queue:
            node, depth = queue.pop(0)
            for c in node.children:
                if c.dep_ == "appos" and self.tok_actor[c.i] is not None:
                    return str(self.tok_actor[c.i]), c.i, False
                if c.dep_ == "prep" and c.lower_ in ("of", "in") and depth < 2:
                    for p in c.children:
                        if p.dep_ != "pobj":
                            continue
                        if self.tok_actor[p.i] is not None:
                            return str(self.tok_actor[p.i]), p.i, False
                        if p.i in self.tok_metonym:
                            return self.tok_metonym[p.i], p.i, False
                        queue.append((p, depth + 1))
        return None

    def resolve_all(self, t: Token) -> list[tuple[str, int, bool]]:
        """``resolve``, except that "they" / "them" stand for every actor coordinated in
        their antecedent ("Turkey, Qatar and Saudi Arabia ... Kessel blames them")."""
        first = self.resolve(t)
        if first is None:
            return []
        if t.lower_ not in _PLURAL or (t.i, first[0]) not in self.antecedents:
            return [first]
        mention = t.doc.char_span(*self.antecedents[(t.i, first[0])], alignment_mode="expand")
        out = [first]
        # The mention's head word ("Arabia" in "Saudi Arabia") carries the coordination.
        for c in mention.root.conjuncts if mention is not None else ():
            aid = self.tok_actor[c.i]
            if aid is None or any(aid == o[0] for o in out):
                continue
            lo, hi = c.i, c.i
            while lo > 0 and self.tok_actor[lo - 1] == aid:
                lo -= 1
            while hi + 1 < len(self.doc) and self.tok_actor[hi + 1] == aid:
                hi += 1
            self.antecedents[(t.i, aid)] = (self.doc[lo].idx, self.doc[hi].idx + len(self.doc[hi]))
            out.append((aid, t.i, False))
        return out

    def _copula_subject(self, t: Token) -> Token | None:
        node = t
        if node.dep_ == "pobj" and node.head.lower_ in ("but", "except") and node.head.head.i:
            node = node.head.head  # "nothing but an army"
        if node.dep_ == "attr" and node.head.lemma_ in ("be", "become", "remain"):
            for c in node.head.children:
                if c.dep_ in ("nsubj", "nsubjpass"):
                    return c
        return None

    def expand(self, t: Token) -> list[Token]:
        """``t`` and what is coordinated with it, "including" lists flattened."""
        out: list[Token] = []
        todo = [t, *t.conjuncts]
        seen: set[int] = set()
        while todo:
            x = todo.pop(0)
            if x.i in seen:
                continue
            seen.add(x.i)
            out.append(x)
            for c in x.children:
                if c.dep_ == "prep" and c.lower_ in _LIST_PREPS:
                    for p in c.children:
                        if p.dep_ == "pobj":
                            todo += [p, *p.conjuncts]
        return out

    def subjects(self, v: Token, depth: int = 0) -> list[Token]:
        subs = [c for c in v.children if c.dep_ == "nsubj"]
        if v.dep_ == "relcl" and v.head.i != v.i:
            # "Turkey, Qatar and Saudi Arabia, which have backed ...": the antecedent.
            subs = [v.head if c.lower_ in _WH else c for c in subs]
        if subs or depth > 3:
            return subs
        if v.dep_ == "xcomp":  # "Iran is said to have armed ...": the raised subject
            raised = [c for c in v.head.children if c.dep_ == "nsubjpass"]
            if raised:
                return raised
            if any(
                c.i < v.i
                and (c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ in ("on", "upon")))
                for c in v.head.children
            ):
                return []  # "called on Muslims to kill ...": the object acts, not the subject
        if v.dep_ in ("conj", "xcomp") and v.head.pos_ in ("VERB", "AUX"):
            return self.subjects(v.head, depth + 1)
        if v.dep_ in ("relcl", "acl") and v.head.i != v.i and not _is_passive(v):
            return [v.head]
        return []

    def objects(self, v: Token) -> list[Token]:
        objs = [c for c in v.children if c.dep_ == "dobj"]
        if objs:
            return objs
        # Right node raising: "starved, shelled and bulldozed the districts".
        for c in v.conjuncts:
            if c.i > v.i and c.pos_ == "VERB":
                objs = [x for x in c.children if x.dep_ == "dobj"]
                if objs:
                    return objs
        return []

    # ---- flags ------------------------------------------------------------------------

    def _chain(self, t: Token) -> list[Token]:
        """``t`` and the verbs governing it through xcomp/ccomp/conj/advcl (at most 3 up)."""
        chain = [t]
        x = t
        for _ in range(3):
            if x.dep_ not in ("xcomp", "ccomp", "conj", "advcl", "pcomp") or x.head.i == x.i:
                break
            x = x.head
            chain.append(x)
        return chain

    def negated(self, t: Token, subjects: list[Token] | None = None) -> bool:
        if any(c.dep_ == "neg" or c.lower_ == "never" for c in t.children):
            return True
        if any(c.dep_ == "det" and c.lower_ in self.lex.negating_dets for c in t.children):
            return True
        for s in subjects or []:
            if any(c.dep_ == "det" and c.lower_ in self.lex.negating_dets for c in s.children):
                return True
        return any(g.lemma_.lower() in self.lex.negating_verbs for g in self._chain(t)[1:])

    def hedged(self, t: Token) -> bool:
        chain = self._chain(t)
        for x in chain:
            for c in x.children:
                if c.dep_ == "advmod" and c.lower_ in self.lex.hedge_adverbs:
                    return True
                if c.dep_ == "aux" and c.lower_ in self.lex.hedge_modals:
                    return True
                if c.dep_ == "amod" and c.lower_ in self.lex.hedge_adjectives:
                    return True
        prev = t
        for gov in chain[1:]:
            lemma = gov.lemma_.lower()
            if lemma in self.lex.hedge_verbs and (
                prev.dep_ == "xcomp" or lemma not in ("say", "report", "tell")
            ):
                return True  # "is said to have armed", "claims that X armed Y"
            prev = gov
        return False

    # ---- patterns ---------------------------------------------------------------------

    def _pairs(
        self,
        sources: list[Token],
        targets: list[Token],
        rtype: RelType,
        pred: list[int],
        negated: bool,
        hedged: bool,
        score: float,
    ) -> list[_Found]:
        out: list[_Found] = []
        src_args = [(s, rs) for x in sources for s in self.expand(x) for rs in self.resolve_all(s)]
        tgt_args = [(t, rt) for x in targets for t in self.expand(x) for rt in self.resolve_all(t)]
        for s, rs in src_args:
            for t, rt in tgt_args:
                if rt[0] == rs[0]:
                    continue
                direct = rs[2] and rt[2] and s in sources and t in targets
                out.append(
                    _Found(
                        source=rs[0],
                        target=rt[0],
                        type=rtype,
                        toks=[rs[1], *pred, rt[1]],
                        negated=negated,
                        hedged=hedged,
                        score=score if direct else min(score, _SCORE_INDIRECT),
                    )
                )
        return out

    def verbal(self, v: Token, lemma: str) -> list[_Found]:
        lex = self.lex
        out: list[_Found] = []
        passive = _is_passive(v)
        types: list[tuple[RelType, list[Token]]] = []  # (type, targets)
        if lemma in lex.verbs or (passive and lemma in lex.passive_verbs):
            rtype = lex.verbs.get(lemma) or lex.passive_verbs[lemma]
            targets = self.passive_targets(v) if passive else self.objects(v)
            types.append((rtype, targets))
        for c in v.children:
            if c.dep_ == "prep" and (lemma, c.lower_) in lex.prep_verbs:
                objs = [p for p in c.children if p.dep_ == "pobj"]
                types.append((lex.prep_verbs[(lemma, c.lower_)], objs))
        if lemma in lex.adjectives:  # "X is allied with Y", "X, allied with Y"
            objs = [
                p
                for c in v.children
                if c.dep_ == "prep" and c.lower_ == "with"
                for p in c.children
                if p.dep_ == "pobj"
            ]
            types.append((lex.adjectives[lemma], objs))
        if not types:
            return out
        if passive:
            sources = [
                p for c in v.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"
            ]
            if not sources and any(t == "allies" for t, _ in types):
                sources = self.passive_targets(v)  # "Marnia is allied with Russia"
                types = [(t, objs) for t, objs in types if t == "allies"]
        else:
            sources = self.subjects(v)
            if lemma in lex.adjectives and not sources:
                if v.dep_ == "acomp":
                    sources = self.subjects(v.head)
                elif v.dep_ in ("amod", "acl") and v.head.i != v.i:
                    sources = [v.head]
        negated = self.negated(v, sources)
        hedged = self.hedged(v)
        for rtype, targets in types:
            out += self._pairs(sources, targets, rtype, [v.i], negated, hedged, _SCORE_DIRECT)
        return out

    def passive_targets(self, v: Token, depth: int = 0) -> list[Token]:
        targets = [c for c in v.children if c.dep_ == "nsubjpass"]
        if targets or v.head.i == v.i or depth > 3:
            return targets
        if v.dep_ == "acl":
            return [v.head]  # "an army paid by Ankara"
        if v.dep_ == "conj" and v.head.pos_ == "VERB":
            return self.passive_targets(v.head, depth + 1)  # "paid by X and protected by Y"
        return []

    def nominal(self, n: Token, lemma: str) -> list[_Found]:
        rtype = self.lex.nouns[lemma]
        targets = [
            p
            for c in n.children
            if c.dep_ == "prep" and c.lower_ in _NOUN_PREPS
            for p in c.children
            if p.dep_ == "pobj"
        ]
        sources: list[Token] = [c for c in n.children if c.dep_ == "poss"]
        sources += [
            p
            for c in n.children
            if c.dep_ == "prep" and c.lower_ == "by"
            for p in c.children
            if p.dep_ == "pobj"
        ]
        sources += [
            c
            for c in n.children
            if c.dep_ in ("compound", "amod", "nmod")
            and self.tok_actor[c.i] is not None
            and c.i not in self.hyphen
        ]
        out: list[_Found] = []
        if lemma in ("ally", "partner"):
            # "X and its ally Y" / "Russia's ally Iran": the named ally is an appositive.
            named = [c for c in n.children if c.dep_ in ("appos", "compound")]
            named = [c for c in named if self.tok_actor[c.i] is not None]
            if named:
                if not sources or all(s.lower_ in ("its", "their") for s in sources):
                    sources = [n.head] if n.dep_ == "conj" else []
                targets = named
            elif n.dep_ == "appos":  # "Y, an ally of X"
                sources = [n.head]
            elif n.dep_ == "attr":  # "Y is an ally of X"
                subj = self._copula_subject(n)
                sources = [subj] if subj is not None else []
        gov = n
        if not sources and n.dep_ in ("pobj", "dobj"):
            # "carried out strikes in support of the government": the clause's subject.
            x = n
            for _ in range(4):
                x = x.head
                if x.pos_ in ("VERB", "AUX"):
                    sources = self.subjects(x)
                    gov = x
                    break
                if x.head.i == x.i:
                    break
        if not sources or not targets:
            return out
        negated = self.negated(n) or (gov is not n and self.negated(gov))
        hedged = self.hedged(n) or (gov is not n and self.hedged(gov))
        score = 0.85 if rtype == "allies" else _SCORE_NOMINAL
        return self._pairs(sources, targets, rtype, [n.i], negated, hedged, score)

    def hyphenated(self) -> list[_Found]:
        """ "Iranian-backed militias": the first part backs the noun the word modifies."""
        out: list[_Found] = []
        seen: set[tuple[int, int]] = set()
        for a, b in self.hyphen.values():
            if (a, b) in seen:
                continue
            seen.add((a, b))
            last = self.doc[b - 1]
            rtype = self.lex.suffixes.get(last.lemma_.lower()) or self.lex.suffixes.get(last.lower_)
            src = self.tok_actor[a]
            if rtype is None or src is None:
                continue
            head = last.head
            if head.i in range(a, b):
                continue
            rt = self.resolve(head)
            if rt is None or rt[0] == src:
                continue
            out.append(
                _Found(
                    source=src,
                    target=rt[0],
                    type=rtype,
                    toks=[a, b - 1, rt[1]],
                    negated=False,
                    hedged=self.hedged(head),
                    score=_SCORE_DIRECT,
                )
            )
        return out


def _is_passive(v: Token) -> bool:
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children):
        return True
    return v.tag_ == "VBN" and any(c.dep_ == "agent" for c in v.children)


def _pronoun_resolver(ctx: Context) -> Callable[[Token], tuple[str, tuple[int, int]] | None]:
    """Pronoun -> (actor id, antecedent mention span), by the quotes analyzer's resolver;
    ``None`` for pronouns inside quotation marks and those with no compatible antecedent."""
    built: list[tuple[Resolver, Ranges]] = []  # built on the first pronoun

    def resolve(tok: Token) -> tuple[str, tuple[int, int]] | None:
        if tok.lower_ not in PERSON_PRONOUNS and tok.lower_ not in GROUP_PRONOUNS:
            return None
        if not built:
            regions = article_quotes(ctx)
            resolver = Resolver(
                DocIndex(ctx.doc, ctx.text),
                load_lexicon(ctx.settings.lexicons),
                ctx.analysis.actors,
                regions,
            )
            built.append((resolver, Ranges((r.inner_start, r.inner_end) for r in regions)))
        resolver, quoted = built[0]
        if quoted.holds_point(tok.idx):
            return None
        found = resolver.pronoun_antecedent(tok)
        if found is None:
            return None
        # Farther back than the previous sentence, a pronoun is too often something else
        # ("the plan", "the war") for a relation to rest on it.
        gap = resolver.idx.sent_no(tok.idx) - resolver.idx.sent_no(found[1][0])
        return (found[0].id, found[1]) if gap <= _PRONOUN_SENTENCES else None

    return resolve
