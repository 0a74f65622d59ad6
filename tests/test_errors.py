"""The error catalogue: every code defined once, named at call sites, listed in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from framelens.cli import app
from framelens.errors import (
    CATALOGUE,
    AmbiguousId,
    ConfigError,
    Errors,
    FramelensError,
    InputError,
    LanguageError,
    NotFound,
    catalogue_markdown,
    unwritable,
)

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "framelens"
README = ROOT / "README.md"


def test_no_code_literals_outside_the_catalogue() -> None:
    """Call sites name codes (``Errors.E101``); only errors.py spells them out."""
    literal = re.compile(r"""["']E\d{3}""")
    offenders = [
        f"{p.relative_to(SRC)}:{n}: {line.strip()}"
        for p in sorted(SRC.rglob("*.py"))
        if p.name != "errors.py" or p.parent != SRC
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line)
    ]
    assert offenders == []


def test_every_code_is_defined_once_and_named_after_itself() -> None:
    text = (SRC / "errors.py").read_text(encoding="utf-8")
    defined = re.findall(
        r"""^    (E\d{3}) = ErrorCode(?:\[\w+\])?\(\s*"(E\d{3})\"""", text, flags=re.M
    )
    assert defined and all(name == code for name, code in defined)
    codes = [code for _, code in defined]
    assert len(codes) == len(set(codes)) == len(CATALOGUE)
    for entry in CATALOGUE.values():
        assert entry.template and re.fullmatch(r"E\d{3}", entry.code)


def test_every_code_used_in_src_is_catalogued() -> None:
    used = {
        m
        for p in SRC.rglob("*.py")
        for m in re.findall(r"Errors\.(E\d{3})", p.read_text(encoding="utf-8"))
    }
    assert used and used <= set(CATALOGUE)


def test_class_defaults_come_from_the_catalogue() -> None:
    assert FramelensError("x").code == "E000"
    assert InputError("x").code == "E100"
    assert LanguageError("x").code == "E110"
    assert ConfigError("x").code == "E200"
    assert NotFound("x").code == "E404"
    err = AmbiguousId("x")
    assert err.code == "E409" and isinstance(err, NotFound) and err.status == 409


def test_calling_a_code_builds_its_exception() -> None:
    err = Errors.E110(source="de.txt", detected="de", value="de.txt")
    assert isinstance(err, LanguageError) and err.value == "de.txt"
    assert str(err) == (
        "E110 de.txt does not read as English (detected: de) — framelens's models are "
        "English; pass --force to analyse it anyway"
    )
    # A specific message keeps the code and class, with no fix unless one is given.
    own = Errors.E101("no files uploaded")
    assert (type(own), own.code, own.message, own.fix) == (InputError, "E101", own.message, "")
    assert Errors.E101("x", fix="do y").fix == "do y"
    assert unwritable("/ro/out.json", OSError(30, "Read-only file system")).code == "E109"
    with pytest.raises(TypeError):
        Errors.E500(error="boom")  # a failure-record code, never raised


def test_readme_lists_the_catalogue() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("| code | exception | message | usual fix |")
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    assert "\n".join(lines[start:end]) + "\n" == catalogue_markdown()


def test_errors_command() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["errors"])
    assert res.exit_code == 0
    rows = res.output.splitlines()
    assert len(rows) == len(CATALOGUE)
    assert rows[0].startswith("E000  FramelensError")
    assert any(r.startswith("E110  LanguageError") and "--force" in r for r in rows)
    res = runner.invoke(app, ["errors", "--format", "md"])
    assert res.exit_code == 0 and res.output == catalogue_markdown()
    res = runner.invoke(app, ["errors", "--format", "xml"])
    assert res.exit_code != 0
