"""What src imports is declared in pyproject.toml; extras are imported only where needed."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "framelens"
# Import names of declared packages that may not be installed here (the 'torch' extra), and
# packages that a declared one brings by its own extra (dask[distributed]).
KNOWN = {"sentence_transformers": "sentence-transformers", "torch": "torch"}
BY_EXTRA = {"distributed": "dask"}


def _declared() -> tuple[set[str], dict[str, set[str]]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    extras = {
        name: {canonicalize_name(Requirement(r).name) for r in reqs}
        for name, reqs in project["optional-dependencies"].items()
    }
    return base, extras


def _imports() -> dict[str, dict[str, bool]]:
    """Third-party top-level module -> {file: imported at module level}."""
    out: dict[str, dict[str, bool]] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_function: set[int] = set()
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                in_function.update(id(n) for n in ast.walk(fn) if n is not fn)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in ("framelens", "__future__"):
                    continue
                rel = str(path.relative_to(SRC))
                eager = out.setdefault(top, {}).get(rel, False) or id(node) not in in_function
                out[top][rel] = eager
    return out


def _distribution(module: str) -> str:
    if module in KNOWN:
        return KNOWN[module]
    if module in BY_EXTRA:
        return BY_EXTRA[module]
    found = packages_distributions().get(module)
    assert found, f"{module} is imported by src but no installed distribution provides it"
    return canonicalize_name(found[0])


def test_every_import_is_declared_and_extras_are_lazy() -> None:
    base, extras = _declared()
    optional = set().union(*extras.values())
    problems = []
    imports = _imports()
    for module, files in sorted(imports.items()):
        dist = _distribution(module)
        if dist in base:
            continue
        if dist not in optional:
            problems.append(f"{module} ({dist}) is imported by {sorted(files)} but not declared")
        eager = sorted(f for f, at_top in files.items() if at_top)
        if eager:
            problems.append(f"{module} ({dist}) is an extra but imported at module level: {eager}")
    assert problems == []
    assert {"markupsafe", "numpy", "spacy"} <= set(imports)


def test_training_only_packages_are_not_runtime_dependencies() -> None:
    base, extras = _declared()
    assert {"scikit-learn", "pycountry"} <= extras["train"]
    assert not {"scikit-learn", "pycountry", "wordfreq"} & base
    assert "wordfreq" not in set().union(*extras.values())
