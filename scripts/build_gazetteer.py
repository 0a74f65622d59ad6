"""Build src/framelens/resources/gazetteer/gazetteer.json from pycountry and the team's list.

    python scripts/build_gazetteer.py            # rewrite gazetteer.json
    python scripts/build_gazetteer.py --check    # exit 1 if gazetteer.json is out of date

Countries and their names (short, official and common names) come from pycountry's ISO 3166-1
data; everything else (which entries are sovereign states, demonyms, capitals, metonyms,
extra aliases, organisations, blocs, names that must not merge) from
``resources/gazetteer/team.toml``, which documents each choice. The output is plain JSON,
sorted, so a diff shows exactly what changed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

import pycountry

from framelens.analyzers._gazetteer import people_forms, slugify

ROOT = Path(__file__).resolve().parent.parent
GAZ_DIR = ROOT / "src" / "framelens" / "resources" / "gazetteer"
TEAM = GAZ_DIR / "team.toml"
OUT = GAZ_DIR / "gazetteer.json"

#: ISO codes that prose uses as names. Every other alpha-2/alpha-3 code collides with a word
#: or a common abbreviation when matched case-sensitively (IT, IN, OR, AM, BE, NO, TO, ME, MY,
#: IS, AT, AS, DO, GO, ID, CAN, AND, ARE, PER, MAR, TON, ...), or is simply not written in
#: news text (DEU, FRA, RUS), so it would add false mentions and no true ones.
SAFE_CODES = {"US", "USA"}


def _clean(name: str | None) -> str | None:
    """A pycountry name usable in prose: no inverted "Iran, Islamic Republic of" forms."""
    if not name or "," in name or "(" in name:
        return None
    return name[4:] if name.startswith("the ") else name


def build() -> dict[str, Any]:
    team = tomllib.loads(TEAM.read_text(encoding="utf-8"))
    states: dict[str, dict[str, Any]] = team.get("states", {})
    drop = set(team.get("drop", {}).get("names", []))
    actors: dict[str, dict[str, Any]] = {}

    for country in pycountry.countries:
        code = country.alpha_2
        extra = states.get(code, {})
        names = [
            _clean(getattr(country, "common_name", None)),
            _clean(country.name),
            _clean(getattr(country, "official_name", None)),
        ]
        forms = [n for n in names if n]
        name = extra.get("name") or (forms[0] if forms else country.name)
        aliases = [*forms, *extra.get("aliases", [])]
        aliases += [c for c in (country.alpha_2, country.alpha_3) if c in SAFE_CODES]
        demonyms = list(extra.get("demonyms", []))
        entry = {
            "name": name,
            "type": "state" if code in states else "other",
            "iso": code,
            "aliases": sorted({a for a in aliases if a != name and a not in drop}),
            "demonyms": sorted(set(demonyms)),
            "people": sorted({p for d in demonyms for p in people_forms(d)}),
            "capitals": sorted(set(extra.get("capitals", []))),
            "metonyms": sorted(set(extra.get("metonyms", []))),
        }
        actors[slugify(name)] = entry

    for key, spec in team.get("actors", {}).items():
        name = spec["name"]
        if key != slugify(name):
            sys.exit(f"team.toml: [actors.{key}] should be keyed [actors.{slugify(name)}]")
        demonyms = spec.get("demonyms", [])
        actors[key] = {
            "name": name,
            "type": spec.get("type", "organisation"),
            "aliases": sorted(set(spec.get("aliases", [])) - {name}),
            "demonyms": sorted(demonyms),
            "people": sorted({p for d in demonyms for p in people_forms(d)}),
            "capitals": sorted(spec.get("capitals", [])),
            "metonyms": sorted(spec.get("metonyms", [])),
        }

    missing = set(states) - {a.get("iso") for a in actors.values()}
    if missing:
        sys.exit(f"team.toml: [states] codes not in pycountry: {sorted(missing)}")
    return {
        "about": "built by scripts/build_gazetteer.py from pycountry and team.toml; do not edit",
        "pycountry": _pycountry_version(),
        "actors": dict(sorted(actors.items())),
        "distinct": dict(sorted(team.get("distinct", {}).items())),
        "ambiguous": sorted(set(team.get("ambiguous", {}).get("names", []))),
    }


def _pycountry_version() -> str:
    from importlib.metadata import version

    return version("pycountry")


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that the file is current")
    args = ap.parse_args()
    text = render(build())
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.is_file() else ""
        if current != text:
            sys.exit(f"{OUT} is out of date: run python scripts/build_gazetteer.py")
        print(f"{OUT} is up to date")
        return
    OUT.write_text(text, encoding="utf-8")
    data = json.loads(text)
    print(f"wrote {OUT}: {len(data['actors'])} actors, {len(data['distinct'])} distinct names")


if __name__ == "__main__":
    main()
