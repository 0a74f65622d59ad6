"""Quotes' learned pass: attributions the rules do not propose (PolNeAR's wider notion).

PolNeAR's annotators attribute far more than speech: what a source does or holds as a
position ("the union backed the strike", "the agency put the cost at $4 million", "the
campaign did not respond to a request"), and the reports the cue lexicon lacks. On
PolNeAR dev, 556 gold attributions with a source got no prediction from the rules at all;
87% of their cues are verbs. This pass reads each verb the rules left alone and asks a
logistic-regression model, trained on PolNeAR train (``scripts/train_attribution.py``,
``resources/attribution/MODEL_CARD.md``), whether the writer attributes something there.

**Candidates**: verbs outside quotation marks, not already a cue, that have what they
attribute after them (objects and complements, else the object of a preposition:
``content_of``); and adjectives of attitude predicated of a subject with what they are
about ("is skeptical of the levy", "were sure that ...", "felt worried about ..."), the
subject being the linking verb's. A verb of the cue lexicon with one word after it is read
too ("endorsed Ostrow", "declared bankruptcy": PolNeAR marks them, and the rules' floor
of two words left them to nobody), except a bare pronoun ("Kell denied it" reports
nothing).

**Features** (``features``): indicators of the verb (lemma, tag, dependency, its
children's dependencies, prepositions, its object's lemma, the lexicon list of the lemma,
negation, voice), of its subject (part of speech, entity type, pronoun, common noun), of
what it attributes (length, first word) and of the place (inside a reported clause,
under a cue). Names never: an actor, an entity or a proper noun is read as its type
(``word``), so the weights hold no person, party, group or outlet. No encoder pass and no
vectors: the pass costs a few dictionary look-ups per verb. The parse's own token vectors
(``doc.tensor``) of the verb and its subject were tried and dropped: they added nothing on
dev (average precision 0.597 with them, 0.604 without, with the first feature set) and
made the score move with the words around the verb ("signed the pledge for the pipeline"
against "... against the pipeline"), where the same instrument must read both sides
alike.

A record shows more than the model read: ``shown_content`` runs what is attributed on
past the object to the verb's other complements, as PolNeAR marks it ("offered some advice
| to the mayor", "painted the mayor | as a friend of the landlords"), up to a comma,
another clause or a phrase of time ("on Friday").

What the model accepts is a ``stance``, a position or act the writer attributes to the
source; or, when the cue lexicon lists the verb and two words or more follow it,
``indirect`` (a report the rules' clause finder missed). The lexicon's verbs for naming
alone ("called her on Monday", "saw the bridge") are left to the rules.
"""

from __future__ import annotations

import functools
import json
import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import ModelError
from ._quote_syntax import Lexicon, cue_lemma, is_passive

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..model import Actor

#: Children of a verb whose subtrees make up what it attributes; a prepositional phrase
#: counts only when there is none of them ("stuck to policy"), and then without its
#: preposition, as PolNeAR marks it ("doubled down on [his attacks]").
CONTENT_DEPS = frozenset(("dobj", "ccomp", "xcomp", "attr", "oprd", "acomp", "dative"))
_HEAD_DEPS = frozenset(("xcomp", "conj", "ccomp", "advcl", "relcl", "acl", "pcomp"))
MODEL_FILE = "attribution/model.json"


@dataclass(frozen=True)
class Candidate:
    """A verb the model reads: what it would attribute and who to."""

    verb: Token
    content: tuple[int, int]
    subject: Token | None
    #: the cue lexicon's list that holds the verb's lemma (``lexicon_class``)
    listed: str = ""


