"""Settings as data: sources, precedence, documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from framelens import ConfigError, load_settings
from framelens.config import SETTINGS, Settings, settings_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def test_precedence_default_file_env_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "framelens.toml"
    cfg.write_text("[framelens]\nbatch_size = 4\nmin_chars = 50\nlang_check = false\n")
    monkeypatch.setenv("FRAMELENS_MIN_CHARS", "60")
    s = load_settings(cfg, max_chars="5_000")
    assert (s.batch_size, s.sources["batch_size"]) == (4, str(cfg))
    assert (s.min_chars, s.sources["min_chars"]) == (60, "env FRAMELENS_MIN_CHARS")
    assert (s.max_chars, s.sources["max_chars"]) == (5000, "override")
    assert s.lang_check is False
    assert s.sources["embedder"] == "default"


def test_framelens_toml_in_cwd_is_read(tmp_path: Path) -> None:
    (tmp_path / "framelens.toml").write_text("batch_size = 7\n")
    assert load_settings().batch_size == 7


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("[framelens]\nbatchsize = 4\n", "unknown setting 'batchsize'"),
        ("[framelens\n", "not valid TOML"),
        ("[framelens]\nlang_check = 'perhaps'\n", "not a valid bool"),
    ],
)
def test_bad_config_files(tmp_path: Path, content: str, needle: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(content)
    with pytest.raises(ConfigError, match=needle):
        load_settings(cfg)


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    for s in SETTINGS:
        assert s.help
        assert f"`{s.name}`" in readme, f"README does not document {s.name}"


def _readme_table(header: str) -> str:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(header)
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return "\n".join(lines[start:end]) + "\n"


def test_readme_settings_table_is_the_models() -> None:
    """The README's table is `framelens config --format md`, from the one typed model."""
    assert _readme_table("| setting | type | default | meaning |") == settings_markdown()
    assert [s.name for s in SETTINGS] == list(Settings.model_fields)
    batch = next(s for s in SETTINGS if s.name == "batch_size")
    assert (batch.type, batch.default, batch.minimum, batch.maximum) == (int, 16, 1, 10_000)
    assert "| `batch_size` | int | `16` | articles per spaCy `nlp.pipe` batch (1 to 10000) |" in (
        settings_markdown()
    )


def test_settings_are_typed_and_checked_however_built() -> None:
    s = load_settings(None, batch_size="32", claim_threshold=1)
    assert s.batch_size == 32 and isinstance(s.claim_threshold, float)
    assert s.values["batch_size"] == 32 and s.get("claim_threshold") == 1.0
    assert s.db_url.startswith("sqlite:///") and s.db == ""
    # Direct construction goes through the same checks and messages as every source.
    with pytest.raises(ConfigError, match=r"'batch_size' from the settings .* out of range"):
        Settings(batch_size=0)
    with pytest.raises(ConfigError, match="not a valid bool"):
        Settings.resolved({"lang_check": "perhaps"})
    # Immutable: a copy with overrides, the original untouched.
    t = s.with_overrides(batch_size=8)
    assert (s.batch_size, t.batch_size, t.sources["batch_size"]) == (32, 8, "override")
    with pytest.raises(ValueError):
        s.batch_size = 4  # type: ignore[misc]


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"batch_size": "0"}, "must be between 1 and 10000"),
        ({"claim_threshold": "nan"}, "must be between 0.0 and 1.0"),
        ({"min_chars": "-1"}, "must be at least 0"),
        ({"max_bytes": "lots"}, "'lots', which is not a valid int"),
        ({"nonsense": "1"}, "unknown setting 'nonsense'"),
    ],
)
def test_bad_overrides_name_the_setting_and_source(overrides: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle) as info:
        load_settings(None, **overrides)
    assert info.value.code == "E200"


def test_env_value_out_of_range_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMELENS_BATCH_SIZE", "20000")
    with pytest.raises(ConfigError, match=r"from \$FRAMELENS_BATCH_SIZE has value 20000"):
        load_settings(None)
