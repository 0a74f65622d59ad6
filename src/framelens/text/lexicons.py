"""Word lists as data: ``resources/lexicons/<name>.toml``, each read once, user words added.

A lexicon file holds named word lists. A list is a TOML string of words separated by white
space, or an array of entries (an entry may hold a space: "prime minister"); lists may sit
in tables, and are then named by their dotted path ("cues.speech" in ``cue_verbs.toml``).
Each file's header says what its lists are for and which module reads them.

Users add words the way they extend the gazetteer and the label lexicon: the ``lexicons``
setting names a TOML file with one table per lexicon file, holding the lists to extend::

    [honorifics]
    person_markers = "comrade"

    [cue_verbs.cues]
    speech = "grouse"

A user's words are added after the bundled ones (a list keeps its order). A file whose
readers take no settings (the story grouping, the search, the contradiction rules) says
``user_extensible = false`` and cannot be extended; naming it is an error.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Errors

#: The lexicon files this loader reads (``resources/lexicons/<name>.toml``).
LEXICONS = (
    "calendar",
    "cue_verbs",
    "first_names",
    "honorifics",
    "languages",
    "role_nouns",
    "stop_words",
)

WordLists = dict[str, tuple[str, ...]]


def _flatten(data: dict[str, Any], source: str, prefix: str = "") -> WordLists:
    out: WordLists = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, source, name + "."))
        elif isinstance(value, str):
            out[name] = tuple(value.split())
        elif isinstance(value, list) and all(isinstance(x, str) for x in value):
            out[name] = tuple(" ".join(x.split()) for x in value)
        elif not isinstance(value, bool):  # ``user_extensible``
            raise _bad(source, f"has {name!r}, which is not a word list")
    return out


def _bad(source: str, why: str) -> ConfigError:
    return Errors.E200(
        f"lexicon file {source!r} {why}",
        fix="a lexicon file holds tables named after the files of resources/lexicons/ "
        "(honorifics, role_nouns, cue_verbs), each with word lists: a string of words or "
        'an array of strings, e.g. [honorifics] person_markers = "comrade"',
        value=source,
    )


@functools.cache
def _bundled(name: str) -> tuple[WordLists, bool]:
    """The lists of one bundled file, and whether users may extend them."""
    if name not in LEXICONS:
        raise KeyError(name)
    path = resources.files("framelens.resources").joinpath(f"lexicons/{name}.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise Errors.E300(name=f"lexicons/{name}.toml", why=str(exc), value=str(path)) from exc
    return _flatten(data, f"{name}.toml"), bool(data.get("user_extensible", True))


@functools.cache
def _user(user_file: str) -> dict[str, WordLists]:
    """The user's extra words, by lexicon file; checked against the bundled lists."""
    path = Path(user_file)
    if not path.is_file():
        raise _bad(user_file, "does not exist")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _bad(user_file, f"is not valid TOML ({exc})") from None
    out: dict[str, WordLists] = {}
    for name, table in data.items():
        if name not in LEXICONS or not isinstance(table, dict):
            raise _bad(user_file, f"has [{name}], which is not a lexicon of {list(LEXICONS)}")
        bundled, extensible = _bundled(name)
        if not extensible:
            raise _bad(user_file, f"extends [{name}], whose lists cannot be extended")
        lists = _flatten(table, user_file)
        unknown = sorted(set(lists) - set(bundled))
        if unknown:
            raise _bad(user_file, f"has lists {unknown} that [{name}] does not have")
        out[name] = lists
    return out


@functools.cache
def word_list(name: str, key: str, user_file: str = "") -> tuple[str, ...]:
    """List ``key`` of ``resources/lexicons/<name>.toml``, in file order, with the words of
    ``user_file`` (the ``lexicons`` setting) added after the bundled ones."""
    words = _bundled(name)[0][key]
    if user_file:
        extra = _user(user_file).get(name, {}).get(key, ())
        words = tuple(dict.fromkeys((*words, *extra)))
    return words


def word_set(name: str, key: str, user_file: str = "") -> frozenset[str]:
    """``word_list`` as a set, for membership tests."""
    return _as_set(word_list(name, key, user_file))


@functools.cache
def _as_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(words)


def bundled_lists(name: str) -> WordLists:
    """Every list of one bundled file (for tests and documentation)."""
    return dict(_bundled(name)[0])
