"""A small, deterministic language check.

framelens's models are English; the question here is only "is this English,
and if not, what is it likely to be" so the user gets a useful message. Two
signals: the script of the letters (Cyrillic, Arabic, CJK... are not English),
then for Latin script the share of tokens that are frequent function words of
each candidate language. Lists are the most frequent closed-class words of
each language, written for this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        (
            "the of and to in a is that for it as was with be by on not he i this are or his from "
            "at which but have an they you were her she there been has their we its who will "
            "would had said after also about than more when into"
        ).split()
    ),
    "de": frozenset(
        (
            "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als "
            "auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem "
            "über einen so zum war haben nur oder aber vor zur bis"
        ).split()
    ),
    "fr": frozenset(
        (
            "le la les de des et un une du en est que qui dans pour pas sur au il elle ne se ce "
            "avec par plus sont ont mais aux son sa ses cette été leur nous vous ils"
        ).split()
    ),
    "es": frozenset(
        (
            "el la los las de del y en que un una es por con para se no al lo como más pero sus "
            "su le ya o fue este ha sí porque esta son entre cuando muy sin sobre también"
        ).split()
    ),
    "it": frozenset(
        (
            "il lo la i gli le di del della e è in che un una per con non si da al alla sono come "
            "ma anche più nel nella questo ha dei delle"
        ).split()
    ),
    "pt": frozenset(
        (
            "o a os as de do da dos das e em um uma que é para com não por se no na mais como mas "
            "foi ao ele ela seu sua ou são também pelo pela"
        ).split()
    ),
    "nl": frozenset(
        (
            "de het een en van in is dat op te zijn met voor niet aan er om ook als dan maar bij "
            "of uit nog wel naar door over deze tot hij zij wordt"
        ).split()
    ),
    "sv": frozenset(
        (
            "och i att det som en på är av för med till den har de inte om ett han men var jag "
            "sig från vi så kan man när år säger hon"
        ).split()
    ),
    "pl": frozenset(
        (
            "i w na z się nie do to że jest o jak ale po co tak za od przez być dla już czy jego "
            "jej ich tym oraz który która"
        ).split()
    ),
    "tr": frozenset(
        (
            "ve bir bu da de için ile olarak çok daha ama gibi en ne o kadar sonra olan var değil "
            "diye ise"
        ).split()
    ),
}

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _script(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "other"
    for script in (
        "LATIN",
        "CYRILLIC",
        "ARABIC",
        "HEBREW",
        "GREEK",
        "CJK",
        "HIRAGANA",
        "KATAKANA",
        "HANGUL",
        "DEVANAGARI",
        "THAI",
    ):
        if name.startswith(script) or f" {script} " in f" {name} ":
            return script.lower()
    return "other"


def detect_language(text: str, sample: int = 20_000) -> tuple[str, float]:
    """``(code, confidence)``: an ISO 639-1 code, or a script name when not Latin."""
    text = text[:sample]
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "unknown", 0.0
    scripts = Counter(_script(ch) for ch in letters[:5000])
    script, count = scripts.most_common(1)[0]
    if script != "latin":
        return script, count / sum(scripts.values())
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return "unknown", 0.0
    scores = {
        lang: sum(1 for w in words if w in vocab) / len(words)
        for lang, vocab in FUNCTION_WORDS.items()
    }
    best = max(scores, key=lambda k: scores[k])
    ranked = sorted(scores.values(), reverse=True)
    # Confidence: the winner's share of function words over the runner-up's.
    margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)
    confidence = min(1.0, margin * 5 + (0.5 if ranked[0] > 0.15 else 0.0))
    if ranked[0] < 0.05:
        return "unknown", confidence
    return best, confidence


def is_english(text: str) -> tuple[bool, str]:
    """Whether ``text`` reads as English, and the detected language code."""
    lang, _ = detect_language(text)
    return lang == "en", lang
