"""Shared pieces of the ``quotes`` analyzer: the cue lexicon (word lists from
``resources/lexicons/``), character <-> token lookups on the shared parse, and small
syntactic helpers (a verb's subject, a noun phrase's core, the entity around a token).
Nothing here decides what a quote is; see ``quotes.py``.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import QuoteKind
from ..text.furniture import article_furniture
from ..text.lexicons import word_list, word_set
from ..text.quote_marks import paragraphs

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

NAME_ENTS = {"PERSON", "ORG", "GPE", "NORP", "FAC"}
_ABBREV = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|Prof|St|Jr|Sr|Inc|Co|Corp|No|Vol|Mt|Ft|"
    r"Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|[A-Z]|(?:[A-Za-z]\.)+[A-Za-z])$"
)
_TERMINATOR = re.compile(r"[.!?…]+[\"”’']?(?=\s)")
WORD = re.compile(r"\w+(?:['’]\w+)*")
TRIM_END = ".,;:!?—–- \n\t"
TRIM_START = ",;:—–- \n\t"


@dataclass(frozen=True)
class Lexicon:
    speech: frozenset[str]
    cognition: frozenset[str]
    intention: frozenset[str]
    naming: frozenset[str]
    manner: frozenset[str]
    evidence: frozenset[str]
    object: frozenset[str]
    nominal: frozenset[str]
    phrasal: frozenset[tuple[str, str]]
    documents: frozenset[str]
    author_roles: frozenset[str]
    org_nouns: frozenset[str]
    work_nouns: frozenset[str]
    titles: frozenset[str]
    affiliation_verbs: frozenset[str]
    #: titles that say nothing about who someone is: not descriptions ("Ms", "Mr")
    courtesy_titles: frozenset[str]
    #: titles and nouns next to a mention that tell a man or a woman ("Mrs", "spokesman")
    titles_m: frozenset[str]
    titles_f: frozenset[str]
    gender_nouns: dict[str, str]
    #: Verb + preposition whose object is what is attributed: "called for a ban".
    prep_object: frozenset[tuple[str, str]] = frozenset()
    #: Nouns for public bodies that speak ("the defence ministry said ... It said").
    institutions: frozenset[str] = frozenset()
    #: Given names that tell a gender ("melanie": "f"), and those of them that are also
    #: common family names, which tell nothing alone ("Warren said").
    first_names: dict[str, str] = field(default_factory=dict)
    surname_like: frozenset[str] = frozenset()

    # Cached: the quotes analyzer asks for these unions at every token (a new set each
    # time cost 3 ms an article). The dataclass is frozen, so they never go stale.
    @functools.cached_property
    def direct_cues(self) -> frozenset[str]:
        return self.speech | self.manner

    @functools.cached_property
    def clause_cues(self) -> frozenset[str]:
        return self.speech | self.cognition | self.evidence | self.intention | self.object


@functools.lru_cache(maxsize=4)
def load_lexicon(user_file: str = "") -> Lexicon:
    """The cue lexicon (``resources/lexicons/cue_verbs.toml``) with the honorifics,
    gendered nouns and given names pronoun resolution reads (``honorifics.toml``,
    ``role_nouns.toml``, ``first_names.toml``), read once; ``user_file`` (the ``lexicons``
    setting) adds words to any of them."""

    def words(name: str, key: str) -> frozenset[str]:
        return word_set(name, key, user_file)

    def cues(key: str) -> frozenset[str]:
        return words("cue_verbs", f"cues.{key}")

    def sources(key: str) -> frozenset[str]:
        return words("cue_verbs", f"sources.{key}")

    nouns_f = word_list("role_nouns", "feminine", user_file)
    nouns_m = word_list("role_nouns", "masculine", user_file)
    return Lexicon(
        speech=cues("speech"),
        cognition=cues("cognition"),
        intention=cues("intention"),
        naming=cues("naming"),
        manner=cues("manner"),
        evidence=cues("evidence"),
        object=cues("object"),
        nominal=cues("nominal"),
        phrasal=frozenset((v, p) for v, _, p in (x.partition(" ") for x in cues("phrasal"))),
        documents=sources("documents"),
        author_roles=sources("author_roles"),
        org_nouns=sources("org_nouns"),
        institutions=sources("institutions"),
        work_nouns=sources("work_nouns"),
        titles=sources("titles"),
        affiliation_verbs=sources("affiliation_verbs"),
        courtesy_titles=words("honorifics", "courtesy"),
        titles_m=words("honorifics", "masculine"),
        titles_f=words("honorifics", "feminine"),
        gender_nouns={w: "f" for w in nouns_f} | {w: "m" for w in nouns_m},
        first_names={w: "f" for w in word_list("first_names", "feminine", user_file)}
        | {w: "m" for w in word_list("first_names", "masculine", user_file)},
        surname_like=words("first_names", "surnames"),
        prep_object=frozenset(
            (v, p) for v, _, p in (x.partition(" ") for x in cues("prep_object"))
        ),
    )


@dataclass
class Found:
    """An attribution (or scare quote, or title) found in the text, speaker not yet resolved.

    ``span`` is the whole attribution as written (quote, cue and nearby speaker), ``content``
    what is attributed, ``subject`` the surface speaker's head token; ``continues`` marks a
    direct quote with no cue of its own (a quote run may give it the previous speaker).
    """

    kind: QuoteKind
    span: tuple[int, int]
    content: tuple[int, int]
    cue: tuple[int, int] | None = None
    subject: Token | None = None
    confidence: float = 1.0
    continues: bool = False


def trim(text: str, start: int, end: int, trailing: str = TRIM_END) -> tuple[int, int]:
    """Strip spaces and outer punctuation, keeping a closing quote mark and what it closes."""
    while start < end and text[start] in TRIM_START:
        start += 1
    while end > start and text[end - 1] in trailing:
        end -= 1
    return start, end


def last_char(text: str, pos: int) -> str:
    """The last non-space character before ``pos`` ('' if none), without copying the text."""
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return text[pos - 1] if pos > 0 else ""


def next_char(text: str, pos: int) -> str:
    """The first non-space character at or after ``pos`` ('' if none)."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return text[pos] if pos < len(text) else ""


