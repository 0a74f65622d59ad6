"""What every ``framelens`` command shares: the Typer apps, option types, output that
escapes data, settings and the store."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..config import Settings, load_settings
from ..display import mask_url, terminal_safe
from ..errors import ConfigError, unwritable

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="framelens: critical reading of news and opinion, every finding tied to the text.",
)
db_app = typer.Typer(no_args_is_help=True, help="Inspect and migrate the store.")
app.add_typer(db_app, name="db")
evidence_app = typer.Typer(
    no_args_is_help=True, help="Evidence collections that claims are checked against."
)
app.add_typer(evidence_app, name="evidence")

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="framelens.toml to read settings from")
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="override a setting: --set key=value (repeatable)"),
]
DbOpt = Annotated[str | None, typer.Option("--db", help="SQLAlchemy URL of the store")]
EvidenceOpt = Annotated[
    str | None,
    typer.Option("--evidence", help="check claims against these evidence collections (a,b)"),
]


# Every line the CLI shows goes through these three: article titles, outlets, file names and
# error messages are data, and data may hold terminal escapes (ESC, BEL, CR...) or, in a
# database URL, a password.


def _echo(text: str = "") -> None:
    typer.echo(terminal_safe(text))


def _write(text: str) -> None:
    sys.stdout.write(terminal_safe(text))


def _err(line: str) -> None:
    typer.echo(terminal_safe(mask_url(line)), err=True)


def _settings(config: Path | None, sets: list[str] | None, **overrides: Any) -> Settings:
    pairs: dict[str, Any] = {}
    for item in sets or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(
                f"--set expects key=value, got {item!r}",
                fix="e.g. --set max_chars=2000000",
                value=item,
            )
        pairs[key.strip()] = value.strip()
    pairs.update({k: v for k, v in overrides.items() if v is not None})
    return load_settings(config, **pairs)


def _ext(fmt: str) -> str:
    return {"json": "json", "md": "md", "html": "html", "text": "txt"}[fmt]


def _make_dir(folder: Path, target: Path) -> None:
    """Create ``folder`` (for writing ``target``), or one line saying why it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise unwritable(target, exc) from None
    if not os.access(folder, os.W_OK):
        raise unwritable(target, PermissionError(13, "the folder is not writable", str(folder)))


def _open_store(settings: Settings) -> Any:
    from ..corpus import Store

    return Store(settings.db_url)


# -- corpus and stories --------------------------------------------------------------

corpus_app = typer.Typer(no_args_is_help=True, help="Browse and search the stored articles.")
app.add_typer(corpus_app, name="corpus")
stories_app = typer.Typer(
    help="Group stored articles about the same event into stories (run without a "
    "subcommand), define one by hand, list or show them."
)
app.add_typer(stories_app, name="stories")

OutletOpt = Annotated[str | None, typer.Option("--outlet", help="only this outlet (exact)")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="published on or after YYYY-MM-DD")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="published on or before YYYY-MM-DD")]
ActorOpt = Annotated[str | None, typer.Option("--actor", help="mentions this actor (id or name)")]
LimitOpt = Annotated[int, typer.Option("--limit", help="rows per page")]
OffsetOpt = Annotated[int, typer.Option("--offset", help="rows to skip (paging)")]
TextJsonOpt = Annotated[str, typer.Option("--format", "-f", help="text | json")]


def _one_line(value: Any, width: int | None = None) -> str:
    """A stored value made safe for one terminal line: no controls, no line breaks."""
    from ..display import terminal_safe

    text = " ".join(str(value if value is not None else "").split())
    text = terminal_safe(text)
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def _day_opt(value: str | None, option: str) -> str | None:
    """A strict YYYY-MM-DD option value; ``ConfigError`` otherwise."""
    import re
    from datetime import date

    if value is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ConfigError(
            f"{option} expects a date YYYY-MM-DD, got {value!r}",
            fix=f"e.g. {option} 2024-03-18",
            value=value,
        ) from None


def _page_opts(limit: int, offset: int) -> None:
    if not 1 <= limit <= 10000:
        raise ConfigError(
            f"--limit must be between 1 and 10000, got {limit}", fix="e.g. --limit 50", value=limit
        )
    if offset < 0:
        raise ConfigError(f"--offset must be 0 or more, got {offset}", fix="e.g. --offset 50")


def _format_opt(fmt: str) -> None:
    if fmt not in ("text", "json"):
        raise ConfigError(f"unknown format {fmt!r}", fix="use text or json", value=fmt)


def _with_verdicts(analyzers: str | None, settings: Settings) -> str | None:
    """Add the ``verdicts`` analyzer to an explicit list when evidence is given."""
    if settings.evidence and analyzers and "verdicts" not in analyzers.split(","):
        return f"{analyzers},verdicts"
    return analyzers
