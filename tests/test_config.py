"""Settings as data: sources, precedence, documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from framelens import ConfigError, load_settings
from framelens.config import SETTINGS

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