def word_count(text: str) -> int:
    return len(WORD.findall(text))


class DocIndex:
    """Character <-> token lookups and sentence/paragraph numbers for one article."""

    def __init__(self, doc: Doc, text: str):
        self.doc = doc
        self.text = text
        self.starts = [t.idx for t in doc]
        self.sents = list(doc.sents)
        self.sent_starts = [s.start_char for s in self.sents]
        self.paras = paragraphs(text)
        self.para_starts = [p[0] for p in self.paras]

    @functools.cached_property
    def furniture(self) -> tuple[tuple[int, int] | None, list[tuple[int, int]], str | None]:
        """The headline, the non-body lines and the dateline's agency (``article_furniture``),
        worked out once per article for the finder and the resolver."""
        return article_furniture(self.text, self.paras)

    def tokens(self, start: int, end: int) -> list[Token]:
        i = bisect_left(self.starts, start)
        j = bisect_left(self.starts, end)
        return [self.doc[k] for k in range(i, j) if not self.doc[k].is_space]

    def token_at(self, pos: int) -> Token | None:
        i = bisect_right(self.starts, pos) - 1
        return self.doc[i] if i >= 0 else None

    def sent_no(self, pos: int) -> int:
        return bisect_right(self.sent_starts, pos) - 1

    def para_no(self, pos: int) -> int:
        return max(0, bisect_right(self.para_starts, pos) - 1)

    def para(self, pos: int) -> tuple[int, int]:
        return self.paras[self.para_no(pos)]

    def sentence_start(self, pos: int, floor: int) -> int:
        """Start of the (regex) sentence holding ``pos``, not before ``floor``."""
        best = floor
        for m in _TERMINATOR.finditer(self.text, floor, pos):
            if not _is_abbreviation(self.text, m.start()):
                best = m.end()
        return best

    def sentence_end(self, pos: int, ceiling: int) -> int:
        for m in _TERMINATOR.finditer(self.text, pos, ceiling):
            if not _is_abbreviation(self.text, m.start()):
                return m.end()
        return ceiling


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"[\w.]+$", text[max(0, dot - 12) : dot])
    return bool(word and _ABBREV.fullmatch(word.group()))


def span_of(tok: Token) -> tuple[int, int]:
    return tok.idx, tok.idx + len(tok.text)


def subtree_span(tok: Token) -> tuple[int, int]:
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text)