def content_of(verb: Token) -> tuple[int, int] | None:
    """Character span of what ``verb`` attributes: its complements after it, else the
    object of its first preposition (a passive's subject when it has no complement: "the
    plan was announced by X"; never the verb or its agent);
    adjuncts (time, place, a clause of circumstance) left out, outer punctuation trimmed;
    None when it has none."""
    passive = is_passive(verb)
    parts = [c for c in verb.rights if c.dep_ in CONTENT_DEPS]
    if not parts and not passive:
        preps = [c for c in verb.rights if c.dep_ == "prep"]
        objs = [o for o in preps[0].children if o.dep_ in ("pobj", "pcomp")] if preps else []
        parts = objs[:1]
    before = False
    if passive and not parts:
        # "the plan was announced by the ministry": what was announced is the subject; a
        # passive with a complement says it after the verb ("residents were told by the
        # board | to boil their water"), and the span never holds the cue or its agent
        parts = [c for c in verb.children if c.dep_ == "nsubjpass"]
        before = True
    if not parts:
        return None
    doc = verb.doc
    lo = min(c.left_edge.i for c in parts)
    hi = max(c.right_edge.i for c in parts)
    if not before:
        lo = max(lo, verb.i + 1)
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    if doc[lo].is_punct or doc[lo].is_space:
        return None
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


#: Children of a verb that end what a record shows: another clause, another verb, a
#: bare time adjunct ("said Tuesday").
_CLAUSE_DEPS = frozenset(("cc", "conj", "relcl", "advcl", "mark", "parataxis", "npadvmod"))
_TIME_ENTS = frozenset(("DATE", "TIME"))


def shown_content(verb: Token, core: tuple[int, int]) -> tuple[int, int]:
    """What a record of the pass shows as attributed: ``core`` (``content_of``, what the
    model read) and the verb's further complements after it ("offered some advice | to the
    mayor", "painted the mayor | as a friend of the landlords"), up to a comma, another
    clause or verb, or a phrase of time ("on Friday"); a passive's stays its subject. On
    PolNeAR train, speaker overlap F1 0.7409 -> 0.7444, content exact 0.5658 -> 0.5691."""
    if is_passive(verb):
        return core
    doc = verb.doc
    # the first comma after the verb within its phrase: nothing past it is shown
    comma = next((t.i for t in doc[verb.i + 1 : verb.right_edge.i + 1] if t.text == ","), len(doc))
    keep = None
    for c in verb.rights:
        if c.is_punct or c.is_space:
            continue
        if c.dep_ in _CLAUSE_DEPS or c.i > comma:
            break
        if c.dep_ == "prep" and any(t.ent_type_ in _TIME_ENTS for t in c.subtree):
            break
        keep = c
    if keep is None:
        return core
    hi = keep.right_edge.i
    while hi > verb.i and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return core[0], max(core[1], doc[hi].idx + len(doc[hi].text))


def lexicon_class(lemma: str, lex: Lexicon) -> str:
    """The cue lexicon's list that holds ``lemma`` ("" for none); ``naming`` only for verbs
    in no other list ("call", "see": they attribute a quotation or nothing, so the
    learned pass leaves them alone)."""
    for name in ("speech", "cognition", "evidence", "intention", "object", "manner"):
        if lemma in getattr(lex, name):
            return name
    if lemma in lex.naming:
        return "naming"
    return "phrasal" if any(verb == lemma for verb, _ in lex.phrasal | lex.prep_object) else ""


def word(tok: Token, actor_type: Callable[[Token], str]) -> str:
    """A token as the model may read it: the type of the actor it names, else its entity
    type, else its tag for a proper noun, else its lemma. The model reads how something
    is attributed, never who: a weight on "Clinton" or "Muslims" would make the same
    verb count for one side and not the other."""
    kind = actor_type(tok) or tok.ent_type_
    if kind:
        return f"<{kind}>"
    if tok.pos_ == "PROPN":
        return "<PROPN>"
    return cue_lemma(tok)


