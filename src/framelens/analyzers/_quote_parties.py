"""Who else an attribution names besides its speaker, from the parse: the middleman who
passes the words on ("X quotes Y as saying", "X cited Y, who said"), the outlet that
carries a statement ("said in a statement carried by Z") and the audience told ("she told
Reuters", "said in an interview with CNN"). Issue 15's patterns 3 and 5; the speaker
resolver (``_quote_speakers``) makes mentions of the tokens these find.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._quote_syntax import subject_of

if TYPE_CHECKING:
    from collections.abc import Collection

    from spacy.tokens import Token

RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
#: Verbs by which a middleman passes on someone's words: "X quotes Y as saying".
VIA_VERBS = {"quote", "cite"}
#: Verbs for a statement that another outlet carries: "a statement carried by Z".
CARRY_VERBS = {"carry", "publish", "run", "release", "report", "air", "broadcast", "post"}
#: Verbs whose object is the audience: "she told Reuters".
AUDIENCE_VERBS = {"tell", "inform", "brief", "assure", "warn", "remind", "advise", "promise"}
#: What is told, not whom: "aid workers tell a different story", "told the truth".
TOLD_THINGS = {"story", "tale", "truth", "lie", "joke", "version", "secret", "news", "anecdote"}


def middleman(cue: Token, subject: Token | None) -> tuple[Token, Token] | None:
    """ "X quotes Y as saying", "X quotes Y to argue", "X cited Y, who said", "Y was
    quoted by X as saying": (Y, X), the speaker and the middleman."""
    if subject is not None and subject.lower_ in RELATIVE_PRONOUNS:
        ante = subject.head.head if subject.head.dep_ in ("relcl", "acl") else None
        if ante is not None and ante.dep_ == "dobj" and ante.head.lemma_.lower() in VIA_VERBS:
            via = subject_of(ante.head)
            if via is not None:
                return subject, via
    tok = cue
    for _ in range(4):
        if tok.i != cue.i and tok.lemma_.lower() in VIA_VERBS:
            objs = [c for c in tok.children if c.dep_ == "dobj"]
            passive = [c for c in tok.children if c.dep_ == "nsubjpass"]
            agents = [o for c in tok.children if c.dep_ == "agent" for o in c.children]
            if objs:
                via = subject_of(tok)
                return (objs[0], via) if via is not None else None
            if passive and agents:
                return passive[0], agents[0]
            return None
        if tok.dep_ not in ("xcomp", "advcl", "pcomp", "prep", "acl") or tok.head.i == tok.i:
            return None
        tok = tok.head
    return None


def carrier(cue: Token, documents: Collection[str]) -> Token | None:
    """ "Y said in a statement carried by Z" / "according to a statement from Y carried
    by Z": Z, who passes the statement on."""
    for prep in cue.children:
        if prep.dep_ != "prep":
            continue
        for doc in prep.children:
            if doc.dep_ != "pobj" or doc.lemma_.lower() not in documents:
                continue
            for verb in doc.children:
                if verb.dep_ == "acl" and verb.lemma_.lower() in CARRY_VERBS:
                    for agent in verb.children:
                        if agent.dep_ == "agent":
                            objs = [o for o in agent.children if o.dep_ == "pobj"]
                            if objs:
                                return objs[0]
    return None


def audience(cue: Token, subject: Token) -> Token | None:
    """Whom the speaker told: "she told Reuters", "said to the BBC", "said in an
    interview with CNN", "residents were told by the utility"."""
    lemma = cue.lemma_.lower()
    if lemma in AUDIENCE_VERBS:
        told = ("dobj", "dative", "iobj", "nsubjpass")
        for c in cue.children:
            if c.dep_ in told and c.i != subject.i and c.pos_ != "PRON":
                if c.lemma_.lower() in TOLD_THINGS:
                    continue
                return c
    for prep in cue.children:
        if prep.dep_ != "prep":
            continue
        objs = [o for o in prep.children if o.dep_ == "pobj"]
        if not objs:
            continue
        says = lemma in ("say", "speak", "explain", "write", "talk")
        if prep.lower_ == "to" and says and objs[0].pos_ != "PRON":
            return objs[0]
        if prep.lower_ in ("in", "during") and objs[0].lemma_.lower() in ("interview", "call"):
            for p2 in objs[0].children:
                if p2.dep_ == "prep" and p2.lower_ in ("with", "to"):
                    inner = [o for o in p2.children if o.dep_ == "pobj"]
                    if inner:
                        return inner[0]
    return None