def cue_span(tok: Token) -> tuple[int, int]:
    """The cue verb with its particle ("goes on", "pointed out") or "according to"."""
    start, end = span_of(tok)
    for child in tok.children:
        if child.dep_ == "prt" or (tok.lower_ == "according" and child.lower_ == "to"):
            end = max(end, child.idx + len(child.text))
    return start, end


#: Lemmatiser slips on cue words: the forms en_core_web_sm lemmatises wrongly, with the
#: lemma they have ("hopes", "hoped", "hoping" get "hop"; "hopped" keeps it).
_LEMMA_FIXES = {"hopes": "hope", "hoped": "hope", "hoping": "hope"}


def cue_lemma(tok: Token) -> str:
    """The token's lemma, lower-cased, with the lemmatiser's known slips on cue words
    mended ("hoping" -> "hope", not "hop")."""
    return _LEMMA_FIXES.get(tok.lower_) or tok.lemma_.lower()


def is_cue(tok: Token, lemmas: Iterable[str], lex: Lexicon) -> bool:
    if tok.pos_ not in ("VERB", "AUX") and not (tok.tag_.startswith("VB")):
        return False
    lemma = cue_lemma(tok)
    if lemma in lemmas:
        return True
    return any(c.dep_ == "prt" and (lemma, c.lower_) in lex.phrasal for c in tok.children)


def continued_report(verb: Token) -> Token | None:
    """The cue whose report ``verb`` continues, where the parser hung ``verb`` inside that
    cue's clause: "He said the attacks worked and said that ..." (a second "said" joined
    to the clause) or "Ruiz says the plan failed — arguing that ..." (a participle after a
    dash or comma). Both speak with the outer cue's subject, and the outer report ends
    before them."""
    head = verb.head
    if head.dep_ != "ccomp" or head.head.i == head.i:
        return None
    if verb.dep_ == "conj" and head.head.lemma_ == verb.lemma_:
        return head.head
    set_off = verb.i > 0 and verb.nbor(-1).text in ("—", "–", "-", ",")
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and set_off:
        return head.head
    return None


#: Verbs by which someone sends out their own words: "issued a statement saying", "emailed
#: supporters saying", "released a video that said" (the sender speaks).
ISSUE_VERBS = {
    "issue", "release", "send", "post", "publish", "blast", "fire", "email", "e-mail",
    "text", "tweet", "mail", "pen", "sign", "circulate", "distribute", "unveil", "put",
}  # fmt: skip


def to_infinitive(verb: Token) -> bool:
    """Whether the verb is a to-infinitive ("to drive up the price", "called on X to act")."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.lefts)


def is_passive(verb: Token) -> bool:
    """A verb with a passive auxiliary ("was told", "has been asked")."""
    return any(c.dep_ == "auxpass" for c in verb.children)


def agent_of(verb: Token) -> Token | None:
    """The object of the verb's first "by" agent ("is supported by far fewer papers")."""
    for child in verb.children:
        if child.dep_ == "agent":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            return objs[0] if objs else None
    return None


def subject_of(verb: Token, depth: int = 0) -> Token | None:
    """Who does the saying: the verb's subject, through conj/advcl/xcomp chains."""
    # "The medical charity Karsa Medical Relief said": two subjects; the one next to the
    # verb is the name.
    subjects = [c for c in verb.lefts if c.dep_ == "nsubj"]
    subjects += [c for c in verb.rights if c.dep_ == "nsubj"]
    if subjects:
        return subjects[-1] if len(subjects) > 1 and subjects[-1].i < verb.i else subjects[0]
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            return None if child.lower_ in ("it", "there") else child
    if any(c.dep_ == "agent" for c in verb.children):
        return agent_of(verb)
    outer = continued_report(verb)
    if outer is not None:
        return subject_of(outer, depth + 1) if depth < 3 else None
    # (the parser makes many such infinitives adverbial: "pushed the candidates to say")
    if verb.dep_ in ("xcomp", "advcl") and (controller := object_controller(verb)) is not None:
        return controller
    walk = (
        verb.dep_ in ("conj", "advcl", "xcomp", "pcomp")
        or (verb.dep_ == "prep" and verb.pos_ == "ADP")  # "explained ... by saying"
        or (verb.dep_ == "acomp" and verb.pos_ == "ADJ")  # "voters are likely to say"
    )
    if depth < 3 and walk and verb.head.i != verb.i:
        return subject_of(verb.head, depth + 1)
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
        # "Ruiz emailed supporters saying", "the campaign sent a text message to voters
        # saying": who sent the words, not the noun the participle hangs on
        sender = sender_of(verb.head, depth + 1) if depth < 3 else None
        return sender if sender is not None else verb.head
    return None


