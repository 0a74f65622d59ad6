"""The actor gazetteer: states, organisations and blocs with their aliases, loaded once.

``resources/gazetteer/gazetteer.json`` is built by ``scripts/build_gazetteer.py`` from
pycountry and the team's documented list (``resources/gazetteer/team.toml``). A user TOML
named by the ``gazetteer`` setting is merged over it (same shape as team.toml's ``[actors]``,
``[distinct]`` and ``[ambiguous]`` tables).

Every surface form maps to one actor and a *kind*: ``name`` (a name, alias or metonym:
"United States", "US", "the Kremlin"), ``demonym`` ("American"), ``people`` ("Americans",
the people, which the actors analyzer keeps apart from the state), ``capital``
("Washington") or ``distinct`` (a longer name that is something else: "Washington Post").
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError

ACTOR_TYPES = ("person", "organisation", "state", "group", "place", "other")
_KIND_RANK = {"name": 0, "capital": 1, "demonym": 2, "people": 3}
_FIELDS = {"name", "type", "aliases", "demonyms", "capitals", "metonyms", "people", "iso"}
_WORD = re.compile(r"\w+")


def slugify(name: str) -> str:
    """Stable id of a name: ASCII, lowercase, hyphen-separated ("Médecins" -> "medecins")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "actor"


_NO_PLURAL = {"Lao", "Basotho", "Malagasy", "Ni-Vanuatu", "I-Kiribati", "Kyrgyz", "Western"}


def people_forms(demonym: str) -> list[str]:
    """The plural noun for a people ("Iranian" -> "Iranians"); none for "British", "Chinese"."""
    if demonym == "Czech":
        return ["Czechs"]
    if demonym.endswith(("ese", "ish", "ss", "ch")) or demonym in _NO_PLURAL:
        return []
    return [demonym + "s"]


@dataclass(frozen=True)
class Entry:
    id: str
    name: str
    type: str


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    #: surface -> (actor id, kind); a distinct name maps to ("", "distinct").
    surfaces: dict[str, tuple[str, str]] = field(default_factory=dict)
    distinct: dict[str, str] = field(default_factory=dict)
    ambiguous: frozenset[str] = frozenset()
    #: leading word of a surface -> surfaces starting with it, longest first.
    by_first: dict[str, list[str]] = field(default_factory=dict)

    def lookup(self, surface: str) -> tuple[str, str] | None:
        return self.surfaces.get(surface)

    def surfaces_of(self, actor_id: str) -> list[str]:
        return [s for s, (a, _) in self.surfaces.items() if a == actor_id]

    def scan(self, text: str, starts: list[int], ends: set[int]) -> list[tuple[int, int, str]]:
        """Longest whole-token matches of every surface, left to right, not overlapping.

        ``starts`` are the token start offsets, ``ends`` the token end offsets: a match must
        begin and end on token boundaries, so "Americans" is not "American" and "USA" is not
        "US", while "Iranian-backed" and "Russia's" still hold "Iranian" and "Russia".
        """
        out: list[tuple[int, int, str]] = []
        reach = -1
        for p in starts:
            if p < reach:
                continue
            m = _WORD.match(text, p)
            if m is None:
                continue
            for surface in self.by_first.get(m.group(), ()):
                end = p + len(surface)
                if end in ends and text.startswith(surface, p):
                    out.append((p, end, surface))
                    reach = end
                    break
        return out

    def _index(self) -> None:
        by_first: dict[str, list[str]] = {}
        for surface in self.surfaces:
            m = _WORD.match(surface)
            if m:
                by_first.setdefault(m.group(), []).append(surface)
        for items in by_first.values():
            items.sort(key=len, reverse=True)
        self.by_first = by_first


def _strip_the(surface: str) -> str:
    return surface[4:] if surface[:4] in ("the ", "The ") and len(surface) > 4 else surface


def _build(data: dict[str, Any]) -> Gazetteer:
    gaz = Gazetteer()
    claims: dict[str, set[tuple[str, str]]] = {}
    for actor_id, spec in data.get("actors", {}).items():
        gaz.entries[actor_id] = Entry(actor_id, spec["name"], spec.get("type", "organisation"))
        forms: list[tuple[str, str]] = [(spec["name"], "name")]
        forms += [(a, "name") for a in spec.get("aliases", [])]
        forms += [(a, "name") for a in spec.get("metonyms", [])]
        forms += [(a, "capital") for a in spec.get("capitals", [])]
        forms += [(a, "demonym") for a in spec.get("demonyms", [])]
        people = spec.get("people")
        if people is None:
            people = [p for d in spec.get("demonyms", []) for p in people_forms(d)]
        forms += [(a, "people") for a in people]
        for surface, kind in forms:
            claims.setdefault(_strip_the(surface), set()).add((actor_id, kind))
    for surface, owners in claims.items():
        ids = {a for a, _ in owners}
        if len(ids) > 1:
            continue  # a surface two actors claim ("Dominican") names neither for sure
        gaz.surfaces[surface] = min(owners, key=lambda o: _KIND_RANK[o[1]])
    for surface, etype in data.get("distinct", {}).items():
        gaz.distinct[surface] = etype
        gaz.surfaces[surface] = ("", "distinct")
    gaz.ambiguous = frozenset(data.get("ambiguous", []))
    gaz._index()
    return gaz


def _merge_user(data: dict[str, Any], path: Path) -> dict[str, Any]:
    def bad(why: str) -> ConfigError:
        return ConfigError(
            f"gazetteer file {str(path)!r} {why}",
            fix="see resources/gazetteer/team.toml for the shape: [actors.<id>] with name, "
            "type, aliases, demonyms, capitals, metonyms; [distinct]; [ambiguous] names",
            value=str(path),
        )

    if not path.is_file():
        raise bad("does not exist")
    try:
        user = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise bad(f"is not valid TOML ({exc})") from None
    unknown = set(user) - {"actors", "distinct", "ambiguous"}
    if unknown:
        raise bad(f"has unknown tables {sorted(unknown)}")
    actors = dict(data.get("actors", {}))
    for key, spec in user.get("actors", {}).items():
        if not isinstance(spec, dict) or set(spec) - _FIELDS:
            raise bad(f"has unknown fields in [actors.{key}]")
        if spec.get("type", "organisation") not in ACTOR_TYPES:
            raise bad(f"gives [actors.{key}] type {spec.get('type')!r}, not one of {ACTOR_TYPES}")
        base = dict(actors.get(key, {}))
        if "name" not in spec and "name" not in base:
            raise bad(f"gives [actors.{key}] no name")
        for list_field in ("aliases", "demonyms", "capitals", "metonyms", "people"):
            if list_field in spec:
                base[list_field] = sorted({*base.get(list_field, []), *spec[list_field]})
        for scalar in ("name", "type"):
            if scalar in spec:
                base[scalar] = spec[scalar]
        base.setdefault("type", "organisation")
        actors[key] = base
    out = dict(data)
    out["actors"] = actors
    out["distinct"] = {**data.get("distinct", {}), **user.get("distinct", {})}
    names = user.get("ambiguous", {}).get("names", [])
    out["ambiguous"] = sorted({*data.get("ambiguous", []), *names})
    return out


@functools.lru_cache(maxsize=4)
def load_gazetteer(user_file: str = "") -> Gazetteer:
    """The bundled gazetteer, with ``user_file`` (the ``gazetteer`` setting) merged over it."""
    raw = resources.files("framelens.resources").joinpath("gazetteer/gazetteer.json")
    data = json.loads(raw.read_text(encoding="utf-8"))
    if user_file:
        data = _merge_user(data, Path(user_file))
    return _build(data)
