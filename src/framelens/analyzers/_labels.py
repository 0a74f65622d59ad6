"""The label lexicon (``resources/lexicons/labels.toml``), loaded once, user terms merged over.

See labels.toml for the classes, the roles and the symmetry rule. ``LabelLexicon.term`` looks
up a lemma or a lemma sequence ("death squad"); ``hyphenated`` classifies a hyphenated
descriptor ("pseudo-left", "so-called", "Iranian-backed") by the whole word, then its
suffix, then its prefix.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError

CLASSES = ("delegitimizing", "legitimizing", "neutral")
ROLES = ("metonym", "group", "title", "term")  # priority when a lemma has several roles
_SECTIONS = (*ROLES, "prefix", "suffix")


@dataclass(frozen=True)
class Term:
    lemma: str
    cls: str
    role: str


@dataclass
class LabelLexicon:
    terms: dict[str, Term] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)
    suffixes: dict[str, str] = field(default_factory=dict)
    pairs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    max_words: int = 1
    #: last word of every term: a token that is none of these cannot end a term
    last_words: frozenset[str] = frozenset()

    def term(self, lemma: str) -> Term | None:
        return self.terms.get(lemma)

    def role_of(self, lemma: str) -> str | None:
        t = self.terms.get(lemma)
        return t.role if t else None

    def hyphenated(self, word: str) -> tuple[str, str] | None:
        """(class, how) of a hyphenated descriptor; how is "term", "suffix" or "prefix"."""
        low = word.lower()
        t = self.terms.get(low)
        if t is not None:
            return t.cls, "term"
        parts = [p for p in low.split("-") if p]
        if len(parts) < 2:
            return None
        if parts[-1] in self.suffixes:
            return self.suffixes[parts[-1]], "suffix"
        if parts[0] in self.prefixes:
            return self.prefixes[parts[0]], "prefix"
        return None


def _parse(data: dict[str, Any], source: str) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for cls in CLASSES:
        table = data.get(cls, {})
        if not isinstance(table, dict):
            raise _bad(source, f"[{cls}] is not a table")
        unknown = set(table) - set(_SECTIONS)
        if unknown:
            raise _bad(source, f"[{cls}] has unknown keys {sorted(unknown)}")
        out[cls] = {k: [str(w).lower() for w in table.get(k, [])] for k in _SECTIONS}
    extra = set(data) - {*CLASSES, "pairs", "version"}
    if extra:
        raise _bad(source, f"has unknown tables {sorted(extra)}")
    return out


def _bad(source: str, why: str) -> ConfigError:
    return ConfigError(
        f"label lexicon {source!r} {why}",
        fix="use the shape of resources/lexicons/labels.toml: [delegitimizing], "
        "[legitimizing], [neutral] tables with metonym/group/title/term/prefix/suffix lists",
        value=source,
    )


def _build(tables: list[dict[str, dict[str, list[str]]]], pairs: dict[str, Any]) -> LabelLexicon:
    lex = LabelLexicon()
    for table in tables:  # later tables (the user's) override earlier ones
        for cls, sections in table.items():
            for role in reversed(ROLES):  # higher-priority roles are written last and win
                for lemma in sections[role]:
                    lex.terms[lemma] = Term(lemma, cls, role)
            for word in sections["prefix"]:
                lex.prefixes[word] = cls
            for word in sections["suffix"]:
                lex.suffixes[word] = cls
    lex.max_words = max((len(k.split()) for k in lex.terms), default=1)
    lex.last_words = frozenset(k.split()[-1] for k in lex.terms)
    lex.pairs = {c: [(str(p[0]), str(p[1])) for p in pairs.get(c, [])] for c in CLASSES}
    return lex


@functools.lru_cache(maxsize=4)
def load_label_lexicon(user_file: str = "") -> LabelLexicon:
    """The bundled label lexicon, with ``user_file`` (the ``label_lexicon`` setting) over it."""
    raw = resources.files("framelens.resources").joinpath("lexicons/labels.toml")
    data = tomllib.loads(raw.read_text(encoding="utf-8"))
    tables = [_parse(data, "labels.toml")]
    if user_file:
        path = Path(user_file)
        if not path.is_file():
            raise _bad(user_file, "does not exist")
        try:
            user = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise _bad(user_file, f"is not valid TOML ({exc})") from None
        tables.append(_parse(user, user_file))
    return _build(tables, data.get("pairs", {}))
