"""Quotes' screen: which of the rules' indirect reports a writer attributes (PolNeAR's notion).

The clause rules make a report of every cue verb with a subject and a complement, wherever
it stands. On PolNeAR dev, 285 of the rules' 1,108 indirect reports with a verb for cue
(26 %) have a cue no annotator marked, against 4 % of direct quotes. Most sit inside
something else: a report within another report's content ("Ostrow said the union
*thinks* the strike is illegal", "officials said they *plan* to reopen the bridge": the
annotators mark the outer report, whose content already holds the inner one), in a
relative clause ("Ostrow, who *says* she wants lower taxes, won"), or under another verb.

The screen reads each indirect report the rules made with a verb for cue, with the
indicators of the learned pass (``_quote_acts.features``: the cue's lemma, tag,
dependency and children, what it hangs from, its subject's kind, the content's first word
and length, whether it lies inside another report's content; names read as their type,
never their word) plus the rule that made it (its fixed confidence), and keeps it when a
logistic regression trained on PolNeAR train (``scripts/train_attribution.py``,
``resources/attribution/screen.json``) gives it at least the model's threshold. On dev it
drops 209 of the 1,108, 178 of them with no gold cue; 181 of the 209 lie inside another
report's content. By the cue's dependency: 84 complement clauses of another verb, 31
relative clauses, 25 open clauses ("refused to discuss"), 22 adverbial clauses, 10 a
sentence's main verb.

Never screened: direct and mixed quotes (a quotation stays a record whatever its
attribution; dropping a mixed quote would drop its quotation), a report whose cue is not a
verb (a transcript's ``HOST:`` label), and a report passed on by a middleman ("The Courier
cited Y, who said ...": Y's words, though they sit inside the Courier's report).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from ._quote_acts import ActModel, Candidate, features, lexicon_class, read_model
from ._quote_syntax import Found, Lexicon, cue_lemma

if TYPE_CHECKING:
    from spacy.tokens import Token

MODEL_FILE = "attribution/screen.json"
#: the kinds the screen reads; a quotation is never dropped
SCREENED = frozenset(("indirect",))


def report_features(
    found: Found,
    cue: Token,
    lex: Lexicon,
    actor_type: Callable[[Token], str],
    *,
    under_cue: bool,
    in_report: bool,
) -> list[str]:
    """The sparse indicators of one of the rules' reports: the learned pass's, plus the
    kind and the rule that made it (its confidence)."""
    cand = Candidate(cue, found.content, found.subject, lexicon_class(cue_lemma(cue), lex))
    out = features(cand, actor_type, in_report=in_report, under_cue=under_cue)
    lemma = next(f for f in out if f.startswith("lemma=")).removeprefix("lemma=")
    subj = next((f for f in out if f.startswith("subj_pos=") or f == "subj=none"), "")
    out += [
        f"kind={found.kind}",
        f"rule={found.confidence:.2f}",
        f"kind|lemma={found.kind}|{lemma}",
        f"kind|subj={found.kind}|{subj}",
    ]
    return out


@functools.lru_cache(maxsize=1)
def load_screen() -> ActModel:
    return read_model(MODEL_FILE, "attribution screen")