#: Verbs whose object does what their to-infinitive says ("forced Stumpf to admit",
#: "urged members to reject"); other verbs keep their subject ("used the figure to argue",
#: "promised voters to cut taxes").
OBJECT_CONTROL = frozenset(
    """force ask urge tell order allow permit persuade encourage invite require pressure
    press push compel convince get want expect need remind warn advise prompt challenge
    dare beg implore instruct inspire cause help enable authorize authorise""".split()
)
#: Verbs and nouns by which a text shows someone doing something ("caught him saying",
#: "footage of Kell asking").
_SHOWING_VERBS = frozenset(("see", "hear", "catch", "show", "film", "record", "watch"))
_SHOWING_NOUNS = frozenset(
    ("footage", "video", "clip", "recording", "tape", "audio", "image", "photo", "picture")
)


def object_controller(verb: Token) -> Token | None:
    """Who does what an open clause says when the verb it hangs on has an object: "forced
    Stumpf to admit that ..." (Stumpf admits), "caught him saying", "uses footage of Kell
    asking" (Kell asks, not the footage); None when the head's subject does it, as in
    "refused to say" or "used the figure to argue"."""
    head = verb.head
    objs = [c for c in head.children if c.dep_ == "dobj" and c.i < verb.i]
    if not objs:
        return None
    obj = objs[0]
    if to_infinitive(verb):
        return obj if head.lemma_.lower() in OBJECT_CONTROL else None
    if verb.tag_ != "VBG":
        return None
    if obj.lemma_.lower() in _SHOWING_NOUNS:
        shown = [
            o
            for p in obj.children
            if p.dep_ == "prep" and p.lower_ == "of"
            for o in p.children
            if o.dep_ == "pobj" and o.pos_ in ("PROPN", "PRON")
        ]
        return shown[0] if shown else None
    named = obj.pos_ in ("PROPN", "PRON")
    return obj if named and head.lemma_.lower() in _SHOWING_VERBS else None


def sender_of(noun: Token, depth: int = 0) -> Token | None:
    """Who sent out the words ``noun`` holds or receives: the subject of a verb of
    sending whose object it is ("Ruiz issued a statement", "Ruiz emailed supporters"),
    also through "to" ("sent a text message to voters"); else None."""
    sent = noun
    if sent.dep_ == "pobj" and sent.head.dep_ in ("prep", "dative"):  # "an email to them"
        sent = sent.head.head
        if sent.dep_ != "dobj" and sent.pos_ != "VERB":
            sent = noun
    if sent.pos_ == "VERB":
        issuer: Token | None = sent
    else:
        issuer = sent.head if sent.dep_ in ("dobj", "dative") else None
    if issuer is None or issuer.lemma_.lower() not in ISSUE_VERBS:
        return None
    return subject_of(issuer, depth)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def core_span(tok: Token) -> tuple[int, int]:
    """A noun phrase without its appositives and clauses: "the group's director"."""
    if tok.pos_ == "PRON":
        return span_of(tok)
    ent = entity_span(tok)
    if ent is not None:
        return ent
    left = [c for c in tok.lefts if c.dep_ not in ("punct", "cc", "preconj")]
    first = min([tok.i] + [c.left_edge.i for c in left])
    first = _after_break(tok, first)  # "BRUSSELS - European leaders": the leaders
    start = tok.doc[first].idx
    last = max(_core_tokens(tok), key=lambda t: t.i)
    return start, max(tok.idx + len(tok.text), last.idx + len(last.text))


def _after_break(tok: Token, lo: int) -> int:
    """The first token of ``tok``'s phrase from ``lo`` on that no line break or spaced dash
    before ``tok`` cuts off (a dateline, "WASHINGTON -- President Obama")."""
    doc = tok.doc
    for i in range(tok.i - 1, lo - 1, -1):
        if _line_ends(doc[i]) or _spaced_dash(doc[i]):
            return i + 1
    return lo


_CORE_PREPS = ("of", "for", "at", "from", "in", "with")
_NOT_CORE = ("appos", "relcl", "acl", "punct", "cc", "conj", "advcl", "parataxis")


