"""Quotes' learned reads, over what the rules found: the screen of the rules' reports
(``_quote_screen``: which of them the writer attributes) and the pass over the verbs and
adjectives of attitude they left (``_quote_acts``: positions and acts the writer
attributes, kind ``stance``). Both read the rules' findings through ``RuleFindings``
(``quotes._Finder``) and write back to them: the screen drops reports, the pass adds
records and takes their cues. The models, their indicators and their data are described
in those two modules and in ``resources/attribution/MODEL_CARD.md``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
from spacy.symbols import ADJ, AUX, VERB

from ..model import REPORT_KINDS, Actor, QuoteKind
from ..text.intervals import Ranges
from ._quote_acts import (
    ActModel,
    ActorTypes,
    Candidate,
    content_of,
    features,
    lexicon_class,
    shown_content,
)
from ._quote_parties import VIA_VERBS, middleman
from ._quote_screen import SCREENED, report_features
from ._quote_syntax import (
    DocIndex,
    Found,
    Lexicon,
    agent_of,
    cue_lemma,
    cue_span,
    is_passive,
    the_reader,
    withheld,
    word_count,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from spacy.tokens import Doc, Token

    from ..text.quote_marks import Region


class RuleFindings(Protocol):
    """What the learned reads need of the rules' finder (``quotes._Finder``)."""

    idx: DocIndex
    lex: Lexicon
    found: list[Found]
    used_cues: set[int]
    quoted: Ranges
    direct_regions: list[Region]

    def clip(self, piece: tuple[int, int], para: tuple[int, int]) -> tuple[int, int]: ...

    def speaker_token(self, cue: Token, window: tuple[int, int] | None = None) -> Token | None: ...


class LearnedReads:
    """The screen and the learned pass over one article's rule findings."""

    def __init__(self, rules: RuleFindings, actors: Sequence[Actor]):
        self.rules = rules
        #: the type of the actor a token names, for both models' indicators
        self.actor_type = ActorTypes(actors)

    def _report_ranges(self) -> Ranges:
        """The contents of the reports found so far."""
        return Ranges(f.content for f in self.rules.found if f.kind in REPORT_KINDS)

    # -- the screen: which of the rules' reports the writer attributes --

    def report_candidates(self) -> list[tuple[Found, list[str]]]:
        """The rules' reports the screen reads, each with its features (``_quote_screen``);
        run after the rules, before the learned pass."""
        reports = self._report_ranges()
        out = []
        for item in self.rules.found:
            if item.kind not in SCREENED or item.cue is None:
                continue
            # the token the resolver reads as the cue
            cue = self.rules.idx.token_at(item.cue[0])
            if cue is None or cue.pos not in (VERB, AUX):  # a transcript's "HOST:" label
                continue
            if middleman(cue, item.subject) is not None:  # "X cited Y, who said ...": Y's
                continue
            under = cue.head.i != cue.i and cue.head.i in self.rules.used_cues
            inside = reports.holds_point(cue.idx)
            sparse = report_features(
                item, cue, self.rules.lex, self.actor_type, under_cue=under, in_report=inside
            )
            out.append((item, sparse))
        return out

    def screen(self, model: ActModel) -> None:
        """Drop the reports ``model`` scores below its threshold. A report turned down
        keeps its cue used: the learned pass does not read it again."""
        drop = {
            id(item)
            for item, sparse in self.report_candidates()
            if model.score(sparse) < model.threshold
        }
        if drop:
            self.rules.found = [f for f in self.rules.found if id(f) not in drop]

    # -- the learned pass: what the rules left --

    def act_candidates(self) -> list[tuple[Candidate, list[str]]]:
        """The verbs the rules left, and the adjectives of attitude ("is skeptical of the
        levy"), each with what it would attribute and its features (``_quote_acts``); run
        after the rules."""
        reports = self._report_ranges()
        direct = Ranges((r.start, r.end) for r in self.rules.direct_regions)
        out = []
        doc = self.rules.idx.doc
        classes: dict[str, str] = {}
        pos = doc.to_array("POS")
        for i in np.flatnonzero((pos == VERB) | (pos == ADJ)).tolist():
            tok = doc[i]
            if tok.pos == ADJ and not _attitude(tok):
                continue
            if i in self.rules.used_cues or withheld(tok):
                continue
            lemma = cue_lemma(tok)
            if lemma not in classes:
                classes[lemma] = lexicon_class(lemma, self.rules.lex)
            listed = classes[lemma]
            if listed == "naming":
                continue
            if self.rules.quoted.holds_point(tok.idx) or direct.holds_point(tok.idx):
                continue
            if _imperative(tok):  # "Consider the view of X": the writer to the reader
                continue
            if lemma in VIA_VERBS and any(
                t.i in self.rules.used_cues for t in tok.subtree if t.i != tok.i
            ):
                continue  # "The Courier quoted an official as saying ...": a middleman's
            content = content_of(tok)  # (the subject is the resolver's, below)
            if content is None:
                continue
            start, end = self.rules.clip(content, self.rules.idx.para(tok.idx))
            if end <= start or (listed and _bare_pronoun(doc, start, end)):
                continue
            passive = is_passive(tok)
            subject = (agent_of(tok) if passive else None) or self.rules.speaker_token(
                tok.head if tok.pos == ADJ else tok
            )
            if the_reader(subject):
                continue
            cand = Candidate(tok, (start, end), subject, listed)
            sparse = features(
                cand,
                self.actor_type,
                in_report=reports.holds_point(tok.idx),
                under_cue=tok.head.i in self.rules.used_cues,
            )
            out.append((cand, sparse))
        return out

    def acts(self, model: ActModel) -> None:
        """Add a record for each candidate ``model`` scores at its threshold or above."""
        for cand, sparse in self.act_candidates():
            p = model.score(sparse)
            if p < model.threshold:
                continue
            para = self.rules.idx.para(cand.verb.idx)
            content = self.rules.clip(shown_content(cand.verb, cand.content), para)
            words = word_count(self.rules.idx.text[content[0] : content[1]])
            kind: QuoteKind = "indirect" if cand.listed and words > 1 else "stance"
            cue = cue_span(cand.verb)
            span = (min(content[0], cue[0]), max(content[1], cue[1]))
            found = Found(kind, span, content, cue, cand.subject, confidence=p)
            self.rules.found.append(found)
            self.rules.used_cues.add(cand.verb.i)


#: verbs that link a subject to an attitude ("is sure that", "felt worried about")
_LINKS = frozenset(("be", "feel", "seem", "remain", "become", "appear", "sound", "grow"))


def _attitude(adj: Token) -> bool:
    """An adjective of attitude predicated of a subject, with what it is about: "were
    sure that ...", "is skeptical of ...", "felt worried about ..."."""
    return (
        adj.dep_ == "acomp"
        and adj.head.lemma_ in _LINKS
        and any(c.dep_ in ("prep", "xcomp", "ccomp") for c in adj.rights)
    )


def _bare_pronoun(doc: Doc, start: int, end: int) -> bool:
    """Whether ``doc``'s ``[start, end)`` is one pronoun: "Kell denied it" reports nothing
    a reader can use, where "the union endorsed Ostrow" is a position."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and len(span) == 1 and span[0].pos_ == "PRON"


def _imperative(verb: Token) -> bool:
    """A verb in the imperative opening its sentence, with no subject ("Consider the view
    of ...", "Look at the figures"): the writer addressing the reader, nobody's position."""
    if verb.tag_ != "VB" or any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
        return False
    first = next((t for t in verb.sent if not (t.is_punct or t.is_space)), None)
    return first is not None and first.i == verb.i
