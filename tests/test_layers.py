"""Structure: imports run strictly downward, and every module imports on its own.

- Every module of framelens imports first thing in a fresh interpreter, and no import
  reads a framelens module that is still initializing (an import cycle, which works or
  not depending on what was imported before).
- The import-linter contracts in pyproject.toml hold: the layers (README, "Layout") and
  the independence of analyzers and evidence. A fake package laid out like framelens
  shows that the same contracts do break on an upward or a sideways import.
- Each analyzer module's docstring names the version its analyzer class declares.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import framelens
from framelens.errors import ConfigError
from framelens.pipeline import analyzer_registry as analyzers

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(framelens.__file__).resolve().parent

#: Run in a fresh interpreter with a module name: imports it, reporting every import of a
#: framelens module that is still initializing ("CYCLE importer -> imported").
PROBE = r"""
import builtins, importlib, sys

real_import = builtins.__import__
cycles = set()


def initializing(name):
    spec = getattr(sys.modules.get(name), "__spec__", None)
    return bool(getattr(spec, "_initializing", False))


def probe(name, globals=None, locals=None, fromlist=(), level=0):
    globals = globals or {}
    importer = globals.get("__name__", "?")
    if level:
        package = globals.get("__package__") or ""
        base = package.rsplit(".", level - 1)[0] if level > 1 else package
        target = f"{base}.{name}" if name else base
    else:
        target = name
    names = [f for f in (fromlist or ()) if f != "*"]
    busy = [m for m in [target, *(f"{target}.{f}" for f in names)]
            if m.startswith("framelens") and m != importer and initializing(m)]
    module = real_import(name, globals, locals, fromlist, level)
    for m in busy:
        # "from package import submodule" reads the submodule, not the package's body.
        if m == target and names and all(f"{target}.{f}" in sys.modules for f in names):
            continue
        cycles.add((importer, m))
    return module


builtins.__import__ = probe
importlib.import_module(sys.argv[1])
for a, b in sorted(cycles):
    print(f"CYCLE {a} -> {b} (still initializing)")
sys.exit(1 if cycles else 0)
"""


def framelens_modules() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.append(".".join(parts))
    return out


def import_alone(module: str) -> tuple[str, int, str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    return module, proc.returncode, (proc.stdout + proc.stderr).strip()


def run_probe(tmp_path: Path, files: dict[str, str]) -> tuple[int, str]:
    pkg = tmp_path / "framelens_probe"
    pkg.mkdir(exist_ok=True)
    for rel, source in files.items():
        (pkg / rel).write_text(source)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, "framelens_probe"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=60,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_probe_reports_a_cycle_that_happens_to_work(tmp_path: Path) -> None:
    # b reads A from the half-built package: it works only because A is set first.
    rc, out = run_probe(
        tmp_path, {"__init__.py": "A = 1\nfrom .b import B\n", "b.py": "from . import A\nB = A\n"}
    )
    assert rc != 0
    assert "CYCLE framelens_probe.b -> framelens_probe (still initializing)" in out


def test_probe_fails_on_an_import_error(tmp_path: Path) -> None:
    rc, out = run_probe(
        tmp_path, {"__init__.py": "from .b import B\nA = 1\n", "b.py": "from . import A\nB = A\n"}
    )
    assert rc != 0
    assert "ImportError" in out


def test_probe_accepts_a_submodule_imported_through_its_package(tmp_path: Path) -> None:
    rc, out = run_probe(
        tmp_path,
        {
            "__init__.py": "from .b import B\n",
            "b.py": "from . import c\nB = c.C\n",
            "c.py": "C = 1\n",
        },
    )
    assert rc == 0, out


@pytest.mark.slow
def test_every_module_imports_on_its_own() -> None:
    modules = framelens_modules()
    # The walk found the package, not an empty folder.
    assert len(modules) > 80
    assert {"framelens", "framelens.cli", "framelens.text.rules", "framelens.context"} <= set(
        modules
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(import_alone, modules))
    failures = [f"{m} (exit {rc}):\n{out[-2000:]}" for m, rc, out in results if rc != 0]
    assert not failures, "\n\n".join(failures)


def lint_imports(config: Path, cwd: Path, pythonpath: Path | None = None) -> tuple[int, str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; "
            "sys.exit(lint_imports_command())",
            "--no-cache",
            str(config),
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_layer_contracts_hold() -> None:
    rc, out = lint_imports(ROOT / "pyproject.toml", ROOT)
    assert rc == 0, out
    assert "0 broken" in out


def contracts() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        table: dict = tomllib.load(f)["tool"]["importlinter"]
    return table


def test_layers_cover_every_top_level_module() -> None:
    """``exhaustive`` makes import-linter fail on a top-level module no layer names."""
    layers = next(c for c in contracts()["contracts"] if c["type"] == "layers")
    assert layers["exhaustive"] is True
    assert layers["containers"] == ["framelens"]
    named = {m.strip() for layer in layers["layers"] for m in re.split(r"[|:]", layer)}
    top = {m.split(".")[1] for m in framelens_modules() if m.count(".") >= 1}
    assert top == named


FAKE = "fakelens"


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(value)


def fake_config(path: Path) -> None:
    """framelens's own contracts, word for word, with the package renamed."""
    table = contracts()

    def rename(value: object) -> object:
        if isinstance(value, str):
            return re.sub(r"\bframelens\b", FAKE, value)
        if isinstance(value, list):
            return [rename(v) for v in value]
        return value

    lines = ["[tool.importlinter]", f"root_package = {toml_value(FAKE)}"]
    for contract in table["contracts"]:
        lines.append("\n[[tool.importlinter.contracts]]")
        lines += [f"{k} = {toml_value(rename(v))}" for k, v in contract.items()]
    path.write_text("\n".join(lines) + "\n")