def _core_tokens(tok: Token) -> list[Token]:
    """``tok`` and what its noun phrase holds to the right: "of/for/at ... Y" phrases and their
    objects, but no appositive or clause ("the envoy for Marnia, Helga Lindqvist," -> "the
    envoy for Marnia")."""
    out = [tok]
    for child in tok.rights:
        if child.dep_ in _NOT_CORE or (child.dep_ == "prep" and child.lower_ not in _CORE_PREPS):
            continue
        out += _core_tokens(child)
    return out


#: what a parse hangs on a source's noun by mistake, past its phrase: a clause of the
#: sentence's own ("Trump, speaking in Virginia, said" keeps "speaking ...": an acl)
_NOT_MENTION = frozenset(("advcl", "parataxis", "ccomp"))
_MENTION_STOPS = frozenset(('"', "“", "”", "„", "«", "»", ":"))
_DASHES = frozenset(("--", "—", "–", "-"))
#: focus words before a source that are the writer's, not the source's name: "Even China,
#: Pyongyang's only ally, ..." (PolNeAR train: outside the source 29 times, inside 8)
_FOCUS = frozenset(("even", "also"))


def mention_span(tok: Token, cue: Token | None = None) -> tuple[int, int] | None:
    """The whole phrase that names a source where it speaks, as the writer put it:
    ``tok``'s noun phrase with its modifiers, appositives, relative clauses and coordinated
    co-speakers ("Tim Hess, a developer in Virginia, who introduced Clarke to his
    bankers,"; "Mr. King and Mr. Schultz"; "Experts on North Korea"), cut at a line break
    or a dash set off by spaces ("WASHINGTON -- President Obama"), without a focus word
    before it ("Even Dalmia"). ``None`` for a pronoun, and when the phrase would run over a
    quotation mark, a colon or ``cue`` (a misparse)."""
    if tok.pos_ == "PRON":
        return None
    # after its cue ("said Nadia Rahimi, a spokeswoman, at a press conference"), a phrase
    # set off by a comma is the verb's, whatever the parser hung it on
    inverted = cue is not None and cue.i < tok.i
    ids = set()
    todo = [tok]
    while todo:
        t = todo.pop()
        ids.add(t.i)
        todo.extend(
            c
            for c in t.children
            if c.dep_ not in _NOT_MENTION
            and _whole_clause(c)
            and not (inverted and _set_off(c))
            and not (c.dep_ == "advmod" and c.lower_ in _FOCUS)
        )
    lo = hi = tok.i
    while lo - 1 in ids:
        lo -= 1
    while hi + 1 in ids:
        hi += 1
    doc = tok.doc
    # a dash set off by spaces or a line break ends the phrase: "WASHINGTON -- President
    # Obama", "BRUSSELS - European leaders" (a dateline), "predictable - Donald J. Trump"
    lo = _after_break(tok, lo)
    for i in range(tok.i, hi):
        after = doc[i + 1]
        if _line_ends(doc[i]) or _spaced_dash(after) or (after.is_space and _line_ends(after)):
            hi = i
            break
    while lo < hi and doc[lo].is_punct:
        lo += 1
    while hi > lo and doc[hi].is_punct:
        hi -= 1
    if (cue is not None and lo <= cue.i <= hi) or any(
        t.is_quote or t.text in _MENTION_STOPS for t in doc[lo : hi + 1]
    ):
        return None
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _line_ends(tok: Token) -> bool:
    """A line break after ``tok`` (or ``tok`` a run of space holding one)."""
    return "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text)


def _spaced_dash(tok: Token) -> bool:
    """A dash with a space before it ("BRUSSELS - European"), not a hyphen ("el-Sisi")."""
    return tok.text in _DASHES and tok.i > 0 and bool(tok.nbor(-1).whitespace_)


def _set_off(tok: Token) -> bool:
    """A prepositional phrase after a comma, other than "of" ("..., at a press conference")."""
    return tok.dep_ == "prep" and tok.lower_ != "of" and tok.i > 0 and tok.nbor(-1).text == ","


def _whole_clause(tok: Token) -> bool:
    """Whether a mention can hold ``tok``'s subtree whole: a relative clause goes in whole
    ("Tim Hess, who introduced Clarke to his bankers,") or not at all ("Mr. Obama, who
    understood that ...": a clause of its own inside it would be cut in two)."""
    return tok.dep_ != "relcl" or not any(
        t.dep_ in _NOT_MENTION for t in tok.subtree if t.i != tok.i
    )


