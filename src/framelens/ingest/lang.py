"""A small, deterministic language check.

framelens's models are English; the question here is only "is this English,
and if not, what is it likely to be" so the user gets a useful message. Two
signals: the script of the letters (Cyrillic, Arabic, CJK... are not English),
then for Latin script the share of tokens that are frequent function words of
each candidate language. Lists are the most frequent closed-class words of
each language, written for this module (``resources/lexicons/languages.toml``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ..text.lexicons import bundled_lists, word_set

#: The most frequent closed-class words of each candidate language, by language code
#: (``resources/lexicons/languages.toml``).
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    key.split(".", 1)[1]: word_set("languages", key)
    for key in bundled_lists("languages")
    if key.startswith("function_words.")
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
