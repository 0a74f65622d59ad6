"""Word lists as data: the lexicon files load, hold no duplicates, and users can extend them."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from framelens import ConfigError, Pipeline, load_settings
from framelens.model import Analysis, Article
from framelens.text.lexicons import LEXICONS, bundled_lists, word_list, word_set

LEXICON_DIR = resources.files("framelens.resources").joinpath("lexicons")


@pytest.mark.parametrize("name", LEXICONS)
def test_each_lexicon_loads_with_no_duplicates(name: str) -> None:
    lists = bundled_lists(name)
    assert lists
    for key, words in lists.items():
        assert words, f"{name}.toml: {key} is empty"
        dupes = sorted({w for w in words if words.count(w) > 1})
        assert not dupes, f"{name}.toml: {key} lists {dupes} twice"
        assert all(w == w.lower() for w in words if key != "cues.phrasal"), key


def test_every_lexicon_file_is_documented_in_its_header() -> None:
    files = [f for f in LEXICON_DIR.iterdir() if f.name.endswith(".toml")]
    assert {f.name[:-5] for f in files} >= set(LEXICONS)
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert text.startswith("#"), f"{f.name} needs a comment header saying what it is for"
        tomllib.loads(text)


def test_each_list_is_loaded_once() -> None:
    assert word_list("honorifics", "courtesy") is word_list("honorifics", "courtesy")
    assert word_set("stop_words", "search") is word_set("stop_words", "search")
    # Order is kept where it means something: Monday is day 0.
    assert word_list("calendar", "weekdays")[0] == "monday"
    assert len(word_list("calendar", "months")) == 12


def _analyze(text: str, user_file: str = "") -> Analysis:
    settings = load_settings(config_file=None, lexicons=user_file)
    return Pipeline("actors,quotes", settings).analyze(Article(text=text), force=True)


def test_a_user_honorific_is_dropped_from_a_speakers_descriptions(tmp_path: Path) -> None:
    text = '"We will not go back," comrade Ivo Pell said at the gate.'
    [quote] = _analyze(text).quotes
    assert quote.speaker is not None
    assert [d.text for d in quote.speaker.descriptions] == ["comrade"]
    user = tmp_path / "words.toml"
    user.write_text('[honorifics]\ncourtesy = "comrade"\n', encoding="utf-8")
    assert "comrade" in word_set("honorifics", "courtesy", str(user))
    assert "mr" in word_set("honorifics", "courtesy", str(user))  # added, not replaced
    [quote] = _analyze(text, str(user)).quotes
    assert quote.speaker is not None and quote.speaker.name == "Ivo Pell"
    assert quote.speaker.descriptions == []


def test_a_user_place_noun_makes_a_name_a_place(tmp_path: Path) -> None:
    text = "Residents of the Halden township fled on Monday."
    assert {a.name: a.type for a in _analyze(text).actors}["Halden"] == "state"
    user = tmp_path / "words.toml"
    user.write_text('[role_nouns]\nplace = ["township"]\n', encoding="utf-8")
    assert {a.name: a.type for a in _analyze(text, str(user)).actors}["Halden"] == "place"


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("[nonsense]\nwords = 'a'\n", "not a lexicon"),
        ("[honorifics]\nbaronets = 'bt'\n", "does not have"),
        ("[stop_words]\nsearch = 'the'\n", "cannot be extended"),
        ("[honorifics]\ncourtesy = 3\n", "not a word list"),
        ("[honorifics\n", "not valid TOML"),
    ],
)
def test_a_bad_user_lexicon_is_a_config_error(tmp_path: Path, content: str, why: str) -> None:
    user = tmp_path / "bad.toml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=why) as err:
        word_list("honorifics", "courtesy", str(user))
    assert err.value.code == "E200"


def test_a_missing_user_lexicon_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Pipeline("actors", load_settings(config_file=None, lexicons=str(tmp_path / "no.toml")))