def entity_span(tok: Token) -> tuple[int, int] | None:
    if tok.ent_type_ not in NAME_ENTS:
        if capitalised_propn(tok):
            chain = [tok] + [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
            return min(t.idx for t in chain), tok.idx + len(tok.text)
        return None
    doc = tok.doc
    start = end = tok.i
    while start > 0 and doc[start - 1].ent_iob_ == "I" and doc[start].ent_iob_ == "I":
        start -= 1
    while start > 0 and doc[start].ent_iob_ != "B" and doc[start - 1].ent_type_ == tok.ent_type_:
        start -= 1
    while end + 1 < len(doc) and doc[end + 1].ent_iob_ == "I":
        end += 1
    # The recogniser sometimes takes in a leading "the", a dash or a possessive "'s".
    while start < end and (
        doc[start].lower_ == "the" or doc[start].is_punct or doc[start].tag_ == "POS"
    ):
        start += 1
    # ... or a trailing preposition ("by the ministry on Monday": "ministry on")
    while end > start and (doc[end].tag_ == "POS" or doc[end].is_punct or doc[end].pos_ == "ADP"):
        end -= 1
    return doc[start].idx, doc[end].idx + len(doc[end].text)


def capitalised_propn(tok: Token) -> bool:
    """A proper noun as written: a lower-case "proper noun" is the tagger's slip ("Marnia's
    defence ministry said"), a description, not a name."""
    return tok.pos_ == "PROPN" and tok.text[:1].isupper()


def is_name(tok: Token) -> bool:
    return tok.pos_ == "PROPN" or tok.ent_type_ in ("PERSON", "ORG")


def has_name_modifier(tok: Token) -> bool:
    """ "the Marnian government", "Russia's army": a noun phrase that names its own owner."""
    return any(
        c.ent_type_ in NAME_ENTS or c.pos_ == "PROPN"
        for c in tok.lefts
        if c.dep_ in ("amod", "compound", "poss", "nmod")
    )


def is_definite(tok: Token) -> bool:
    return any(c.lower_ in ("the", "this", "that") for c in tok.lefts)


#: Words that open an indirect question: what follows a negated "say" was not said.
_OPEN_QUESTION = frozenset({"whether", "if", "where", "what", "when", "why", "how", "who", "which"})


#: "was not authorized to discuss ...": what someone may not say was not said.
_PERMITTED = frozenset({"authorize", "allow", "permit", "want", "wish", "able", "free", "clear"})


def the_reader(subject: Token | None) -> bool:
    """ "Do you know where your candidate's tax returns are?", "Let's say you think a
    degree will cost $160,000": the writer puts it to the reader, whom no report quotes
    (nor the "us" of "let's say")."""
    if subject is None or subject.pos_ != "PRON":
        return False
    verb = subject.head
    let = "let" in (verb.lemma_.lower(), verb.head.lemma_.lower())
    return subject.lower_ == "you" or (subject.lower_ in ("'s", "us") and let)


def withheld(cue: Token) -> bool:
    """ "declined to comment on the report", "refused to say whether ...", "would not say
    whether ...", "did not say where ...", "failed to show that ...", "was not authorized
    to discuss ...", "spoke on condition of anonymity to discuss ...": what follows was
    not said. The refusal itself is reported (the outer verb is an intention cue); the
    inner verb reports nothing."""
    head = cue.head.lemma_.lower()
    if cue.dep_ == "xcomp" and head in ("refuse", "decline", "fail"):
        return True
    if (
        cue.dep_ == "xcomp"
        and head in _PERMITTED
        and any(c.dep_ == "neg" for c in cue.head.children)
    ):
        return True  # "because he was not authorized to discuss the talks publicly"
    if (
        cue.dep_ == "advcl"
        and head in ("speak", "talk")
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in cue.children)
        and not any(c.dep_ == "ccomp" for c in cue.children)
    ):
        return True  # "spoke on condition of anonymity to discuss the talks": the topic
    negated = any(c.dep_ == "neg" for c in cue.children)
    return negated and any(  # "did not say where those corridors lead"
        c.dep_ == "ccomp" and c.left_edge.lower_ in _OPEN_QUESTION for c in cue.children
    )
