"""Contradiction rules that the field knows work for news, on the shared spaCy parse.

Each rule compares two statements (a premise and a hypothesis: an evidence sentence and
a claim, or two claims of one article) and fires only when both are about the same
event — same content words once the differing expression is masked, no proper name on
one side that the other lacks while the other has one of its own, same tense and
modality. Content words are lemmas, a phrasal verb read as the verb it means ("had come
back" as "had returned": the ``paraphrases`` table of ``nli_rules.toml``). Precision comes
first: a false contradiction discredits the tool, so every guard errs towards silence.

- ``numbers``: the same counted thing with incompatible values ("killed 14 people" vs
  "killed 41 people"), via ``framelens.text.quantities.conflict`` (qualifiers
  count: "more than 40" does not conflict with 52).
- ``dates``: the same event on incompatible dates (weekday, day, month or year).
- ``negation``: one side negates the event the other asserts (also "refused to sign"
  vs "signed"; "unchanged" vs "changed").
- ``antonym``: the same statement with opposite words ("rose" vs "fell", "guilty" vs
  "innocent"; ``resources/lexicons/nli_rules.toml``).
- ``role-reversal``: the same actor takes opposite stances toward the same other actor
  ("X opposes Y" vs "X collaborates with Y").

``Side`` holds what the rules read from one statement; build it with ``make_side`` from
a spaCy ``Span`` (and, inside an article, a map from token to actor id).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from . import quantities
from .lexicons import word_list, word_set
from .syntax import partitive_of, span_ents

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

RULES = ("numbers", "dates", "negation", "antonym", "role-reversal")

#: How sure each rule is when it fires. Set from the rule's precision on the SICK TRIAL
#: split and the synthetic dev pairs of scripts/train_nli.py (see resources/nli/MODEL_CARD.md).
RULE_SCORES = {
    "numbers": 0.9,
    "dates": 0.85,
    "negation": 0.85,
    "antonym": 0.8,
    "role-reversal": 0.8,
}

_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "ADV"}
_QUANTITY_LABELS = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY"}
_WEEKDAYS = word_list("calendar", "weekdays")  # in order: the index is the day of the week
_MONTHS = word_set("calendar", "months")
# Words that report an update rather than a competing figure ("the toll rose to 41").
_UPDATE = re.compile(
    r"\b(?:rose|risen|rises|climbed|climbs|increased|jumped|now|so far|updated|revised|"
    r"initially|later|latest|earlier|preliminary|new toll|since then)\b",
    re.I,
)
_OTHER_INSTANCE = {
    "another", "second", "third", "fourth", "fifth", "separate", "additional", "further",
    "different", "other", "previous", "earlier", "later", "subsequent",
}  # fmt: skip
_SCOPE_AMBIGUOUS = {
    "because", "base", "due", "only", "just", "merely", "solely", "all", "every", "any",
    "always", "necessarily", "entirely", "fully", "completely", "enough", "exactly",
}  # fmt: skip
_PRONOUNS = {"it", "they", "he", "she", "we", "i", "you", "this", "that", "who", "which"}


@functools.lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The rules' word lists (``resources/lexicons/nli_rules.toml``), read once."""
    path = resources.files("framelens.resources").joinpath("lexicons/nli_rules.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    antonyms: dict[str, set[str]] = {}
    for a, b in data["antonyms"]["pairs"]:
        antonyms.setdefault(a, set()).add(b)
        antonyms.setdefault(b, set()).add(a)
    stance = data["stance"]
    polarity = {w: 1 for w in stance["positive_verbs"] + stance["positive_nouns"]}
    polarity.update({w: -1 for w in stance["negative_verbs"] + stance["negative_nouns"]})
    anchor_class = {w: name for name, words in data["anchors"].items() for w in words}
    return {
        "anchor_class": anchor_class,
        "negators": set(data["negation"]["words"]),
        "implicative": set(data["negation"]["implicative"]),
        "polar_preps": set(data["negation"]["polar_prepositions"]),
        "cues": set(data["attribution"]["cues"]),
        "dispute": set(data["attribution"]["dispute"]),
        "report_nouns": set(data["attribution"]["report_nouns"]),
        "future": set(data["modality"]["future"]),
        "hedge": set(data["modality"]["hedge"]),
        "antonyms": antonyms,
        "polarity": polarity,
        "stance_nouns": set(stance["positive_nouns"] + stance["negative_nouns"]),
        "object_preps": set(stance["object_prepositions"]),
        "needs_with": set(stance["needs_with"]),
        "phrasal": dict(data["paraphrases"]["phrasal"]),
    }


# ---- one statement ----------------------------------------------------------------------


@dataclass(frozen=True)
class Quant:
    parsed: quantities.Parsed
    tokens: frozenset[int]  # token indices (within the side) of the expression
    unit: str  # counted noun lemma, "%", a currency code, or a measure unit
    anchor: str  # lemma of the verb (or subject of "be") the quantity belongs to


@dataclass(frozen=True)
class DateExpr:
    iso: str | None  # from quantities.parse_date ("XXXX-03-03", "2019")
    weekday: int | None
    tokens: frozenset[int]
    anchor: str


@dataclass(frozen=True)
class Stance:
    lemma: str
    polarity: int  # +1 cooperative, -1 adversarial
    subj: str
    obj: str
    token: int


@dataclass
class Side:
    """What the rules read from one statement (a sentence, clause or evidence passage)."""

    text: str
    lemmas: list[str]
    lowers: list[str]
    pos: list[str]
    offsets: list[tuple[int, int]]  # character offsets of each token within ``text``
    content: dict[int, str]  # token index -> content lemma
    names: dict[int, str]  # token index -> proper-name lemma (not weekdays or months)
    negations: list[tuple[int, int]]  # (marker token, scope token)
    quants: list[Quant] = field(default_factory=list)
    dates: list[DateExpr] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    mode: str = "present"  # past | present | future | hedged
    attributed: bool = False
    speaker: str = ""
    disputed: bool = False
    polar_prep: bool = False
    update_words: bool = False
    predicate: bool = True  # has a verb or a predicative adjective (not a fragment)
    other_instance: bool = False  # "a second convoy", "another strike": a different event

    def content_set(self, mask: set[int] | frozenset[int] = frozenset()) -> set[str]:
        return {lemma for i, lemma in self.content.items() if i not in mask}


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired: its name, how sure it is, and what it compared."""

    rule: str
    score: float
    detail: str


def _lemma(tok: Token) -> str:
    return (tok.lemma_ or tok.text).lower()


def _np_key(tok: Token, actor_of: dict[int, str] | None) -> str:
    """A comparable key for the noun phrase headed by ``tok`` (an actor id when known)."""
    if actor_of is not None:
        for t in [tok, *[c for c in tok.children if c.dep_ in ("compound", "amod", "poss")]]:
            if t.i in actor_of:
                return "actor:" + actor_of[t.i]
    if tok.lower_ in _PRONOUNS or tok.pos_ == "PRON":
        return ""
    mods = sorted(
        _lemma(c)
        for c in tok.children
        if c.dep_ in ("compound", "amod", "poss", "nmod") and c.pos_ != "PRON"
    )
    return " ".join([*mods, "|" + _lemma(tok)])


def keys_match(a: str, b: str) -> bool:
    """Noun-phrase keys name the same thing: same head, and one's modifiers within the other's."""
    if not a or not b:
        return False
    if a.startswith("actor:") or b.startswith("actor:"):
        return a == b
    ma, _, ha = a.rpartition("|")
    mb, _, hb = b.rpartition("|")
    if ha != hb:
        return False
    sa, sb = set(ma.split()), set(mb.split())
    return sa <= sb or sb <= sa


#: Words that end a description's head phrase ("the Ministry of Returns", "aid workers in
#: Tarsk") and words that are no part of its key ("the", "its", "the city's").
_DESCRIPTION_END = re.compile(r"\s(?:of|in|from|at|for|on|with|who|which|that)\s|,|\(")
_DESCRIPTION_SKIP = frozenset(("the", "a", "an", "its", "their", "his", "her", "our", "this"))


def description_key(name: str) -> str:
    """A ``keys_match`` key for a source known only by a description ("the city's deputy
    mayor" -> ``"deputy |mayor"``, "the Ministry of Returns" -> ``"|ministry"``): the words
    before its first preposition or comma, less articles and possessives, lower case, the
    last of them the head with a plural's "s" dropped; "" when no word is left."""
    words = [
        w
        for w in _DESCRIPTION_END.split(name.casefold(), maxsplit=1)[0].split()
        if w not in _DESCRIPTION_SKIP and not w.endswith(("'s", "’s", "'", "’"))
    ]
    words = [w.strip(".\"“”'‘’") for w in words]
    words = [w for w in words if any(ch.isalpha() for ch in w)]
    if not words:
        return ""
    head = words[-1]
    if head.endswith("ies") and len(head) > 4:
        head = head[:-3] + "y"
    elif head.endswith("s") and not head.endswith(("ss", "us", "is")) and len(head) > 3:
        head = head[:-1]
    return " ".join([*sorted(words[:-1]), "|" + head])


def same_speaker(a: str, b: str) -> bool:
    """Two attributions name the same source (same actor, or same head noun); unknown: no."""
    if not a or not b:
        return False
    if a.startswith("actor:") or b.startswith("actor:"):
        return a == b
    return a.rpartition("|")[2] == b.rpartition("|")[2]


def _subject(verb: Token) -> tuple[Token | None, bool]:
    """The subject of ``verb`` (walking up xcomp/conj chains) and whether it is passive."""
    tok: Token | None = verb
    for _ in range(3):
        if tok is None:
            break
        for c in tok.children:
            if c.dep_ in ("nsubj", "csubj"):
                return c, False
            if c.dep_ == "nsubjpass":
                return c, True
        tok = tok.head if tok.dep_ in ("xcomp", "conj", "acl", "advcl") else None
    return None, False


def _phrasal(verb: Token) -> tuple[Token, str] | None:
    """A phrasal verb the rules read as one verb (the ``paraphrases`` table): its particle
    and the verb it means ("had come | back": "return"); None for any other token."""
    if verb.pos_ != "VERB":
        return None
    phrasal = lexicon()["phrasal"]
    for c in verb.rights:
        meaning = phrasal.get(f"{_lemma(verb)} {c.lower_}")
        if c.dep_ in ("prt", "advmod") and meaning is not None:
            return c, str(meaning)
    return None


def _verb_lemma(tok: Token) -> str:
    """``tok``'s lemma, a phrasal verb's as the one verb it means ("come back": "return")."""
    found = _phrasal(tok)
    return found[1] if found is not None else _lemma(tok)


def _anchor(tok: Token) -> str:
    """The verb an expression belongs to (the subject's head noun when the verb is "be")."""
    cur = tok
    for _ in range(6):
        if cur.pos_ in ("VERB",) or cur.dep_ == "ROOT":
            break
        if cur.head.i == cur.i:
            break
        cur = cur.head
    if cur.pos_ == "AUX" or _lemma(cur) == "be":
        subj = next((c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        lemma = _lemma(subj) if subj is not None else "be"
    else:
        lemma = _verb_lemma(cur)
    return str(lexicon()["anchor_class"].get(lemma, lemma))


def _mode(span: SpacySpan, lex: dict[str, Any]) -> str:
    root = span.root
    verbs = [root, *[c for c in root.children if c.dep_ in ("ccomp", "xcomp")]]
    for v in verbs:
        for c in v.children:
            if c.dep_ in ("aux", "auxpass"):
                low = c.lower_
                if low in lex["future"] or (low == "going" and v.tag_ == "VB"):
                    return "future"
                if low in lex["hedge"]:
                    return "hedged"
    tags = {v.tag_ for v in verbs} | {
        c.tag_ for v in verbs for c in v.children if c.dep_ in ("aux", "auxpass")
    }
    if tags & {"VBD", "VBN"}:
        return "past"
    return "present"


def _counted_unit(ent: SpacySpan, parsed: quantities.Parsed) -> tuple[str, Token]:
    """What a quantity counts: the noun after a cardinal ("14 people"), the noun of a
    partitive ("four of its staff"), else its unit. The total inside a partitive ("six"
    in "four of the six hospitals") counts ``of:hospital``: it is not the four."""
    last = ent[-1]
    if ent.label_ == "PERCENT":
        return "%", last
    if ent.label_ == "MONEY":
        return "money:" + (parsed.unit or "?"), last
    if ent.label_ == "QUANTITY":
        return "measure:" + (parsed.unit or "?"), last
    head = last.head
    if head.pos_ in ("NOUN", "PROPN") and head.i > last.i and head.i - last.i <= 3:
        of = head.head if head.dep_ == "pobj" else None
        if of is not None and of.lower_ == "of" and of.head.like_num:
            return "of:" + _lemma(head), head
        return _lemma(head), head
    part = partitive_of(last)
    if part is not None:
        return _lemma(part), part
    nxt = last.nbor(1) if last.i + 1 < len(last.doc) else None
    if nxt is not None and nxt.pos_ == "NOUN":
        return _lemma(nxt), nxt
    return "", last


def make_side(span: SpacySpan, actor_of: dict[int, str] | None = None) -> Side:
    """The rules' view of one statement: ``span`` of a spaCy parse (a sentence or a clause).

    ``actor_of`` maps absolute token indices of the doc to actor ids (the ``actors``
    analyzer's mentions), so that the role rule compares actors, not surface strings.
    """
    lex = lexicon()
    base = span.start
    content: dict[int, str] = {}
    names: dict[int, str] = {}
    negations: list[tuple[int, int]] = []
    particles: set[int] = set()  # of the phrasal verbs read as one verb ("come back")
    for tok in span:
        i = tok.i - base
        low = tok.lower_
        lemma = _lemma(tok)
        if tok.i in particles:
            continue
        phrasal = _phrasal(tok)
        if phrasal is not None:
            particle, lemma = phrasal
            particles.add(particle.i)
        is_neg = tok.dep_ == "neg" or low in lex["negators"]
        if is_neg:
            # "a man with no hat", "without power": a negated modifier, not a negated event.
            local = low == "without" or (tok.dep_ == "det" and tok.head.dep_ == "pobj")
            if not local:
                scope = tok.head
                if scope.pos_ == "AUX":  # "is not open": the predicate is what is negated
                    pred = [c for c in scope.children if c.dep_ in ("acomp", "attr", "oprd")]
                    scope = pred[0] if pred else scope
                negations.append((i, scope.i - base if span.start <= scope.i < span.end else i))
            continue
        if lemma in lex["implicative"]:
            xcomp = next((c for c in tok.children if c.dep_ == "xcomp"), None)
            if xcomp is not None:
                negations.append((i, xcomp.i - base))
                continue
        if tok.pos_ in _CONTENT_POS and not tok.is_stop and any(ch.isalpha() for ch in lemma):
            content[i] = lemma
            if tok.pos_ == "PROPN" and lemma not in _WEEKDAYS and lemma not in _MONTHS:
                names[i] = lemma
    side = Side(
        text=span.text,
        lemmas=[_lemma(t) for t in span],
        lowers=[t.lower_ for t in span],
        pos=[t.pos_ for t in span],
        offsets=[(t.idx - span.start_char, t.idx - span.start_char + len(t.text)) for t in span],
        content=content,
        names=names,
        negations=negations,
    )
    side.mode = _mode(span, lex)
    side.other_instance = any(
        t.lower_ in _OTHER_INSTANCE and t.pos_ in ("ADJ", "DET", "NUM") for t in span
    )
    side.predicate = any(
        t.pos_ == "VERB" or (t.pos_ == "ADJ" and t.dep_ in ("acomp", "ROOT")) for t in span
    )
    side.polar_prep = any(t.lower_ in lex["polar_preps"] for t in span)
    side.update_words = bool(_UPDATE.search(span.text))
    _attribution(span, side, lex, actor_of)
    _quantities(span, side)
    _stances(span, side, lex, actor_of)
    return side


def _attribution(
    span: SpacySpan, side: Side, lex: dict[str, Any], actor_of: dict[int, str] | None
) -> None:
    for tok in span:
        lemma = _lemma(tok)
        if tok.pos_ == "VERB" and lemma in lex["cues"] | lex["dispute"]:
            has_clause = any(c.dep_ in ("ccomp", "xcomp", "parataxis") for c in tok.children)
            # "rejected the law" is an act, "rejected the allegations" a dispute.
            disputes_report = any(
                c.dep_ in ("dobj", "obj") and _lemma(c) in lex["report_nouns"] for c in tok.children
            )
            if not (has_clause or disputes_report or tok.dep_ in ("parataxis", "ccomp")):
                continue
            side.attributed = True
            side.disputed = side.disputed or lemma in lex["dispute"]
            subj, _ = _subject(tok)
            if subj is not None and not side.speaker:
                side.speaker = _np_key(subj, actor_of)
        elif tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "to":
            side.attributed = True
            pobj = next((c for c in tok.nbor(1).children if c.dep_ == "pobj"), None)
            if pobj is not None and not side.speaker:
                side.speaker = _np_key(pobj, actor_of)


def _quantities(span: SpacySpan, side: Side) -> None:
    base = span.start
    # The span's own text, never ``doc.text``: spaCy rebuilds that from every token of the
    # article on each access, which made reading all claims cost the square of the length.
    stext, s0 = span.text, span.start_char
    for ent in span_ents(span):
        toks = frozenset(t.i - base for t in ent)
        if ent.label_ in ("DATE", "TIME"):
            low = ent.text.lower()
            weekday = next((n for n, d in enumerate(_WEEKDAYS) if d in low), None)
            iso = quantities.parse_date(ent.text)
            has_calendar = iso is not None and not iso.startswith("P") and "W" not in iso
            if weekday is None and not has_calendar:
                continue
            if re.search(r"\b(?:last|next|this|ago|later|earlier|every|each)\b", low):
                continue
            side.dates.append(
                DateExpr(iso if has_calendar else None, weekday, toks, _anchor(ent.root))
            )
        elif ent.label_ in _QUANTITY_LABELS:
            after = stext[ent.end_char - s0 :]
            if ent.label_ == "CARDINAL" and not quantities.is_amount(ent.text, after):
                continue  # "one of the", a phone number
            # A hedge the entity recogniser left out ("just" 15, "some" 9,000, "or more").
            before, more = quantities.hedge_around(stext[: ent.start_char - s0], after)
            try:
                parsed = quantities.parse_quantity(before + ent.text + more, ent.label_)
            except ValueError:
                continue
            if parsed.value is None:
                continue
            if before or more:
                lo, hi = ent.start_char - len(before), ent.end_char + len(more)
                toks = frozenset(t.i - base for t in span if t.idx < hi and t.idx + len(t) > lo)
            unit, unit_tok = _counted_unit(ent, parsed)
            if not unit:
                continue
            side.quants.append(Quant(parsed, toks, unit, _anchor(unit_tok)))
    _missed_counts(span, side)
    # Years and weekdays the entity recogniser missed ("in 2019", "on Tuesday").
    seen = {i for d in side.dates for i in d.tokens}
    for tok in span:
        i = tok.i - base
        if i in seen:
            continue
        if tok.lower_ in _WEEKDAYS:
            side.dates.append(
                DateExpr(None, _WEEKDAYS.index(tok.lower_), frozenset({i}), _anchor(tok))
            )
        elif re.fullmatch(r"(?:19|20)\d\d", tok.text) and tok.ent_type_ not in _QUANTITY_LABELS:
            side.dates.append(DateExpr(tok.text, None, frozenset({i}), _anchor(tok)))


#: Nouns a number before them measures in time or share, not counts ("three days").
_NOT_COUNTED = {
    "year", "month", "week", "day", "hour", "minute", "second", "decade", "century", "time",
    "percent", "cent", "point", "o'clock",
}  # fmt: skip


def _missed_counts(span: SpacySpan, side: Side) -> None:
    """Counts the small entity model misses or mislabels ("Forty workers" as a DATE,
    "Between 30 and 40 houses" as a DATE): a number that modifies a noun (``nummod``), with
    its hedge and the other end of a range, read as a cardinal."""
    base = span.start
    taken = {i for q in side.quants for i in q.tokens} | {i for d in side.dates for i in d.tokens}
    text, s0 = span.text, span.start_char  # span-relative: see _quantities
    for tok in span:
        if tok.i - base in taken or tok.dep_ != "nummod" or not tok.like_num:
            continue
        head = tok.head
        if head.pos_ != "NOUN" or _lemma(head) in _NOT_COUNTED or head.i < tok.i:
            continue
        parts = [tok, *[c for c in tok.subtree if c.i < head.i and c.i >= span.start]]
        lo = min(t.idx for t in parts) - s0
        hi = max(t.idx + len(t) for t in parts) - s0
        before, more = quantities.hedge_around(text[:lo], text[hi:])
        lo, hi = lo - len(before), hi + len(more)
        if not quantities.is_amount(text[lo:hi], text[hi:]):
            continue
        parsed = quantities.parse_quantity(text[lo:hi], "CARDINAL")
        if parsed.value is None:
            continue
        toks = frozenset(t.i - base for t in span if t.idx - s0 < hi and t.idx - s0 + len(t) > lo)
        if toks & taken:
            continue
        taken |= toks
        side.quants.append(Quant(parsed, toks, _lemma(head), _anchor(head)))


def np_key(tok: Token, actor_of: dict[int, str] | None) -> str:
    """A comparable key for the noun phrase headed by ``tok`` (see ``same_speaker``)."""
    return _np_key(tok, actor_of)


def subject_of(verb: Token) -> tuple[Token | None, bool]:
    """The subject of ``verb`` (up xcomp/conj chains) and whether the verb is passive."""
    return _subject(verb)


def _stances(
    span: SpacySpan, side: Side, lex: dict[str, Any], actor_of: dict[int, str] | None
) -> None:
    base = span.start
    for tok in span:
        lemma = _lemma(tok)
        pol = lex["polarity"].get(lemma)
        if pol is None:
            continue
        negated = any(c.dep_ == "neg" for c in tok.children)
        subj_tok: Token | None = None
        obj_tok: Token | None = None
        if tok.pos_ == "VERB":
            subj_tok, passive = _subject(tok)
            preps = [c for c in tok.children if c.dep_ in ("prep", "agent")]
            obj_tok = next((c for c in tok.children if c.dep_ in ("dobj", "obj")), None)
            if obj_tok is None:
                for p in preps:
                    if p.lower_ in lex["object_preps"]:
                        obj_tok = next((c for c in p.children if c.dep_ == "pobj"), None)
                        if obj_tok is not None:
                            break
            without_with = not any(p.lower_ == "with" for p in preps)
            if lemma in lex["needs_with"] and without_with and (lemma == "work" or obj_tok is None):
                continue
            if passive:
                agent = next((c for c in tok.children if c.dep_ == "agent"), None)
                by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
                subj_tok, obj_tok = by, subj_tok
        elif tok.pos_ == "NOUN" and lemma in lex["stance_nouns"]:
            head = tok.head
            if tok.dep_ == "attr" and _lemma(head) == "be":
                subj_tok = next((c for c in head.children if c.dep_ == "nsubj"), None)
                negated = negated or any(c.dep_ == "neg" for c in head.children)
            for p in tok.children:
                if p.dep_ == "prep" and p.lower_ in ("of", "to"):
                    obj_tok = next((c for c in p.children if c.dep_ == "pobj"), None)
        if negated or subj_tok is None or obj_tok is None:
            continue
        subj, obj = _np_key(subj_tok, actor_of), _np_key(obj_tok, actor_of)
        if subj and obj:
            side.stances.append(Stance(lemma, pol, subj, obj, tok.i - base))


# ---- comparing two statements -------------------------------------------------------------


def _names_conflict(
    p: Side,
    h: Side,
    mask_p: set[int] | frozenset[int] = frozenset(),
    mask_h: set[int] | frozenset[int] = frozenset(),
) -> bool:
    np_ = {n for i, n in p.names.items() if i not in mask_p}
    nh = {n for i, n in h.names.items() if i not in mask_h}
    return bool(np_ - nh) and bool(nh - np_)


def same_event(
    p: Side, h: Side, mask_p: set[int] | frozenset[int], mask_h: set[int] | frozenset[int]
) -> bool:
    """Whether two statements say the same thing apart from the masked tokens.

    The shorter side's content words must all appear on the longer side (one may be
    missing when the shorter has five or more), no proper name may stand against
    another ("killed 14 in the Kestrel Valley" vs "killed 30 in the Amsel valley"), and
    one side may not mark another instance ("a second convoy", "another strike").
    """
    if p.other_instance != h.other_instance:
        return False  # "the convoy" vs "a second convoy"
    cp, ch = p.content_set(mask_p), h.content_set(mask_h)
    small, large = (cp, ch) if len(cp) <= len(ch) else (ch, cp)
    if len(small) < 2:
        return False
    allowed = 1 if len(small) >= 5 else 0
    if len(small - large) > allowed:
        return False
    return not _names_conflict(p, h, mask_p, mask_h)


def _date_conflict(a: DateExpr, b: DateExpr) -> bool:
    if a.weekday is not None and b.weekday is not None and a.weekday != b.weekday:
        return True
    if a.iso and b.iso:
        return bool(
            quantities.conflict(
                quantities.Parsed("date", normalized=a.iso),
                quantities.Parsed("date", normalized=b.iso),
            )
        )
    return False


def _same_date(a: DateExpr, b: DateExpr) -> bool:
    """Both name one day: the same weekday, or the same calendar date."""
    if a.weekday is not None and a.weekday == b.weekday:
        return True
    return bool(a.iso and a.iso == b.iso)


def _dates_disagree(p: Side, h: Side) -> bool:
    return any(_date_conflict(a, b) for a in p.dates for b in h.dates)


def rule_numbers(p: Side, h: Side) -> RuleHit | None:
    if p.update_words or h.update_words:
        return None
    for qp in p.quants:
        for qh in h.quants:
            if qp.unit != qh.unit or qp.anchor != qh.anchor:
                continue
            if not quantities.conflict(qp.parsed, qh.parsed):
                continue
            # The other side states this very value for the same thing: no conflict.
            if any(
                q.unit == qp.unit
                and q.anchor == qp.anchor
                and quantities.conflict(q.parsed, qp.parsed) is False
                for q in h.quants
            ):
                continue
            mask_p = {i for q in p.quants for i in q.tokens}
            mask_h = {i for q in h.quants for i in q.tokens}
            if same_event(p, h, mask_p, mask_h) and not _dates_disagree(p, h):
                a = qp.parsed.normalized or qp.parsed.value
                b = qh.parsed.normalized or qh.parsed.value
                return RuleHit("numbers", RULE_SCORES["numbers"], f"{a} vs {b} ({qp.unit})")
    return None


def rule_dates(p: Side, h: Side) -> RuleHit | None:
    for dp in p.dates:
        for dh in h.dates:
            if dp.anchor != dh.anchor or not _date_conflict(dp, dh):
                continue
            # Either side also gives the other's date ("on Friday, and two more on
            # Monday"): it adds a date, it does not contradict one.
            if any(d.anchor == dp.anchor and _same_date(d, dp) for d in h.dates) or any(
                d.anchor == dh.anchor and _same_date(d, dh) for d in p.dates
            ):
                continue
            mask_p = {i for d in p.dates for i in d.tokens}
            mask_h = {i for d in h.dates for i in d.tokens}
            if same_event(p, h, mask_p, mask_h):
                return RuleHit(
                    "dates",
                    RULE_SCORES["dates"],
                    f"{_date_text(p, dp)} vs {_date_text(h, dh)}",
                )
    return None


def _date_text(side: Side, d: DateExpr) -> str:
    return " ".join(side.lowers[i] for i in sorted(d.tokens))


def _un_negations(p: Side, h: Side) -> tuple[set[int], set[int]]:
    """Tokens like "unchanged" whose stem the other side uses ("changed"): a negation each."""
    hp: set[int] = set()
    hh: set[int] = set()
    for src, other, out in ((p, h, hp), (h, p, hh)):
        others = set(other.content.values())
        for i, lemma in src.content.items():
            if lemma.startswith("un") and len(lemma) >= 6 and lemma[2:] in others:
                out.add(i)
    return hp, hh


def rule_negation(p: Side, h: Side) -> RuleHit | None:
    if p.polar_prep or h.polar_prep or p.mode != h.mode:
        return None
    un_p, un_h = _un_negations(p, h)
    np_, nh = len(p.negations) + len(un_p), len(h.negations) + len(un_h)
    if np_ % 2 == nh % 2:
        return None
    neg_side, other = (p, h) if np_ % 2 else (h, p)
    if not (p.predicate and h.predicate) or len(p.content) < 2 or len(h.content) < 2:
        return None  # fragments ("Not of the nation itself.") state no event to negate
    # "not taken into custody because of the policy", "not only", "not all": the negation
    # may deny the reason or the quantifier, not the event.
    if _SCOPE_AMBIGUOUS & set(neg_side.lemmas):
        return None
    un_neg = un_p if neg_side is p else un_h
    other_content = set(other.content.values())
    scoped = [neg_side.lemmas[s] for _, s in neg_side.negations] + [
        neg_side.content[i][2:] for i in un_neg
    ]
    # The negated word must be a content word the other side asserts.
    if not any(s in other_content for s in scoped):
        return None
    mask_p = {m for m, _ in p.negations} | un_p
    mask_h = {m for m, _ in h.negations} | un_h
    # "unchanged" stands for "not changed": compare it as "changed".
    cp = dict(p.content)
    for i in un_p:
        cp[i] = cp[i][2:]
    ch = dict(h.content)
    for i in un_h:
        ch[i] = ch[i][2:]
    pp = Side(**{**p.__dict__, "content": cp})
    hh = Side(**{**h.__dict__, "content": ch})
    if not same_event(pp, hh, mask_p - un_p, mask_h - un_h) or _dates_disagree(p, h):
        return None
    return RuleHit("negation", RULE_SCORES["negation"], "negated on one side only")


def rule_antonym(p: Side, h: Side) -> RuleHit | None:
    if p.mode != h.mode:
        return None
    antonyms = lexicon()["antonyms"]
    cp, ch = set(p.content.values()), set(h.content.values())
    for i, a in p.content.items():
        if a not in antonyms or a in ch:
            continue
        for j, b in h.content.items():
            if b not in antonyms[a] or b in cp:
                continue
            # Opposite words under opposite negation agree ("did not rise" / "fell").
            if len(p.negations) % 2 != len(h.negations) % 2:
                return None
            if same_event(p, h, {i}, {j}) and not _dates_disagree(p, h):
                return RuleHit("antonym", RULE_SCORES["antonym"], f"{a} vs {b}")
    return None


def rule_role_reversal(p: Side, h: Side) -> RuleHit | None:
    if p.mode != h.mode or _dates_disagree(p, h):
        return None
    for sp in p.stances:
        for sh in h.stances:
            if sp.polarity == sh.polarity:
                continue
            if keys_match(sp.subj, sh.subj) and keys_match(sp.obj, sh.obj):
                return RuleHit(
                    "role-reversal",
                    RULE_SCORES["role-reversal"],
                    f"{sp.lemma} vs {sh.lemma}",
                )
    return None


_RULE_FUNCS = (
    ("numbers", rule_numbers),
    ("dates", rule_dates),
    ("role-reversal", rule_role_reversal),
    ("antonym", rule_antonym),
    ("negation", rule_negation),
)


def check_rules(p: Side, h: Side, *, strict_attribution: bool = False) -> RuleHit | None:
    """The first contradiction rule that fires on ``p`` vs ``h``, else ``None``.

    A disputed attribution on either side ("the ministry denied that...") silences every
    rule. With ``strict_attribution`` (statements of one article), statements attributed
    to different (or unknown) speakers never contradict each other — they report a
    disagreement — and a negation does not fire between an attributed and an
    unattributed statement.
    """
    if p.disputed or h.disputed:
        return None
    both = strict_attribution and p.attributed and h.attributed
    if both and not same_speaker(p.speaker, h.speaker):
        return None
    for name, fn in _RULE_FUNCS:
        if name == "negation" and strict_attribution and p.attributed != h.attributed:
            continue
        hit = fn(p, h)
        if hit is not None:
            return hit
    return None


def rule_flags(p: Side, h: Side) -> dict[str, float]:
    """Which rules fire (1.0/0.0), for the NLI model's features; plus a few lexical cues."""
    flags = {name: float(fn(p, h) is not None) for name, fn in _RULE_FUNCS}
    lex = lexicon()
    antonyms = lex["antonyms"]
    cp, ch = set(p.content.values()), set(h.content.values())
    flags["antonym_any"] = float(any(b in cp for a in ch for b in antonyms.get(a, ())))
    flags["names_conflict"] = float(_names_conflict(p, h))
    flags["dates_disagree"] = float(_dates_disagree(p, h))
    flags["disputed"] = float(p.disputed or h.disputed)
    return flags