def fake_package(root: Path, extra: dict[str, str] | None = None) -> None:
    """A package with framelens's top-level layout that keeps every contract, plus ``extra``
    (module path -> source) to break one."""
    top = sorted({m.split(".")[1] for m in framelens_modules() if m.count(".") >= 1})
    pkg = root / FAKE
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name in top:
        (pkg / name).mkdir()
        (pkg / name / "__init__.py").write_text("")
    files = {
        # Downward imports, allowed.
        "cli/main.py": f"import {FAKE}.web\nimport {FAKE}.batch\nimport {FAKE}.errors\n",
        "analyzers/quotes.py": f"import {FAKE}.text.syntax\nimport {FAKE}.context\n",
        "evidence/verify.py": f"import {FAKE}.text.rules\nimport {FAKE}.corpus\n",
        "text/syntax.py": f"import {FAKE}.context\n",
        "text/rules.py": f"from {FAKE}.text import syntax\n",
        "evidence/index.py": "",
        # What both use lives below them: the NLI head in nlp/, the Analyzer base in
        # analyzer/ (a module in framelens; a package here), the verdicts analyzer in
        # evidence/.
        "nlp/nli.py": f"import {FAKE}.text.rules\n",
        "analyzer/__init__.py": f"import {FAKE}.context\nimport {FAKE}.registry\n",
        "analyzers/contradictions.py": f"import {FAKE}.nlp.nli\nimport {FAKE}.analyzer\n",
        "evidence/verdicts.py": (
            f"import {FAKE}.nlp.nli\nimport {FAKE}.analyzer\nimport {FAKE}.evidence.index\n"
        ),
        "pipeline/run.py": (
            f"import {FAKE}.analyzers.quotes\nimport {FAKE}.evidence.verdicts\n"
            f"import {FAKE}.text.syntax\n"
        ),
    }
    files.update(extra or {})
    for rel, source in files.items():
        (pkg / rel).write_text(source)


