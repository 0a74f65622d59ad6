"""Readers and every kind of bad input: a clear one-line error or a recorded skip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from framelens import InputError, load_settings, read_article
from framelens.errors import LanguageError
from framelens.ingest import iter_articles, iter_file, make_article
from framelens.ingest.lang import detect_language
from framelens.ingest.normalize import normalize_text
from framelens.model import Article, Failure

from .conftest import EXAMPLES

ENGLISH = (
    "The council voted on Tuesday to close the old bridge after engineers found cracks in "
    "two of its supports. The mayor said repairs would take at least six months."
)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _one(path: Path, **kw: object) -> Article | Failure:
    items = list(iter_file(path, **kw))  # type: ignore[arg-type]
    assert len(items) == 1
    return items[0]


def test_text_file_with_headline(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("Bridge closed after cracks found\n\n" + ENGLISH, encoding="utf-8")
    art = read_article(p)
    assert art.title == "Bridge closed after cracks found"
    assert art.text.endswith("six months.")
    assert art.lang == "en"
    assert len(art.id) == 20


def test_same_text_same_id_and_outlet_distinguishes(tmp_path: Path) -> None:
    a = make_article(ENGLISH)
    b = make_article("  " + ENGLISH + "\n\n")
    assert a.id == b.id
    assert make_article(ENGLISH, outlet="Daily A").id != make_article(ENGLISH, outlet="B").id


def test_html_extracts_body_and_metadata() -> None:
    art = read_article(EXAMPLES / "sarvan-opinion.html")
    assert art.title and "Sarvan" in art.title
    assert art.author == "Miriam Okafor"
    assert art.outlet == "The Northern Ledger"
    assert "Leyla Haddad" in art.text
    assert "All rights reserved" not in art.text  # boilerplate footer dropped
    assert "Home" not in art.text.split("\n")[0]


def test_jsonl_records_with_metadata(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": ENGLISH, "outlet": "Wire", "title": "Bridge"}),
        "",
        json.dumps(
            {
                "html": f"<html><body><article><p>{ENGLISH}</p></article></body></html>",
                "url": "https://example.org/x",
            }
        ),
        "{not json",
        json.dumps({"body": "no text field"}),
        json.dumps(["a", "list"]),
    ]
    p.write_text("\n".join(lines), encoding="utf-8")
    items = list(iter_file(p))
    assert [type(i).__name__ for i in items] == [
        "Article",
        "Article",
        "Failure",
        "Failure",
        "Failure",
    ]
    assert items[0].outlet == "Wire"  # type: ignore[union-attr]
    assert items[1].url == "https://example.org/x"  # type: ignore[union-attr]
    failures = [i for i in items if isinstance(i, Failure)]
    assert [f.source for f in failures] == [f"{p}:4", f"{p}:5", f"{p}:6"]
    assert "no 'text' or 'html' field" in failures[1].message


@pytest.mark.parametrize(
    ("content", "code", "needle"),
    [
        (b"", "E101", "empty"),
        (b"   \n\n\t  \n", "E101", "empty"),
        (PNG, "E102", "PNG image"),
        (b"abc\x00def" * 10, "E102", "binary"),
        (
            b"The caf\xe9 was closed by the police on Monday after the protest ended.",
            "E103",
            "not valid utf-8",
        ),
    ],
)
def test_bad_files_give_one_line_errors(
    tmp_path: Path, content: bytes, code: str, needle: str
) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_article(p)
    line = str(err.value)
    assert err.value.code == code
    assert needle.lower() in line.lower()
    assert "\n" not in line
    assert " — " in line  # every message carries a fix


def test_missing_path() -> None:
    item = _one(Path("does/not/exist.txt"))
    assert isinstance(item, Failure) and item.code == "E100"
    assert "no such file" in item.message


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    with p.open("wb") as fh:  # 50 MB
        chunk = (ENGLISH + "\n").encode() * 1000
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk)
    item = _one(p)
    assert isinstance(item, Failure) and item.code == "E104"
    assert "max_bytes" in item.line() and "FRAMELENS_MAX_BYTES" in item.line()
    bigger = load_settings(max_bytes=60_000_000, max_chars=60_000_000)
    # With a raised byte limit the character limit still protects the parser.
    item = _one(p, settings=load_settings(max_bytes=60_000_000))
    assert isinstance(item, Failure) and "max_chars" in item.message
    assert bigger.max_bytes == 60_000_000


def test_html_without_body(tmp_path: Path) -> None:
    p = tmp_path / "empty.html"
    p.write_text(
        "<html><head><title>x</title><script>var a = 1;</script></head>"
        "<body><nav><a href='/'>Home</a></nav></body></html>",
        encoding="utf-8",
    )
    item = _one(p)
    assert isinstance(item, Failure) and item.code == "E105"
    assert "no article body" in item.message


def test_non_english_needs_force(tmp_path: Path) -> None:
    p = tmp_path / "de.txt"
    p.write_text(
        "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke zu schließen, "
        "nachdem Ingenieure Risse in zwei Stützen gefunden hatten. Die Reparatur "
        "wird mindestens sechs Monate dauern, sagte der Bürgermeister.",
        encoding="utf-8",
    )
    item = _one(p)
    assert isinstance(item, Failure) and item.code == "E110"
    assert "detected: de" in item.message and "--force" in item.fix
    with pytest.raises(LanguageError):
        read_article(p)
    forced = read_article(p, force=True)
    assert forced.lang == "de"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (ENGLISH, "en"),
        (
            "Le conseil municipal a voté mardi la fermeture du vieux pont après que des "
            "ingénieurs ont trouvé des fissures dans deux de ses piliers.",
            "fr",
        ),
        (
            "El ayuntamiento votó el martes cerrar el puente viejo después de que los "
            "ingenieros encontraran grietas en dos de sus soportes.",
            "es",
        ),
        ("Городской совет во вторник проголосовал за закрытие старого моста.", "cyrillic"),
        ("قرر مجلس المدينة يوم الثلاثاء إغلاق الجسر القديم", "arabic"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text)[0] == lang


def test_directory_mixing_good_and_bad(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "also-good.html").write_text(
        f"<html><body><article><p>{ENGLISH}</p></article></body></html>", encoding="utf-8"
    )
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(PNG)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 whatever")
    items = list(iter_articles([tmp_path]))
    good = [i for i in items if isinstance(i, Article)]
    bad = {Path(i.source).name: i.code for i in items if isinstance(i, Failure)}
    assert len(good) == 2
    assert bad == {"empty.txt": "E101", "image.txt": "E102", "notes.docx": "E107"}


def test_normalisation_keeps_text_clean() -> None:
    raw = "\ufeffLine one\r\nLine\u00a0two\u200b\r\n\r\n\r\n\r\nEnd\x07 "
    assert normalize_text(raw) == "Line one\nLine two\n\nEnd"


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=2000),
    suffix=st.sampled_from([".txt", ".html", ".jsonl", ".json", ".bin"]),
)
def test_any_bytes_give_article_or_failure(tmp_path: Path, data: bytes, suffix: str) -> None:
    p = tmp_path / f"fuzz{suffix}"
    p.write_bytes(data)
    for item in iter_file(p, force=True):
        assert isinstance(item, (Article, Failure))
        if isinstance(item, Failure):
            assert item.code.startswith("E") and item.message
