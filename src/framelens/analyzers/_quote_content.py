"""Where a cue's report lies: the text a cue token reports, for the quotes analyzer.

``ReportedContent.clause_content`` answers, for one token, which character ranges it
reports, or none when it is not a cue of reported speech: the that-clause of "said" (not a
clause before the cue unless punctuation sets it off; ending before a cue that continues
the same report), the sentence around "according to X", the object of "denied the report"
and "accused him of lying", the preposition's object of "called for a ban", what "called
him an opportunist" names, the that-clause of a reporting noun ("her claim that ..."),
the clause the parser hung on a with/without phrase ("claimed without evidence that ..."),
and the two halves around a parenthetical cue ("The army, he said, was ready"). Who says
it is ``_quote_speakers``' job; which regions are quotations, ``quotes``'.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._quote_syntax import (
    DocIndex,
    Lexicon,
    continued_report,
    cue_lemma,
    is_cue,
    is_passive,
    last_char,
    next_char,
    span_of,
    subject_of,
    subtree_span,
    to_infinitive,
    trim,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

#: A parenthetical cue ("The army, the colonel said, was ...") is short; a longer clause set
#: off by commas is the writer's own. Written by hand, not tuned.
PARENTHETICAL_MAX_TOKENS = 6
_LABEL = re.compile(r"[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*)*")
#: Capitalised words that open a paragraph with a colon but name no speaker.
_NOT_LABELS = set(
    "update note editor correction watch read related photo video source sources q a "
    "question answer warning also exclusive analysis opinion breaking editorial explainer "
    "factbox live".split()
)


def _as_put_it(tok: Token) -> bool:
    """ "As Ruiz put it, ...", "..., as the memo puts it": the sentence is hers, in her
    words or the writer's (not "she put it to a vote")."""
    if tok.lemma_.lower() != "put" or tok.dep_ != "advcl":
        return False
    kids = {(c.dep_, c.lower_) for c in tok.children}
    return (
        ("mark", "as") in kids and ("dobj", "it") in kids and not any(d == "prep" for d, _ in kids)
    )