def features(
    cand: Candidate,
    actor_type: Callable[[Token], str],
    *,
    in_report: bool,
    under_cue: bool,
) -> list[str]:
    """The sparse indicators of one candidate (see the module docstring)."""
    verb, subj = cand.verb, cand.subject
    lemma = word(verb, actor_type)
    dep = verb.dep_
    out = ["bias", f"lemma={lemma}", f"tag={verb.tag_}", f"dep={dep}", f"lemma|dep={lemma}|{dep}"]
    kids = {c.dep_ for c in verb.children}
    out += [f"child={d}" for d in sorted(kids)]
    out += [f"lemma|child={lemma}|{d}" for d in sorted(kids & (CONTENT_DEPS | {"prep"}))]
    for c in verb.rights:
        if c.dep_ in ("prep", "dative") and c.pos_ == "ADP":
            out += [f"prep={c.lower_}", f"lemma|prep={lemma}|{c.lower_}"]
        elif c.dep_ == "dobj":
            obj = word(c, actor_type)
            out += [f"obj={obj}", f"obj_pos={c.pos_}", f"lemma|obj={lemma}|{obj}"]
    first = verb.doc.char_span(cand.content[0], cand.content[1], alignment_mode="expand")
    if first is not None and len(first):
        opener = first[0].lower_ if first[0].is_stop else first[0].pos_
        out += [f"content_first={opener}", f"lemma|content_first={lemma}|{opener}"]
    if dep in _HEAD_DEPS and verb.head.i != verb.i:
        out.append(f"head={word(verb.head, actor_type)}")
    out.append(f"lex={cand.listed or 'none'}")
    if "neg" in kids:
        out += ["neg", f"lemma|neg={lemma}"]
    if "auxpass" in kids:
        out += ["passive", f"lemma|passive={lemma}"]
    if subj is None:
        out += ["subj=none", f"lemma|subj=none={lemma}"]
    else:
        ent = subj.ent_type_ or "none"
        out += [f"subj_pos={subj.pos_}", f"subj_ent={ent}", f"lemma|subj_ent={lemma}|{ent}"]
        out.append(f"lemma|subj_pos={lemma}|{subj.pos_}")
        if subj.pos_ == "PRON":
            out.append(f"subj_pron={subj.lower_}")
        elif subj.pos_ == "NOUN":
            out.append(f"subj_noun={word(subj, actor_type)}")
        out.append(f"subj_side={'before' if subj.i < verb.i else 'after'}")
    words = cand.content[1] - cand.content[0]  # characters, on a log scale
    out.append(f"clen={min(6, int(math.log2(1 + words)))}")
    if in_report:
        out.append("in_report")
    if under_cue:
        out.append("under_cue")
    return out


class ActModel:
    """The trained weights: a logistic regression over ``features``."""

    def __init__(self, blob: dict[str, Any]):
        self.weights: dict[str, float] = blob["weights"]
        self.threshold = float(blob["threshold"])

    def score(self, sparse: list[str]) -> float:
        z = sum(self.weights.get(f, 0.0) for f in set(sparse))
        return 1.0 / (1.0 + math.exp(-z))


def read_model(name: str, what: str) -> ActModel:
    """The weights in ``resources/<name>`` (``what`` names them in the error)."""
    path = resources.files("framelens.resources").joinpath(name)
    try:
        return ActModel(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"the {what} {str(path)!r} could not be read ({type(exc).__name__})",
            fix="reinstall framelens, or rebuild it with scripts/train_attribution.py",
            value=str(path),
        ) from exc


@functools.lru_cache(maxsize=1)
def load_model() -> ActModel:
    return read_model(MODEL_FILE, "attribution model")


class ActorTypes:
    """The type of the actor whose mention holds a token ("" for none), by bisection over
    the mentions' starts: a look-up per token read, not a table of every mention's
    tokens."""

    def __init__(self, actors: Sequence[Actor]):
        spans = sorted((m.start, m.end, a.type) for a in actors for m in a.mentions)
        self.starts = [s for s, _, _ in spans]
        self.spans = spans

    def __call__(self, tok: Token) -> str:
        k = bisect_right(self.starts, tok.idx) - 1
        if k >= 0 and self.spans[k][1] > tok.idx:
            return self.spans[k][2]
        return ""
