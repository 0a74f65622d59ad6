"""Quotes v14: every quotation, who said it, how the writer introduces them, scare quotes,
and the positions and acts the writer attributes to a source.

Rules on the shared parse, in four passes, and a learned screen and a learned pass after
the rules' second. Pass 1 lives in ``framelens.text.quote_marks``, pass 2 here, the
screen and the learned pass in ``_quote_learned`` (what they read over the rules'
findings; their models and indicators in ``_quote_screen`` and ``_quote_acts``), pass 3 in
``_quote_speakers`` (with the roles the text gives, ``_quote_roles``, the parties beside
a speaker, ``_quote_parties``, and what the text says of a person's gender,
``_quote_gender``) and pass 4 in ``_quote_sources``; ``_quote_syntax`` holds
the cue lexicon (``resources/lexicons/cue_verbs.toml``) and small parse helpers.

**1. Quotation marks** are paired on the raw text: straight and curly marks, quotes of
several paragraphs (a paragraph opening with a mark continues an unclosed quote), stray
marks that never swallow the article, nested quotes kept inside the outer one. Each
region is then *standalone* — it opens its sentence and reads as a sentence, or follows
an introduction ending in ``:``/``,`` or a verb of saying (``He said "..."``) — or
*embedded* in the writer's own sentence.

**2. Attribution.**
- A standalone region is a ``direct`` quote. Its cue is a verb of saying (lexicon lists
  ``speech``/``manner``/``phrasal``) right after it (``"...," she said``: when the quote
  ends in a comma, dash, question or exclamation mark, any verb with a subject there;
  after a full stop only a short ``Mr. X said.``), a dash and a name (``"..." ― Ana
  Ruiz``), or an introduction right before it (``He writes: "..."``, ``he said, "..."``,
  ``According to X, "..."``, a speaker label ``TAPPER: "..."``, or a paragraph before
  ending in a colon). An interrupted quote (``"X," he said, "Y."``) gives two records
  sharing the cue. A quote with no cue continues the previous speaker (*quote run*) when
  the previous attribution is a direct quote in the same or the previous paragraph, or
  reported speech in the same paragraph; else it has no speaker.
- A cue verb (``speech``, ``cognition``, ``evidence``; ``intention`` with a to-infinitive)
  whose complement clause is not a direct quote gives ``indirect`` speech, content = that
  clause ("that" included, final punctuation not); ``mixed`` when the clause holds a
  quoted fragment. Also: ``according to X`` / ``in the words of X`` / ``as X said``
  (content = the rest of the sentence), the object of ``object`` verbs ("denied the
  report"), a colon introduction without marks (``X writes: ...``), a transcript label
  (``TAPPER: ...``) and parenthetical cues (``The army, he said, was ...``: two pieces
  sharing the cue; so is a passive cue's subject and its infinitive, ``Ruiz was expected
  to win``: what is expected is Ruiz winning). A clause *before* its cue must be set off
  by punctuation ("Sales were great, he said"), which filters parser mistakes.
- An embedded region no clause took is ``mixed`` when a cue verb (or ``naming`` verb)
  governs it (``called Aleppo a "symbol of ..."``: content = the verb's objects); else a
  ``title`` after a noun for a work (``work_nouns``: "his book", "a column called"), or in
  Title Case of 3+ words; else ``scare`` when it has at most ``SCARE_MAX_WORDS`` words; else
  an unattributed ``mixed`` quote.

**2b. The screen** (``quote_screen``, on by default): each indirect report the rules made
is read by a logistic regression trained on PolNeAR train (``resources/attribution/``)
over the same kind of indicators as the learned pass, plus the rule that made it; below
the model's threshold it is dropped. What it drops is mostly a report inside another
("Ostrow said the union *thinks* the strike is illegal": the outer report holds the
inner, and PolNeAR marks the outer alone) or in a relative clause. Direct and mixed
quotes, reports whose cue is no verb (a transcript's "HOST:") and reports passed on by a
middleman ("X cited Y, who said ...") are never screened.
A dropped report's cue stays taken: the learned pass does not read it again.

**2c. The learned pass** (``quote_acts``, on by default): each verb the rules left, outside
quotation marks, with complements after it, and each adjective of attitude with what it is
about ("is skeptical of the levy", "were sure that ..."), is scored by a logistic
regression trained on PolNeAR train (``resources/attribution/``); above the model's
threshold it is a ``stance`` ("the union backed the strike", "the union endorsed Ostrow": a
position or act the writer attributes to a source), or ``indirect`` when the cue lexicon
lists the verb and two words or more follow it (verbs listed only for naming, "call" and
"see", are left to the rules; a bare pronoun after a listed verb, "Kell denied it", is
read by nobody). Content = the verb's complements after it (else the object of its
preposition); the speaker is found as for a report (a passive's "by" object first; the
linking verb's subject for an adjective); confidence = the model's probability.

**3. The speaker** is the grammatical subject of the cue (through ``conj``/``advcl``/
``xcomp`` chains; the noun a participle modifies: "a statement saying"), the object of
"according to", or, next to a direct quote, the noun beside the cue when the parser
picked a word of the quote. Names coordinated with a named speaker ("Turkey, Qatar and
Saudi Arabia blame ...") are ``co_speakers``, the other parties to a joint statement, as
are the names coordinated in the antecedent of a "they" ("Turkey and Qatar ... They
said"). A
noun the actors analyzer reads as a label of an actor ("the Marnian government insists")
makes that actor the speaker.
``speaker.mention`` is the whole phrase that names the speaker at the quote, as written:
the noun phrase of the mention it was read from, with its modifiers, appositives (and the
description a name is in apposition to: "The minister for fisheries, Ana Dorsey,"),
relative clauses and co-speakers, cut at a line break or a dash set off by spaces (a
dateline's "BRUSSELS - European leaders", which also leaves the name), without a focus word
before it ("Even Dalmia, ..."), none for a pronoun, and none where the phrase would run
over a quotation mark, a colon or the cue (a misparse).
``speaker.span`` is the name in the text; when the surface
speaker is a pronoun, a relative pronoun, a description or a document, ``resolved_from``
is that surface span and the name comes from:
- *pronouns* (he/she/it/they): the most recent compatible actor mention outside direct
  quotes, searched sentence by sentence backwards, a sentence's subject first. he/she
  need a person whose gender is unknown or matches (evidence from the text only: titles
  like Mrs./Mr., gendered nouns such as "spokeswoman" next to a mention, earlier
  resolutions); it/they need an organisation, state or group. who/which/that resolve to
  the noun their clause modifies;
- *descriptions* ("one commentator") resolve to a name linked by a copula within
  ``LINK_SENTENCES`` sentences either side ("the writer is X", "X is the commentator"),
  where the two nouns are the same or both are ``author_roles``;
- *documents* ("the report adds") resolve to their possessor or ``by``/``from`` phrase,
  to the subject that published that document ("One commentator published a column"),
  else to the speaker of the latest attribution in the three sentences before
  ("Amnesty stated ... The report adds");
- *generic organisations* ("the group said") resolve to the most recent organisation.
Unresolved, the surface text is the name and ``actor_id`` is None.

**4. How the source is introduced.** For the speaker's own mention and the mentions of its
actor: appositives ("X, a doctor in Aleppo"), relative clauses ("X, who is affiliated with
Y"), premodifiers ("UN humanitarian chief X", "President X") and "of Y" phrases go to
``speaker.descriptions``; ``speaker.affiliation`` is the first organisation (else group,
else state) actor named inside them, or the organisation a description's "its"/"the
group's" points to. ``speaker.actor_id`` is the actor whose mention is the speaker's name.

Confidence is a fixed score per rule, not a calibrated probability: direct quote 0.95 (0.6
when its closing mark is missing; × 0.75 without a cue of its own), reported speech 0.8
(0.6 for verbs of thinking), mixed quote under a naming verb 0.75, scare quote and title
0.7, unattributed embedded fragment 0.4; the learned pass's records carry its model's
probability.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..context import Context
from ..model import Actor, Quote, QuoteKind, Span
from ..text.furniture import dateline_end
from ..text.intervals import Ranges
from ..text.quote_marks import Region, article_quotes
from ._quote_acts import ActModel, load_model
from ._quote_content import ReportedContent
from ._quote_learned import LearnedReads
from ._quote_parties import AUDIENCE_VERBS
from ._quote_screen import load_screen
from ._quote_speakers import NOT_SPEAKER_ENTS, Resolver
from ._quote_syntax import (
    WORD,
    DocIndex,
    Found,
    Lexicon,
    agent_of,
    core_span,
    cue_lemma,
    cue_span,
    is_cue,
    is_name,
    is_passive,
    last_char,
    load_lexicon,
    subject_of,
    subtree_span,
    the_reader,
    to_infinitive,
    trim,
    withheld,
    word_count,
)
from .base import Analyzer, analyzers

if TYPE_CHECKING:
    from spacy.tokens import Token

    from ..config import Settings

#: Longest embedded, unattributed quotation (words) that counts as a scare quote; the issue
#: says 1–4 words is typical. Checked on the team's example articles, not tuned on data.
SCARE_MAX_WORDS = 4
#: After a direct quote ending in a full stop, a sentence of more tokens than this is a new
#: sentence, not the quote's attribution ('." Mr. Smith said.' is 4). Tuned on PolNeAR train.
SHORT_POST_WINDOW = 5
#: A quotation opening with a speaker label in capitals: a quoted transcript.
_TRANSCRIPT = re.compile(r"[A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3}:\s")


#: Entities that never head the phrase of a cue's lost subject: those that never speak, and
#: places and numbers, which the parser hangs the name on ("on Dec. 2, Col. Imre Varga, ...").
_NOT_PHRASE_SPEAKER = frozenset(
    NOT_SPEAKER_ENTS | {"GPE", "FAC", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT"}
)
_MINOR_WORDS = {
    "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "as", "is",
}  # fmt: skip


@analyzers.register("quotes")
class QuotesAnalyzer(Analyzer):
    name = "quotes"
    # v2: co_speakers, the other named parties to a joint statement.
    # v3: issue-15 rules of 2026-12-06 (naming verbs, continued reports, object and
    # verb + preposition cues from PolNeAR train's missed cues).
    # v4: wire copy: nothing in a dateline is reported, a pronoun with no named antecedent
    # is the last unnamed speaker, a headline passive has no speaker.
    # v5: what a source may not discuss is not reported; a quotation signed by the next
    # paragraph ('- Sanders.'); a person the parser hung on a thing, found by "who"; a
    # word of a quoted title after the cue is not its subject.
    # v6: the sender speaks ("issued a statement saying", "emailed supporters saying"); a
    # quotation in the writer's sentence continues the direct quote before it; quoted
    # transcripts read line by line; headline kickers, datelines, participles describing a
    # source and titles opening a sentence are not reports or speakers.
    # v7: the learned pass (positions and acts the writer attributes: kind "stance").
    # v8: sentences start at paragraph breaks (the parse, ``nlp.paragraphs``); "as X
    # put it, ..."; who is urged is part of the report; given names tell he from she; a
    # dateline of a place alone ("HALDEN -- "); a quotation continues only with a mark of
    # its own kind; the learned pass retrained (attribution.v2).
    # v9: a passive cue's subject never speaks (its agent does: "were told by the board",
    # and those told are the audience); a phrase of time after the cue does not hide the
    # report; the reader the writer addresses is no source; a report split by its cue
    # keeps a verb sharing its subject; a quotation in the writer's sentence continues the
    # report whose cue is in that sentence; an infinitive after a quotation is not its cue.
    # v10: the screen (an indirect report of the rules is kept only when a model trained
    # on PolNeAR reads it as attributed); the learned pass's threshold chosen with it.
    # v11: the learned pass also reads a verb of saying with one word after it ("endorsed
    # Ostrow", a stance; never a bare pronoun) and an adjective of attitude ("is skeptical
    # of the levy", "were sure that ..."); a passive cue's subject is a piece of what it
    # expects ("Ruiz was expected | to win"); a premodifier title keeps its "of" phrase
    # ("Secretary of State"); attribution.v4.
    # v12: an object does what its open clause says ("forced Stumpf to admit that ...",
    # "footage of Kell asking"); a headline's bare title ("Minister says ...") is the person
    # the story names in that role; a middleman's verb ("quoted X as saying") is no act of
    # its own; what is told ("tell a different story") is no audience; a dateline place
    # holds no role; the learned pass's content of a passive holds neither the cue nor its
    # agent ("were told by the board | to boil their water"); a name's entity span never
    # ends in a preposition; attribution.v5.
    # v13: what the learned pass attributes runs on past the object to the verb's other
    # complements ("offered advice | to the mayor"), up to a comma, a clause or a phrase
    # of time (``_quote_acts.shown_content``).
    # v14: ``speaker.mention``, the whole phrase that names the speaker where it speaks
    # (``_quote_syntax.mention_span``): "The minister for fisheries, Ana Dorsey,", "Experts
    # on coastal erosion", "Tim Hess, who introduced Clarke to his bankers"; attribution.v6
    # (the learned pass weighs a verb also by the verbs it is like: word vectors folded
    # into the lemma weights at training).
    version = "14"
    needs = ("actors",)
    produces = ("quotes",)
    description = (
        "direct, mixed and indirect quotes with speaker, cue and how the source is "
        "introduced; scare quotes; titles of works"
    )

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.lex = load_lexicon(settings.lexicons)
        self.acts = load_model() if settings.quote_acts else None
        self.screen = load_screen() if settings.quote_screen else None

    def run(self, ctx: Context) -> None:
        text = ctx.text
        idx = DocIndex(ctx.doc, text)
        finder = _Finder(idx, self.lex, self.acts, ctx.analysis.actors, self.screen)
        found = finder.find(article_quotes(ctx))
        resolver = Resolver(idx, self.lex, ctx.analysis.actors, finder.direct_regions)
        quotes: list[Quote] = []
        for n, item in enumerate(sorted(found, key=lambda f: (f.content[0], f.content[1]))):
            speaker, co_speakers = resolver.speakers(item)
            quotes.append(
                Quote(
                    id=f"q{n + 1}",
                    kind=item.kind,
                    span=Span.of(text, *item.span),
                    content=Span.of(text, *item.content),
                    cue=Span.of(text, *item.cue) if item.cue else None,
                    speaker=speaker,
                    co_speakers=co_speakers,
                    confidence=round(item.confidence, 3),
                    analyzer=self.key(),
                )
            )
        ctx.analysis.quotes = quotes


class _Finder:
    def __init__(
        self,
        idx: DocIndex,
        lex: Lexicon,
        acts: ActModel | None = None,
        actors: Sequence[Actor] = (),
        screen: ActModel | None = None,
    ):
        self.idx = idx
        self.text = idx.text
        self.lex = lex
        self.acts = acts
        self.screen = screen
        self.actors = actors
        self.content = ReportedContent(idx, lex)
        self.used_cues: set[int] = set()
        self.direct_regions: list[Region] = []
        self.found: list[Found] = []
        self.quoted = Ranges([])  # inside every pair of quotation marks

    def find(self, regions: list[Region]) -> list[Found]:
        standalone: list[Region] = []
        embedded: list[Region] = []
        prev_end = 0
        # A transcript quoted paragraph by paragraph ('"WALLACE: ...' / '"PENCE: ...') is
        # read line by line, each label its speaker, not as one quote of nobody's.
        regions = [r for r in regions if not _TRANSCRIPT.match(self.text, r.inner_start)]
        for region in regions:
            (standalone if self._standalone(region, prev_end) else embedded).append(region)
            prev_end = region.end
        self.direct_regions = standalone
        self.quoted = Ranges((r.inner_start, r.inner_end) for r in regions)
        self._direct(standalone, regions)
        leftover = self._clauses(embedded, standalone)
        self._embedded(leftover)
        if self.screen is not None or self.acts is not None:
            learned = LearnedReads(self, self.actors)
            if self.screen is not None:
                learned.screen(self.screen)
            if self.acts is not None:
                learned.acts(self.acts)
        return self.found

    # -- classification of a region --

    def _boundary(self, region: Region, prev_end: int) -> int:
        """Where the writer's words before a quotation begin (its sentence, after any quote)."""
        pno = self.idx.para_no(region.start)
        para_start = self.idx.paras[pno][0]
        floor = max(para_start, prev_end if prev_end <= region.start else para_start)
        if floor == para_start == region.start and pno > 0:
            # 'Stated Stone:' closing the paragraph before: the introduction of this quote.
            prev_para = self.idx.paras[pno - 1]
            if self.text[prev_para[0] : prev_para[1]].rstrip().endswith(":"):
                floor = max(prev_para[0], prev_end)
                return self.idx.sentence_start(prev_para[1], floor)
        return self.idx.sentence_start(region.start, floor)

    def _standalone(self, region: Region, prev_end: int) -> bool:
        text = self.text
        inner = text[region.inner_start : region.inner_end].strip()
        before = text[self._boundary(region, prev_end) : region.start].strip()
        sentence_like = word_count(inner) >= 4 or inner.endswith((".", ",", "?", "!", "…"))
        if not before:
            # '"Orange Is the New Black" star Ana Ruiz': a title the sentence goes on from
            follows = text[region.end : region.end + 2].strip()[:1]
            titled = _title_case(inner) and not inner.endswith((".", "?", "!", "…", ","))
            if titled and follows.isalpha():
                return False
            return sentence_like and (inner[:1].isupper() or not inner[:1].isalpha())
        if before.endswith(":"):
            return True
        toks = self.idx.tokens(region.start - len(before) - 1, region.start)
        has_cue = any(
            is_cue(t, self.lex.direct_cues, self.lex) or t.lower_ == "according" for t in toks
        )
        if before.endswith(","):
            return has_cue
        last = toks[-1] if toks else None
        if last is not None and self.content.is_label(last, dash=True):
            return True
        return bool(
            last is not None
            and is_cue(last, self.lex.direct_cues, self.lex)
            and sentence_like
            and inner[:1].isupper()
        )

    # -- direct quotes --

    def _direct(self, standalone: list[Region], regions: list[Region]) -> None:
        starts = [r.start for r in regions]
        prev_end = 0
        for region in standalone:
            i = bisect_left(starts, region.start)
            next_start = regions[i + 1].start if i + 1 < len(regions) else len(self.text)
            # An introduction ending in ':' or ',' ("He said, "..."") attributes the quote
            # it introduces; otherwise the cue after it ('"...," she said') does.
            boundary = self._boundary(region, prev_end)
            cue = self._pre_cue(region, boundary)
            window = (boundary, region.start)
            # 'chanted "No more tolls!" as the council met': a verb right before the quote
            # says it, whatever verb follows
            adjacent = (
                cue is not None and not self.text[cue.idx + len(cue.text) : region.start].strip()
            )
            # 'X is recorded in detail:' closing the paragraph before introduces the
            # quotes after it, unless a quote carries its own cue ('"...," she said')
            crossed = boundary < self.idx.para(region.start)[0]
            if (
                cue is None
                or crossed
                or (last_char(self.text, region.start) not in (":", ",") and not adjacent)
            ):
                post = self._post_cue(region, next_start)
                if post is not None:
                    cue, window = post, (region.end, self.idx.para(post.idx)[1])
            self._add_direct(region, cue, window)
            prev_end = region.end

    def _add_direct(self, region: Region, cue: Token | None, window: tuple[int, int]) -> None:
        # The quotation's own sentence punctuation stays; a comma before "she said" goes.
        s, e = trim(self.text, region.inner_start, region.inner_end, ",;:—–- \n\t")
        confidence = 0.95 if region.closed else 0.6
        span = (region.start, region.end)
        item = Found("direct", span, (s, e) if e > s else (region.inner_start, region.inner_end))
        if cue is not None:
            item.cue = cue_span(cue)
            item.subject = self.speaker_token(cue, window)
            self.used_cues.add(cue.i)
            # The span is the whole attribution: quote, cue and (nearby) speaker.
            parts = [span, item.cue]
            if item.subject is not None:
                parts.append(core_span(item.subject))
            lo, hi = min(p[0] for p in parts), max(p[1] for p in parts)
            if self.idx.para_no(lo) == self.idx.para_no(hi - 1):
                item.span = (lo, hi)
        else:
            item.continues = True
            confidence *= 0.75
        item.confidence = confidence
        self.found.append(item)

    def speaker_token(self, cue: Token, window: tuple[int, int] | None = None) -> Token | None:
        """The speaker's head token; with a window, it must lie there (next to a quote)."""
        if cue.lower_ == "according":
            for child in cue.children:
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if child.lower_ == "to" and objs:
                    return objs[0]
            return None
        if cue.text == ":":  # a speaker label
            return cue.nbor(-1) if cue.i > 0 else None
        if cue.pos_ == "NOUN":  # "her claim that ...", "the claim by Ana Ruiz that ..."
            owners = [c for c in cue.children if c.dep_ == "poss"]
            owners += [o for c in cue.children if c.lower_ == "by" for o in c.children]
            if not owners and cue.dep_ == "ROOT" and cue.tag_ == "NNS" and cue.i > 0:
                # "Kell charges that ...": a verb the tagger took for a plural noun, its
                # subject for a compound
                name = cue.nbor(-1)
                named = is_name(name) or (name.is_title and name.tag_ in ("NN", "NNP"))
                if name.dep_ == "compound" and name.head.i == cue.i and named:
                    owners = [name]
            return owners[0] if owners else None
        subj = subject_of(cue)
        para = self.idx.para(cue.idx)
        if subj is not None and not para[0] <= subj.idx < para[1]:
            # a subject in another paragraph: the parser glued the headline to the first
            # sentence ("Turnout expected to rise / A nurse in Concord said ..."); a noun
            # phrase of the cue's paragraph it hung there is the subject ("The Latest on
            # the race: / 7 p.m. / Donald Trump is questioning ...")
            subj = next(
                (
                    t
                    for t in subj.subtree
                    if t.pos_ in ("PROPN", "NOUN", "PRON")
                    and para[0] <= t.idx < cue.idx
                    and t.head.idx < para[0]
                ),
                None,
            )
        if subj is not None and subj.i > cue.i and self.quoted.holds_point(subj.idx):
            # '..., Flynn said on Fox News's "Fox and Friends."': the parser took a word of
            # a quoted title after the cue for its subject
            subj = None
        if subj is not None and subj.dep_ == "nsubjpass" and subj.head.i == cue.i:
            # "The union has been asked to return to talks", "the plan was announced on
            # Monday": a passive cue's subject is whom it was said to, or what was said;
            # who said it is the agent ("was told by the ministry"), else nobody
            return agent_of(cue)
        if subj is not None and self._headline_passive(cue):
            # "Turnout expected to rise" is what someone expects of the turnout, not what
            # the turnout says
            return None
        if subj is None and cue.tag_ in ("VBD", "VBZ", "VBP"):
            # a finite verb has a subject; the parser lost it ("Alarmed by the unrest,
            # Senator Ines Moreau, the minority leader, said that ...")
            lead = window if window is not None else (max(cue.sent.start_char, para[0]), cue.idx)
            if (hung := self._phrase_before(cue, lead)) is not None:
                return hung
        if window is None or (subj is not None and window[0] <= subj.idx < window[1]):
            return subj
        # The parser took a word of a quote as the subject, or found none: the noun next
        # to the cue within the window ('," Mr. Smith said' / '," said Mr. Smith').
        doc = cue.doc
        before = [doc[k] for k in range(cue.i - 1, max(-1, cue.i - 6), -1)]
        after = [doc[k] for k in range(cue.i + 1, min(len(doc), cue.i + 4))]
        for tok in before[:3] + after if cue.idx >= window[0] else before:
            inside = window[0] <= tok.idx < window[1]
            if not inside or tok.pos_ not in ("PROPN", "PRON", "NOUN"):
                continue
            head = tok
            while head.dep_ == "compound" and head.head.i > head.i and window[1] > head.head.idx:
                head = head.head  # '," added a New Hampshire Democrat': not "New"
            if (
                head.dep_ != "dobj"
                or cue.is_punct
                or (head.i != tok.i and cue.lemma_ not in AUDIENCE_VERBS)
            ):
                return head  # an object of "said" is a misparsed subject; of "told", not
        return None

    def _headline_passive(self, cue: Token) -> bool:
        """A passive without its "is", as headlines write it: a participle heading its
        sentence, no "have" before it, an infinitive after it, and not a verb of saying
        (the tagger often calls "said" a participle: '"We will win," Ruiz said'). In the
        body a passive has its "is" ("The House is expected to pass"): there "Ruiz on
        Wednesday called on Kell to apologize" is active, whatever the tagger says."""
        head = self.idx.furniture[0]
        in_headline = head is not None and head[0] <= cue.idx < head[1]
        return (
            (in_headline or is_passive(cue))
            and cue.tag_ == "VBN"
            and cue.dep_ == "ROOT"
            and cue_lemma(cue) not in self.lex.speech
            and not any(c.dep_ == "aux" and c.lemma_ == "have" for c in cue.children)
            and any(
                c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
                for c in cue.children
            )
        )

    def _phrase_before(self, cue: Token, window: tuple[int, int]) -> Token | None:
        """The name whose phrase ends right before a cue that the parser gave no subject:
        "on Dec. 2, Col. Imre Varga, a military spokesman in Halden, said" (the parser
        hung the name on the date). The outermost such phrase, not a date, time or place."""
        doc = cue.doc
        k = cue.i - 1
        while k >= 0 and doc[k].is_punct:
            k -= 1
        if k < 0 or not window[0] <= doc[k].idx < window[1]:
            return None
        for tok in doc[max(0, k - 40) : k + 1]:
            if tok.idx < window[0] or tok.right_edge.i not in range(k, cue.i):
                continue
            stack = [tok]
            while stack:  # the phrase's head, else the name it holds ("Dec." -> "Varga")
                t = stack.pop(0)
                if t.ent_type_ in _NOT_PHRASE_SPEAKER or t.dep_ in ("pobj", "compound", "poss"):
                    stack += [c for c in t.children if c.dep_ == "appos"]
                    continue
                if t.pos_ in ("PROPN", "NOUN") and (t.ent_type_ == "PERSON" or t.pos_ == "NOUN"):
                    if t.pos_ == "NOUN" and not t.ent_type_:
                        # "there is no such overlap with X's team, a White House official
                        # who spoke anonymously, said": the parser hung the person on the
                        # thing; "who" marks the person
                        return _who_inside(t, range(k, cue.i)) or t
                    return t
        return None

    def _pre_cue(self, region: Region, start: int) -> Token | None:
        toks = self.idx.tokens(start, region.start)
        colon = self.text[start : region.start].rstrip().endswith(":")
        for tok in reversed(toks):
            if tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children):
                return tok
            if is_cue(tok, self.lex.direct_cues, self.lex):
                return tok
        if colon:  # 'Hannity interjected: "..."': any verb with a subject introduces it
            for tok in reversed(toks):
                if tok.pos_ == "VERB" and subject_of(tok) is not None:
                    return tok
            words = [t for t in toks if not t.is_punct]
            here = len(words) >= 3 and words[0].lower_ == "here" and words[1].lemma_ == "be"
            who = subject_of(words[1]) if here else None
            if who is not None and (who.ent_type_ == "PERSON" or who.pos_ == "PROPN"):
                return words[1]  # 'Here is Ines Moreau in 1992: "..."' (not 'Here is the problem:')
            if (
                len(words) >= 2
                and words[0].lower_ == "from"
                and words[-1].lemma_.lower() in self.lex.documents
                and toks[-1].text == ":"
            ):
                return toks[-1]  # 'From the report: "..."': the document speaks
        if toks and self.content.is_label(toks[-1], dash=True):
            return toks[-1]
        return None

    def _signature(self, region: Region, para_end: int) -> Token | None:
        """A quotation that fills its paragraph, signed by the next one: '"..."' then
        '- Sanders.' (fact-checks list the claims they check this way)."""
        no = self.idx.para_no(region.start)
        if self.text[self.idx.paras[no][0] : region.start].strip() or no + 1 >= len(self.idx.paras):
            return None
        nxt = self.idx.paras[no + 1]
        toks = [t for t in self.idx.tokens(nxt[0], nxt[1]) if not t.is_space]
        words = [t for t in toks if not t.is_punct]
        if (
            len(toks) >= 2
            and toks[0].text in ("-", "–", "—", "―")
            and 1 <= len(words) <= 4
            and is_name(toks[1])
            and all(t.pos_ == "PROPN" for t in words)
        ):
            return toks[0]
        return None

    def _post_cue(self, region: Region, next_start: int) -> Token | None:
        text = self.text
        para_end = self.idx.para(region.start)[1]
        if region.end >= para_end:
            return self._signature(region, para_end)
        stop = self.idx.sentence_end(region.end, min(para_end, next_start))
        toks = self.idx.tokens(region.end, stop)
        if not toks:
            return None
        inner = text[region.inner_start : region.inner_end].rstrip(" \n'’\"”")
        follows = text[region.end : stop].lstrip()
        joined = inner.endswith((",", "?", "!", "—", "–", "-", "…")) or follows[:1] in (",", "—")
        joined = joined or follows[:1].islower()
        if follows[:1] in ("―", "—", "–") and len(toks) > 1 and is_name(toks[1]):
            return toks[0]  # '"..." ― Karen Ortiz': a dash and a name sign the quote
        for k, tok in enumerate(toks):
            if tok.i in self.used_cues:
                continue
            if tok.dep_ == "conj" and tok.head.idx < region.start:
                return None  # 'She declared "..." and said that ...': a report of its own
            # After a quote ending in a full stop, only a bare cue closing a short sentence
            # ('." Mr. Smith said.'); 'She added that ...' starts a new attribution.
            # (the quote itself may be the verb's complement: '"..." Grubbs said.')
            bare = len(toks) <= SHORT_POST_WINDOW and not any(
                c.dep_ in ("ccomp", "xcomp", "dobj") and c.idx >= region.end for c in tok.children
            )
            if is_cue(tok, self.lex.direct_cues, self.lex) and (joined or bare):
                return tok
            # '"...," he surmised': right after a quote ending in a comma, any verb with a
            # subject is the attribution, listed or not; an infinitive is not ('"..." to
            # drive up the stock price, she said': what the quoted act was for).
            verb = joined and k <= 4 and tok.pos_ == "VERB" and not to_infinitive(tok)
            if verb and subject_of(tok) is not None:
                return tok
        # '," the Saudis state in the paper': a cue the tagger took for a noun.
        cues = self.lex.direct_cues
        for k, tok in enumerate(toks[1:5], start=1):
            listed = tok.lower_ in cues or tok.lower_.rstrip("s") in cues
            if joined and listed and toks[k - 1].pos_ in ("PROPN", "NOUN", "PRON"):
                return tok
        return None

    # -- indirect and mixed speech --

    def _clauses(self, embedded: list[Region], standalone: list[Region]) -> list[Region]:
        """Indirect speech from cue clauses; returns the embedded regions none of them took."""
        lex = self.lex
        taken: set[int] = set()
        d_index = Ranges((r.start, r.end) for r in standalone)
        for tok in self.idx.doc:
            if tok.i in self.used_cues or withheld(tok):
                continue
            pieces = self.content.clause_content(tok)
            if not pieces:
                continue
            # A piece stays in the cue's paragraph (a headline the parser glued to the first
            # sentence is not reported speech) and needs two words ("because, he said, ..."),
            # or one naming what the rest is said of ("Prices, he said, will rise", "Ruiz
            # was expected to win").
            para = self.idx.para(tok.idx)
            pieces = [self.clip(p, para) for p in pieces]
            pieces = [
                _cover(p, embedded)
                for k, p in enumerate(pieces)
                if word_count(self.text[p[0] : p[1]]) > 1
                or (k + 1 < len(pieces) and self._nominal(p))
            ]
            if not pieces or any(d_index.overlaps(p[0], p[1]) for p in pieces):
                continue
            if d_index.overlaps(tok.idx, tok.idx + len(tok.text)):
                continue  # a cue inside a quotation reports nothing outside it
            inside = [
                k
                for k, r in enumerate(embedded)
                if any(p[0] <= r.inner_start and r.inner_end <= p[1] + 1 for p in pieces)
            ]
            taken.update(inside)
            kind: QuoteKind = "mixed" if inside else "indirect"
            tok = self._nominal_host(tok)
            lemma = cue_lemma(tok)
            confidence = 0.6 if lemma in lex.cognition and lemma not in lex.speech else 0.8
            subject = self.speaker_token(tok)
            if the_reader(subject):
                continue
            cue = cue_span(tok)
            for p in pieces:
                span = (min(p[0], cue[0]), max(p[1], cue[1]))
                self.found.append(Found(kind, span, p, cue, subject, confidence=confidence))
            self.used_cues.add(tok.i)
        return [r for k, r in enumerate(embedded) if k not in taken]

    def _nominal(self, piece: tuple[int, int]) -> bool:
        """Whether a piece of one word is a noun, a name or a pronoun."""
        tok = self.idx.token_at(piece[0])
        if tok is None or piece[1] != tok.idx + len(tok.text):
            return False
        return tok.pos_ in ("NOUN", "PROPN", "PRON")

    def _nominal_host(self, tok: Token) -> Token:
        """ "The commission said in a statement that ...": the parser hung the clause on
        the noun; the verb of saying it sits under is the cue, its subject the speaker."""
        if tok.pos_ != "NOUN" or any(c.dep_ == "poss" for c in tok.children):
            return tok
        prep = tok.head
        if tok.dep_ == "pobj" and prep.lower_ in ("in", "during", "through", "via"):
            verb = prep.head
            if verb.i not in self.used_cues and is_cue(verb, self.lex.speech, self.lex):
                return verb
        return tok

    def clip(self, piece: tuple[int, int], para: tuple[int, int]) -> tuple[int, int]:
        start, end = max(piece[0], para[0]), min(piece[1], para[1])
        # A dateline is not reported speech, whatever the parser hung on the cue: the piece
        # starts after it (a piece inside it, "MANCHESTER, N.H. (Wire)", comes to nothing).
        dateline = dateline_end(self.text, para[0], para[1])
        if dateline is not None and start < dateline:
            start = min(dateline, end)
        return trim(self.text, start, end)

    # -- embedded regions no clause took --

    def _embedded(self, regions: list[Region]) -> None:
        for region in regions:
            inner = self.text[region.inner_start : region.inner_end]
            s, e = trim(self.text, region.inner_start, region.inner_end)
            content = (s, e) if e > s else (region.inner_start, region.inner_end)
            span = (region.start, region.end)
            cue = self._governing_cue(region)
            if cue is not None:
                clause = self._naming_content(cue, region)
                self.used_cues.add(cue.i)
                self.found.append(
                    Found(
                        "mixed",
                        (min(clause[0], cue.idx), max(clause[1], region.end)),
                        clause,
                        cue_span(cue),
                        self.speaker_token(cue),
                        confidence=0.75,
                    )
                )
            elif self._is_title(region, inner):
                self.found.append(Found("title", span, content, confidence=0.7))
            elif word_count(inner) <= SCARE_MAX_WORDS:
                self.found.append(Found("scare", span, content, confidence=0.7))
            else:
                # a quotation in the writer's sentence right after a speaker's direct quote
                # may be theirs ('"..." said Ruiz. Now, "the mood has turned."'): the
                # resolver decides (same paragraph, direct quote before)
                item = Found("mixed", span, content, confidence=0.4)
                item.continues = True
                self.found.append(item)

    def _governing_cue(self, region: Region) -> Token | None:
        toks = [t for t in self.idx.tokens(region.inner_start, region.inner_end) if t.is_alpha]
        if not toks:
            return None
        lex = self.lex
        says = lex.speech | lex.naming
        tok = toks[0]
        for _ in range(6):
            if tok.head.i == tok.i:
                break
            child, tok = tok, tok.head
            if tok.idx >= region.start or not is_cue(tok, lex.clause_cues | says, lex):
                continue
            # 'wanted "to know everything"' quotes a want; 'seek an order – or "erpo"' does
            # not: verbs of thinking and wanting govern a quote only through a complement.
            if cue_lemma(tok) in says or child.dep_ in ("ccomp", "xcomp"):
                return tok if tok.i not in self.used_cues else None
            return None
        return None

    def _naming_content(self, cue: Token, region: Region) -> tuple[int, int]:
        """What a naming cue attributes: its objects up to the quote ("Aleppo a 'symbol'")."""
        skip = ("punct", "cc", "conj", "advmod", "npadvmod", "nsubj", "nsubjpass", "aux")
        parts = [(region.start, region.end)]
        for child in cue.rights:
            if child.dep_ in skip or (child.dep_ == "prep" and child.lower_ not in ("as", "to")):
                continue
            parts.append(subtree_span(child))
        start = min(p[0] for p in parts)
        end = max(p[1] for p in parts if p[0] <= region.start)
        return trim(self.text, start, max(end, region.end))

    def _is_title(self, region: Region, inner: str) -> bool:
        before = self.idx.tokens(max(0, region.start - 40), region.start)[-3:]
        for tok in reversed(before):
            if tok.lemma_.lower() in self.lex.work_nouns or tok.lower_ in self.lex.work_nouns:
                return True
            after_work = tok.i > 0 and tok.nbor(-1).lemma_.lower() in self.lex.work_nouns
            if tok.lower_ in ("called", "named") and after_work:  # 'a column called "..."'
                return True
            if tok.pos_ not in ("DET", "ADJ", "PRON", "PROPN", "NOUN", "PART", "PUNCT"):
                break
        return _title_case(inner)


def _title_case(inner: str) -> bool:
    """Three or more words, every major word capitalised: "Orange Is the New Black"."""
    words = WORD.findall(inner)
    major = [w for w in words if w.lower() not in _MINOR_WORDS]
    return len(words) >= 3 and all(w[:1].isupper() or w[:1].isdigit() for w in major)


def _who_inside(head: Token, ends: range) -> Token | None:
    """A noun inside ``head``'s phrase that a "who" clause describes (a person), its phrase
    ending in ``ends``."""
    for tok in head.subtree:
        if tok.i == head.i or tok.pos_ not in ("NOUN", "PROPN") or tok.right_edge.i not in ends:
            continue
        for rel in tok.children:
            if rel.dep_ == "relcl" and any(
                c.dep_ in ("nsubj", "nsubjpass") and c.lower_ == "who" for c in rel.children
            ):
                return tok
    return None


def _cover(piece: tuple[int, int], regions: list[Region]) -> tuple[int, int]:
    """Extend a clause over the marks of a quotation it holds ('is "a trap."' ends at '"')."""
    start, end = piece
    for r in regions:
        if start <= r.inner_start <= end < r.end:
            end = r.end
        if r.start < start <= r.inner_start < end:
            start = r.start
    return start, end