class ReportedContent:
    """The reported text of cue tokens in one parsed article."""

    def __init__(self, idx: DocIndex, lex: Lexicon):
        self.idx = idx
        self.text = idx.text
        self.lex = lex

    def clause_content(self, tok: Token) -> list[tuple[int, int]]:
        """The reported clause(s) of a cue token, or [] when ``tok`` is not a clause cue."""
        lex, text = self.lex, self.text
        if tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children):
            if self._own_channel(tok):
                return []
            return [self._rest_of_sentence(tok)]
        if self.is_label(tok):  # an interview transcript: 'TAPPER: Do you think ...'
            return [trim(text, tok.idx + 1, self.idx.para(tok.idx)[1])]
        in_the_words_of = tok.lower_ == "words" and tok.head.lower_ == "in"
        if in_the_words_of and any(c.lower_ == "of" for c in tok.children):
            return [self._rest_of_sentence(tok.head)]
        if tok.pos_ == "NOUN" and cue_lemma(tok) in lex.nominal:
            return self._nominal_content(tok)
        if is_cue(tok, lex.naming, lex) and (named := self._named_as(tok)):
            return named
        if _as_put_it(tok):  # "As Ruiz put it, the city is ..."
            return [self._rest_of_sentence(tok)]
        if not is_cue(tok, lex.clause_cues, lex):
            return self._prep_object_content(tok)
        lemma = cue_lemma(tok)
        comps = [c for c in tok.children if c.dep_ == "ccomp"]
        if lemma in lex.intention:
            comps += [c for c in tok.children if c.dep_ == "xcomp"]
        elif not comps and lemma in lex.speech:
            # "He said legalizing it could create jobs": the parser hangs the clause on
            # the gerund that opens it, as the verb's xcomp.
            comps = [c for c in tok.children if c.dep_ == "xcomp" and c.tag_ == "VBG"]
        if not comps and lemma in lex.speech:
            comps = self._misattached_that_clause(tok) or self._unmarked_advcl(tok)
        if not comps and lemma not in lex.intention:
            comps = self._clause_after_evidence(tok)
        if comps:
            out = []
            if (raised := self._raised_subject(tok, comps)) is not None:
                out.append(raised)
            for c in comps:
                if (lost := self.lost_subject(c, tok)) is not None:
                    out.append(trim(text, subtree_span(c)[0], lost.left_edge.idx))
                elif self._detached(c, tok):
                    out.append(self._own_report(c, tok))
            return out
        if any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
            return [self._rest_of_sentence(tok)]  # "as X said, ..."
        if lemma in lex.object:
            return self._object_content(tok) or self._prep_object_content(tok)
        if prep_obj := self._prep_object_content(tok):
            return prep_obj
        if tok.dep_ not in ("ccomp", "parataxis"):
            return []
        head = tok.head
        words = [t for t in tok.subtree if not t.is_punct]
        t_start, t_end = words[0].idx, words[-1].idx + len(words[-1].text)
        h_start, h_end = subtree_span(head)
        between = text[t_end : head.idx]
        if head.i > tok.i and ":" in between:  # "X writes: the siege must end."
            return [trim(text, t_end + between.index(":") + 1, h_end)]
        set_off = last_char(text, t_start) in (",", "—") and next_char(text, t_end) in (",", "—")
        short = len(words) <= PARENTHETICAL_MAX_TOKENS
        if h_start < t_start and t_end < h_end and set_off and short:  # "The army, he said, was"
            # After the cue, only the clause's own words: not "..., as officials warned",
            # nor a clause of its own joined to it ("..., and the talks would resume"); a
            # verb sharing the subject is the same report ('can "rock" and "stir the pot"').
            shared = [
                c
                for c in head.rights
                if c.dep_ == "conj" and not any(d.dep_ in SUBJECTS for d in c.children)
            ]
            rest = [
                subtree_span(c)
                for c in head.children
                if c.i > tok.i
                and (c.dep_ not in ("advcl", "parataxis", "conj", "cc", "punct") or c in shared)
            ]
            if head.i > tok.i:  # the verb itself follows the cue: "..., he said, was ready"
                rest.append(span_of(head))
            pieces = [trim(text, h_start, t_start)]
            if rest:
                pieces.append(trim(text, min(r[0] for r in rest), max(r[1] for r in rest)))
            return pieces
        return []

    def _raised_subject(self, cue: Token, comps: list[Token]) -> tuple[int, int] | None:
        """ "Ruiz was expected to win the seat": what is expected is Ruiz winning it, so a
        passive cue's subject is the first piece of an infinitive's content (PolNeAR marks
        it so); the passive's subject never speaks. None for an expletive ("it is
        expected that ...") or when the content is a clause of its own."""
        if not is_passive(cue):
            return None
        if not any(c.dep_ == "xcomp" and c.i > cue.i for c in comps):
            return None
        subj = next((c for c in cue.lefts if c.dep_ == "nsubjpass"), None)
        if subj is None or subj.lower_ in ("it", "there"):
            return None
        return trim(self.text, *subtree_span(subj))

    def is_label(self, colon: Token, dash: bool = False) -> bool:
        """A speaker label opening a paragraph: 'TAPPER: ...', 'Sen. Ann Cole: ...'; with
        ``dash``, also 'Ann Cole - "..."' (only before a quotation: a dash after a name
        usually opens an aside)."""
        if colon.text != ":" and not (dash and colon.text in ("-", "–", "—")):
            return False
        # (a transcript quoted paragraph by paragraph opens each label with a mark)
        label = self.text[self.idx.para(colon.idx)[0] : colon.idx].strip().lstrip('"“')
        words = label.split()
        # "The Latest: Ruiz declares ..." is a kicker; "THE PRESIDENT: ..." a speaker
        kicker = words[:1] == ["The"] and label != label.upper()
        return bool(
            _LABEL.fullmatch(label)
            and len(words) <= 5
            and not kicker
            and words[0].lower().rstrip(".") not in _NOT_LABELS
            and not any(
                t.pos_ in ("VERB", "AUX")
                for t in self.idx.tokens(colon.idx - len(label), colon.idx)
            )
        )

    def _own_channel(self, according: Token) -> bool:
        """ "The agency said it was ready ..., according to a statement": an unowned
        document the sentence's own speaker issued, not a second source (its cue reports)."""
        head = according.head
        docs = [
            o
            for c in according.children
            if c.lower_ == "to"
            for o in c.children
            if o.dep_ == "pobj" and o.lemma_.lower() in self.lex.documents
        ]
        unowned = bool(docs) and not any(
            c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ in ("from", "by", "of"))
            for c in docs[0].children
        )
        return (
            unowned
            and is_cue(head, self.lex.clause_cues, self.lex)
            and subject_of(head) is not None
        )

    def _clause_after_evidence(self, cue: Token) -> list[Token]:
        """ "claimed without evidence that the vote was rigged", "said with confidence that
        ...": the parser hangs the that-clause on the noun of a with/without phrase of the
        cue; after a verb of saying or thinking it is the cue's report."""
        for prep in cue.rights:
            if prep.dep_ != "prep" or prep.lower_ not in ("without", "with"):
                continue
            for t in prep.subtree:
                marked = any(c.dep_ == "mark" and c.lower_ == "that" for c in t.children)
                if t.dep_ in ("acl", "ccomp") and marked and t.head.pos_ == "NOUN":
                    return [t]
        return []

    def _nominal_content(self, tok: Token) -> list[tuple[int, int]]:
        """ "her claim that the vote was rigged": the that-clause of a reporting noun."""
        for child in tok.rights:
            marked = any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children)
            if child.dep_ in ("acl", "ccomp", "relcl") and marked:
                return [trim(self.text, *subtree_span(child))]
        return []

    def _object_content(self, tok: Token) -> list[tuple[int, int]]:
        """ "denied the report", "accused the council of lying": the object (and its phrase)."""
        objs = [c for c in tok.children if c.dep_ == "dobj"]
        if not objs:
            return []
        start, end = subtree_span(objs[0])
        phrase = False
        for child in tok.rights:
            if child.i > objs[0].i and child.dep_ == "prep" and child.lower_ in ("of", "for", "as"):
                end = max(end, subtree_span(child)[1])
                phrase = True
        if objs[0].pos_ == "PRON" and not phrase:
            return []  # "denied it": nothing said; "accused him of lying": the charge is
        return [trim(self.text, start, end)]

    def _named_as(self, tok: Token) -> list[tuple[int, int]]:
        """ "called him a political opportunist", "see the plan as a trap": the object and
        what it is called. The parser sometimes makes a name the verb's xcomp and the
        label the name's object ("calling Trump a fascist")."""
        first: Token | None
        label: Token | None
        name = next((c for c in tok.rights if c.dep_ == "xcomp" and c.pos_ == "PROPN"), None)
        if name is not None:  # the label hangs on the name
            first, label = name, next((c for c in name.rights if c.dep_ == "dobj"), None)
        else:
            first = next((c for c in tok.rights if c.dep_ == "dobj"), None)
            label = next(
                (
                    c
                    for c in tok.rights
                    if c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ == "as")
                ),
                None,
            )  # "call it the nerd prom", "see the plan as a trap"
        if first is None or label is None or label.i <= first.i:
            return []
        return [trim(self.text, subtree_span(first)[0], subtree_span(label)[1])]

    @staticmethod
    def _misattached_that_clause(tok: Token) -> list[Token]:
        """ "Ruiz told delegates at the convention that the plan should fail": the parser
        hung the that-clause on "convention" as a relative clause, though "that" is its
        mark and the clause has its own subject (no relative clause has both)."""
        for child in tok.rights:
            if child.dep_ not in ("dobj", "dative", "prep", "npadvmod"):
                continue
            for t in child.subtree:
                deps = {c.dep_: c for c in t.children}
                mark = deps.get("mark")
                if (
                    t.dep_ == "relcl"
                    and mark is not None
                    and mark.lower_ == "that"
                    and "nsubj" in deps
                    and mark.i == t.left_edge.i
                ):
                    return [t]
        return []

    @staticmethod
    def _unmarked_advcl(tok: Token) -> list[Token]:
        """ "Trump said after the convention he would not accept ...": the parser hung the
        phrase of time on the clause and made the clause adverbial. A clause after the
        cue with a subject and a finite verb of its own, and no conjunction to make it
        adverbial ("because", "if", "when"), is what was said."""
        if any(c.dep_ == "dobj" for c in tok.children):
            return []  # "said it again when she visited"
        for child in tok.rights:
            if child.dep_ != "advcl":
                continue
            deps = {c.dep_ for c in child.children}
            finite = child.tag_ in ("VBD", "VBZ", "VBP") or "aux" in deps
            conjunction = "mark" in deps or any(c.tag_ == "WRB" for c in child.lefts)
            if "nsubj" in deps and finite and not conjunction and child.i > tok.i + 2:
                return [child]
        return []

    @staticmethod
    def _describes(tok: Token) -> bool:
        """ "an institute focused on security" describes; "who called for a ban" reports
        (a common noun: a name the parser hung the lead's verb on still reports, "Ana Ruiz
        on Wednesday called on ...")."""
        if any(c.lower_ in ("who", "which", "that") for c in tok.children):
            return False
        if tok.head.pos_ == "NOUN":
            return True
        subjects = (c for c in tok.children if c.dep_ == "nsubj")
        return any(c.pos_ == "NOUN" and c.i == tok.i - 1 for c in subjects)

    def _prep_object_content(self, tok: Token) -> list[tuple[int, int]]:
        """ "called for a ban", "pointed to the polls", "called on the council to act": the
        preposition's object (with the infinitive that follows it)."""
        if tok.pos_ not in ("VERB", "AUX") and not tok.tag_.startswith("VB"):
            return []
        if tok.dep_ in ("acl", "relcl") and tok.tag_ in ("VBN", "VBD") and self._describes(tok):
            return []
        lemma = cue_lemma(tok)
        for child in tok.rights:
            pair = (lemma, child.lower_)
            mark = next((m for m in child.lefts if m.dep_ == "mark"), None)
            if child.dep_ == "advcl" and mark and (lemma, mark.lower_) in self.lex.prep_object:
                # "is calling for the council to act": the parser made "for" the mark of
                # an adverbial clause; the clause without it is what is called for.
                return [trim(self.text, mark.idx + len(mark.text), subtree_span(child)[1])]
            if child.dep_ not in ("prep", "prt") or pair not in self.lex.prep_object:
                continue
            objs = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            if objs and objs[0].ent_type_ in ("DATE", "TIME"):
                continue  # "called Lena Ostrova on Monday evening": when, not whom
            if not objs or objs[0].pos_ == "PRON":
                return []
            start, end = subtree_span(objs[0])
            for c in tok.rights:  # "called on X to act" (an infinitive, however parsed)
                infinitive = c.dep_ == "advcl" and to_infinitive(c)
                if c.i > child.i and (c.dep_ in ("xcomp", "ccomp") or infinitive):
                    end = max(end, subtree_span(c)[1])
            return [trim(self.text, start, end)]
        return []

    def _own_report(self, clause: Token, cue: Token) -> tuple[int, int]:
        """The clause's span, ending before a cue that continues the same report ("said
        the plan failed — arguing that ..."; ``continued_report``): that cue reports the
        rest itself."""
        start, end = subtree_span(clause)
        mark = next((c for c in clause.lefts if c.dep_ == "mark" and c.lower_ == "that"), None)
        told = [c for c in cue.children if c.dep_ == "dobj" and cue.i < c.i < clause.i]
        if clause.dep_ == "xcomp" and told:
            # "urged supporters to monitor the polls": who is urged is part of the report,
            # as in "told reporters to expect"
            start = subtree_span(told[0])[0]
        elif mark is not None and mark.i > clause.left_edge.i and clause.i > cue.i:
            # "said on Tuesday, citing preliminary figures, that 40 people had died": the
            # parser hangs the set-off phrase on the clause; the report starts at "that"
            start = mark.idx
        elif clause.dep_ == "advcl" and (subj := _subject_child(clause)) is not None:
            # "said after the convention he would ...": the clause starts at its subject
            start = subtree_span(subj)[0]
        elif clause.i > cue.i and (first := next(clause.lefts, None)) is not None:
            # "said on Sunday its forces had ...", "said after the meeting she would ...": a
            # date, or a phrase of when or where, right after the cue and before the
            # clause's subject is when it was said, whatever the parser hung it on
            dated = first.ent_type_ in ("DATE", "TIME") or any(
                o.dep_ == "pobj" and o.ent_type_ in ("DATE", "TIME") for o in first.children
            )
            subj = _subject_child(clause)
            when = first.lower_ in SAID_WHEN and subj is not None and subj.i > first.i
            right_after = first.left_edge.i == cue.i + 1
            if first.dep_ in ("prep", "npadvmod") and (dated or when) and right_after:
                start = subtree_span(first)[1]
        for t in clause.subtree:
            # "said fathers would not be eligible, and when pressed, the mother replied":
            # a report of its own, by another subject, coordinated with the clause
            other = (
                t.dep_ == "conj"
                and t.head.i == clause.i
                and any(c.dep_ == "nsubj" for c in t.children)
                and is_cue(t, self.lex.direct_cues, self.lex)
            )
            if t.i > clause.i and (
                other or (continued_report(t) == cue and is_cue(t, self.lex.clause_cues, self.lex))
            ):
                # ... and before the "and" or the dash that joins it
                k = t.left_edge.i - 1
                while k > clause.left_edge.i and t.doc[k].dep_ in ("cc", "punct"):
                    k -= 1
                end = min(end, t.doc[k].idx + len(t.doc[k].text))
        return trim(self.text, start, end)

    def lost_subject(self, clause: Token, cue: Token) -> Token | None:
        """ "Shelling resumed after talks broke up without agreement, residents and a local
        official said": the parser made the cue's coordinated subject a conjunct of the
        clause's last noun. That conjunct, when the cue has no subject, the phrase ends
        right before the cue and a comma sets it off; else None."""
        if clause.i > cue.i or subject_of(cue) is not None:
            return None
        doc = cue.doc
        for t in clause.subtree:
            if (
                t.dep_ == "conj"
                and t.head.pos_ in ("NOUN", "PROPN")
                and t.pos_ in ("NOUN", "PROPN")
                and t.right_edge.i == cue.i - 1
                and t.left_edge.i > clause.left_edge.i
                and doc[t.left_edge.i - 1].text == ","
                and any(c.dep_ == "cc" for c in t.children)
            ):
                return t
        return None

    def _detached(self, clause: Token, cue: Token) -> bool:
        """A clause before its cue is reported speech only when punctuation sets it off
        ("Sales were great, he said"); else the parser made a mistake ("It said that the
        strike would continue" is not "continue" reporting "It said")."""
        c_end = subtree_span(clause)[1]
        if clause.i > cue.i:
            return True
        between = self.text[c_end : cue.idx]
        return any(ch in between for ch in ",;:—–\"”’'")

    def _rest_of_sentence(self, phrase: Token) -> tuple[int, int]:
        """The sentence around an "according to X" phrase, without the phrase."""
        sent = phrase.sent
        p_start, p_end = subtree_span(phrase)
        s_start, s_end = sent.start_char, sent.end_char
        before = trim(self.text, s_start, p_start)
        after = trim(self.text, p_end, s_end)
        return before if before[1] - before[0] >= after[1] - after[0] else after


SUBJECTS = frozenset(("nsubj", "nsubjpass", "expl", "csubj"))

#: Prepositions of a phrase that says when or where something was said ("said after the
#: meeting she would ...").
SAID_WHEN = frozenset(("after", "before", "during", "following", "at", "in", "on", "since"))


def _subject_child(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ == "nsubj"), None)