@pytest.mark.parametrize(
    ("extra", "culprit"),
    [
        ({}, None),
        # Upward: the text tools import an analyzer (the cycle issue 16 removed).
        ({"text/rules.py": f"from {FAKE}.analyzers import quotes\n"}, "text.rules"),
        # Upward from the bottom: the registry knows a client.
        ({"registry/__init__.py": f"import {FAKE}.eval\n"}, "registry"),
        # Upward through nlp: shared features read the analyzers' Context.
        ({"nlp/features.py": f"from {FAKE}.analyzers import quotes\n"}, "nlp.features"),
        # Sideways: evidence imports an analyzer.
        ({"evidence/verify.py": f"import {FAKE}.analyzers.quotes\n"}, "evidence.verify"),
        # Sideways: an analyzer imports evidence.
        ({"analyzers/quotes.py": f"import {FAKE}.evidence.index\n"}, "analyzers.quotes"),
        # Sideways, even inside a function (the crossings issue 16 removed).
        (
            {"analyzers/contradictions.py": f"def run():\n    import {FAKE}.evidence.index\n"},
            "analyzers.contradictions",
        ),
        # Upward: the analyzer base imports an analyzer.
        ({"analyzer/__init__.py": f"import {FAKE}.analyzers.quotes\n"}, "analyzer"),
        # A top-level module no layer names.
        ({"stray.py": ""}, "stray"),
    ],
)
def test_contracts_catch_a_violation(
    tmp_path: Path, extra: dict[str, str], culprit: str | None
) -> None:
    fake_package(tmp_path, extra)
    config = tmp_path / "importlinter.toml"
    fake_config(config)
    rc, out = lint_imports(config, tmp_path, pythonpath=tmp_path)
    if culprit is None:
        assert rc == 0, out
        assert "0 broken" in out
    else:
        assert rc != 0, out
        assert f"{FAKE}.{culprit}" in out


def test_analyzer_docstrings_name_their_version() -> None:
    names = analyzers.names()
    assert "quotes" in names
    for name in names:
        cls = analyzers.get(name)
        if not cls.__module__.startswith(("framelens.analyzers.", "framelens.evidence.")):
            continue  # an installed plugin
        doc = sys.modules[cls.__module__].__doc__ or ""
        m = re.match(r"(\w+) v(\d+):", doc)
        assert m, f"{cls.__module__}: docstring should open with '{name.capitalize()} vN:'"
        assert (m.group(1).lower(), m.group(2)) == (cls.name, cls.version), (
            f"{cls.__module__} says {m.group(0)!r}, but its class is {cls.key()}"
        )


class FakeEntryPoint:
    def __init__(self, name: str, load: Callable[[], object]):
        self.name, self.value, self._load = name, f"plugin_pkg:{name}", load

    def load(self) -> object:
        return self._load()


def test_registry_knows_no_client_and_loads_entry_points_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from framelens import registry as registry_module

    widgets = registry_module.Registry("widget", entry_points="framelens.test_widgets")
    loads: list[str] = []

    def load_blue() -> object:
        loads.append("blue")
        return widgets.register("blue")(object)

    groups: list[str] = []

    def entry_points(group: str) -> list[FakeEntryPoint]:
        groups.append(group)
        return [FakeEntryPoint("blue", load_blue)] if group == "framelens.test_widgets" else []

    monkeypatch.setattr(registry_module, "_entry_points", entry_points)

    @widgets.register("red")
    class Red:
        pass

    assert widgets.names() == ["red", "blue"]
    assert widgets.get("red") is Red
    assert widgets.names() == ["red", "blue"]
    assert loads == ["blue"]  # once, on the first lookup
    with pytest.raises(ConfigError) as info:
        widgets.get("green")
    assert info.value.message == "unknown widget 'green'"
    assert info.value.fix == "use one of: red, blue"

    # A registry without a group never looks for entry points.
    plain = registry_module.Registry("gadget")
    assert plain.names() == []
    assert groups == ["framelens.test_widgets"]

    def broken() -> object:
        raise ImportError("No module named 'plugin_pkg'")

    monkeypatch.setattr(
        registry_module, "_entry_points", lambda group: [FakeEntryPoint("bad", broken)]
    )
    faulty = registry_module.Registry("widget", entry_points="framelens.test_broken")
    with pytest.raises(ConfigError) as info:
        faulty.names()
    assert "'bad' (plugin_pkg:bad) failed to load" in info.value.message


def test_builtin_analyzers_register_in_the_same_order_wherever_they_live() -> None:
    """``verdicts`` lives with the evidence service, yet the pipeline's registry (and so
    ``framelens analyzers`` and the default pipeline) lists it where it always was: last."""
    code = (
        "from framelens.pipeline import analyzer_registry as r\n"
        "print(','.join(r.names()))\n"
        "print(r.get('verdicts').__module__)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    names, module = proc.stdout.split()
    assert names.split(",")[:8] == [
        "actors",
        "claims",
        "contradictions",
        "portrayal",
        "quotes",
        "relations",
        "techniques",
        "verdicts",
    ]
    assert module == "framelens.evidence.verdicts"
