"""The ``framelens`` command: argument parsing around library calls, nothing else."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .analysis_files import read_analyses
from .config import SETTINGS, Settings, load_settings
from .display import mask_url, terminal_safe
from .errors import ConfigError, Errors, FramelensError, os_reason, unwritable
from .model import Analysis, Failure

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


@app.command()
def analyze(
    paths: Annotated[list[Path], typer.Argument(help="files or directories (.txt .html .jsonl)")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | md | html")] = "text",
    # A string, not a Path: Path("new/") drops the trailing slash that asks for a folder.
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", help="output file, or a directory for one file per article"),
    ] = None,
    analyzers: Annotated[
        str | None,
        typer.Option("--analyzers", "-a", help="comma-separated analyzers (default: all)"),
    ] = None,
    store: Annotated[bool, typer.Option("--store", help="save articles and analyses")] = False,
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="analyse non-English text too")] = False,
    evidence: EvidenceOpt = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Analyse articles and print or write the findings."""
    from .ingest import iter_articles
    from .pipeline import Pipeline
    from .reports import FORMATS, render

    if fmt not in FORMATS:
        raise ConfigError(
            f"unknown format {fmt!r}", fix=f"use one of: {', '.join(FORMATS)}", value=fmt
        )
    settings = _settings(config, set_, db=db, evidence=evidence)
    single = (
        len(paths) == 1
        and not paths[0].is_dir()
        and paths[0].suffix.lower() not in (".jsonl", ".ndjson")
    )
    out_path = Path(out) if out else None
    per_file_dir = out_path is not None and (out_path.is_dir() or str(out).endswith(("/", os.sep)))
    if not single and fmt == "html" and not per_file_dir:
        raise ConfigError(
            "several articles cannot share one HTML page",
            fix="give -o DIRECTORY/ to write one page per article",
            value=str(out),
        )
    if out_path is not None:  # a folder that cannot be made fails now, before any NLP
        _make_dir(out_path if per_file_dir else out_path.parent, out_path)
    pipeline = Pipeline(_with_verdicts(analyzers, settings), settings)
    corpus = _open_store(settings) if store else None

    results = pipeline.analyze_many(iter_articles(paths, settings, force=force))
    ok = failed = 0
    stream = None
    try:
        if out_path is not None and not per_file_dir:
            stream = open(out_path, "w", encoding="utf-8")  # noqa: SIM115
        for result in results:
            if isinstance(result, Failure):
                failed += 1
                _err(
                    f"error: {result.line()}"
                    if single
                    else f"skipped {result.source}: {result.line()}"
                )
                if corpus is not None:
                    corpus.save_failure(result)
                continue
            ok += 1
            if corpus is not None:
                corpus.save_analysis(result)
            if per_file_dir and out_path is not None:
                target = out_path / f"{result.article.id}.{_ext(fmt)}"
                target.write_text(render(result, fmt), encoding="utf-8")
                continue
            if fmt == "json" and not single:
                text = result.to_json(indent=None) + "\n"
            else:
                text = render(result, fmt)
            (stream.write if stream else _write)(text)
        if stream:
            stream.close()  # flushes: a full disk shows here
    except OSError as exc:
        if out_path is None:
            raise
        raise unwritable(out_path, exc) from None
    finally:
        if stream and not stream.closed:
            with contextlib.suppress(OSError):
                stream.close()
    if not single:
        stored = " (stored)" if corpus is not None else ""
        _err(f"{ok} analysed{stored}, {failed} failed")
    if failed:
        raise typer.Exit(1)


@app.command()
def report(
    analysis_file: Annotated[Path, typer.Argument(help="an analysis JSON (or JSONL) file")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="html | md | text | json")] = "html",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="output file")] = None,
) -> None:
    """Re-render a stored analysis without re-running NLP."""
    from .reports import render

    analyses = list(read_analyses(analysis_file))
    if len(analyses) != 1 and fmt == "html":
        raise ConfigError(
            f"{analysis_file} holds {len(analyses)} analyses; a page shows one",
            fix="split the JSONL file, or use --format md",
            value=str(analysis_file),
        )
    text = "".join(render(a, fmt) for a in analyses)
    if out:
        _make_dir(out.parent, out)
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise unwritable(out, exc) from None
    else:
        _write(text)


def _make_dir(folder: Path, target: Path) -> None:
    """Create ``folder`` (for writing ``target``), or one line saying why it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise unwritable(target, exc) from None
    if not os.access(folder, os.W_OK):
        raise unwritable(target, PermissionError(13, "the folder is not writable", str(folder)))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or directories")],
    analyzers: Annotated[str | None, typer.Option("--analyzers", "-a")] = None,
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="take non-English text too")] = False,
    skip_done: Annotated[
        bool, typer.Option(help="skip articles already analysed by this pipeline")
    ] = True,
    compare_vectors: Annotated[
        bool,
        typer.Option(
            help="also store the sentence vectors `compare` reads, so stored stories "
            "compare without the model (about a third more time per article)"
        ),
    ] = True,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Analyse articles and save them in the store (re-running skips finished work)."""
    from .compare import cached_embedder, embed_ahead
    from .ingest import iter_articles
    from .model import Article
    from .pipeline import Pipeline

    settings = _settings(config, set_, db=db)
    corpus = _open_store(settings)
    pipeline = Pipeline(analyzers, settings)
    versions = pipeline.versions
    # The vectors a comparison of these articles needs are stored with them, in batches,
    # so `framelens compare STORY` later runs no model.
    embedder = cached_embedder(corpus, settings.embedder_spec)
    ahead: list[Analysis] = []
    counts = {"new": 0, "skipped": 0, "failed": 0}

    def todo() -> Iterator[Article | Failure]:
        for item in iter_articles(paths, settings, force=force):
            if skip_done and isinstance(item, Article) and corpus.has_analysis(item.id, versions):
                counts["skipped"] += 1
                continue
            yield item

    from .batch.inputs import count_inputs
    from .batch.progress import Reporter

    with Reporter("ingest", count_inputs(paths), log=_err) as bar:
        for result in pipeline.analyze_many(todo()):
            bar.advance()
            if isinstance(result, Failure):
                counts["failed"] += 1
                corpus.save_failure(result)
                _err(f"skipped {result.source}: {result.line()}")
            elif corpus.save_analysis(result):
                counts["new"] += 1
                if compare_vectors:
                    ahead.append(result)
                if len(ahead) >= 16:
                    embed_ahead(ahead, embedder)
                    ahead.clear()
            else:  # another process stored it since the has_analysis check
                counts["skipped"] += 1
    embed_ahead(ahead, embedder)
    _err(
        f"{counts['new']} stored, {counts['skipped']} already done, {counts['failed']} failed "
        f"→ {mask_url(corpus.url)}"
    )
    if counts["failed"]:
        raise typer.Exit(1)


def _open_store(settings: Settings) -> Any:
    from .corpus import Store

    return Store(settings.db_url)


@app.command()
def schema(
    comparison: Annotated[
        bool, typer.Option("--comparison", help="the schema of `framelens compare` output")
    ] = False,
) -> None:
    """Print the JSON Schema of the analysis (or, with --comparison, comparison) output."""
    from .model import comparison_schema, json_schema

    _echo(json.dumps(comparison_schema() if comparison else json_schema(), indent=2))


@app.command("config")
def config_cmd(
    config: ConfigOpt = None,
    set_: SetOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text | md (the README's table of settings)")
    ] = "text",
) -> None:
    """Show every setting, its value and where the value came from."""
    if fmt not in ("text", "md"):
        raise ConfigError(f"unknown format {fmt!r}", fix="use text or md", value=fmt)
    if fmt == "md":
        from .config import settings_markdown

        _echo(settings_markdown().rstrip("\n"))
        return
    settings = _settings(config, set_)
    width = max(len(s.name) for s in SETTINGS)
    for s in SETTINGS:
        value = settings.values[s.name]
        shown = settings.db_url if s.name == "db" and not value else value
        shown = mask_url(shown) if isinstance(shown, str) else shown
        source, note = settings.sources[s.name], s.range_note()
        _echo(f"{s.name:<{width}}  {shown!r:<32} [{source}]  {s.help}{note}")


@app.command("errors")
def errors_cmd(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text | md (the README's table of errors)")
    ] = "text",
) -> None:
    """List every error code: its exception class, message template and usual fix."""
    from .errors import catalogue_markdown, catalogue_rows

    if fmt not in ("text", "md"):
        raise ConfigError(f"unknown format {fmt!r}", fix="use text or md", value=fmt)
    if fmt == "md":
        _echo(catalogue_markdown().rstrip("\n"))
        return
    for code, exception, template, fix in catalogue_rows():
        _echo(f"{code}  {exception:<24} {template}" + (f" — {fix}" if fix else ""))


@app.command("analyzers")
def list_analyzers() -> None:
    """List the registered analyzers with their versions, needs and outputs."""
    # The pipeline's registry: the built-in analyzers and the evidence service's verdicts.
    from .pipeline import analyzer_registry as reg

    for name in reg.names():
        cls = reg.get(name)
        needs = f" needs {', '.join(cls.needs)}" if cls.needs else ""
        _echo(f"{cls.key():<20} produces {', '.join(cls.produces)}{needs} — {cls.description}")


@app.command("eval")
def eval_cmd(
    task_name: Annotated[
        str,
        typer.Argument(metavar="TASK", help="quotes | sentiment | techniques | claims | nli ..."),
    ],
    data: Annotated[Path | None, typer.Option("--data", help="dataset folder")] = None,
    split: Annotated[str, typer.Option("--split", help="dataset split")] = "dev",
    task: Annotated[str | None, typer.Option("--task", help="sub-task, e.g. si | tc")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | json")] = "table",
    limit: Annotated[int | None, typer.Option("--limit", help="first N documents only")] = None,
    predictions: Annotated[
        Path | None,
        typer.Option("--predictions", help="also write predictions here (official format)"),
    ] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Measure an analyzer on a public dataset with its standard metric."""
    from .batch.progress import track
    from .eval import EvalRequest, dataset_dir, eval_tasks, flatten, run_eval

    settings = _settings(config, set_)
    fn = eval_tasks.get(task_name)
    folder = dataset_dir(getattr(fn, "dataset", task_name), data, settings)

    def progress(items: Any, total: int | None, unit: str) -> Any:
        return track(items, f"eval {task_name}", total, unit=unit, log=_err)

    result = run_eval(
        task_name,
        EvalRequest(
            data=folder,
            split=split,
            settings=settings,
            task=task,
            limit=limit,
            predictions=predictions,
            track=progress,
        ),
    )
    if fmt == "json":
        _echo(json.dumps(result))
        return
    for key, value in flatten(result):
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        _echo(f"{key:<48} {shown}")


@db_app.command("list")
def db_list(
    db: DbOpt = None, limit: int = 50, outlet: str | None = None, config: ConfigOpt = None
) -> None:
    """List stored articles."""
    corpus = _open_store(_settings(config, None, db=db))
    for row in corpus.list_articles(limit=limit, outlet=outlet):
        _echo(
            f"{row['id']}  {row['analyses']} analyses  {row['outlet'] or '-':<20} "
            f"{(row['title'] or row['source'] or '')[:60]}"
        )


@db_app.command("show")
def db_show(
    article_id: str,
    fmt: Annotated[str, typer.Option("--format", "-f")] = "json",
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Render the newest stored analysis of an article (id or prefix)."""
    from .reports import render

    corpus = _open_store(_settings(config, None, db=db))
    _write(render(corpus.get_analysis(article_id), fmt))


@db_app.command("stats")
def db_stats(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Count stored articles, analyses and failures."""
    corpus = _open_store(_settings(config, None, db=db))
    stats = corpus.stats()
    _echo(" ".join(f"{k}={v}" for k, v in stats.items()) + f"  ({mask_url(corpus.url)})")


@db_app.command("migrate")
def db_migrate(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Apply pending schema migrations and list what is applied."""
    from .corpus import Store

    corpus = Store(_settings(config, None, db=db).db_url, migrate=False)
    applied = corpus.migrate()
    _echo(
        f"applied now: {', '.join(applied) or 'none'}; "
        f"recorded: {', '.join(corpus.applied_migrations())}"
    )


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
    from .display import terminal_safe

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


def _corpus_page(
    query: str | None,
    outlet: str | None,
    since: str | None,
    until: str | None,
    actor: str | None,
    limit: int,
    offset: int,
    fmt: str,
    db: str | None,
    config: Path | None,
) -> None:
    _format_opt(fmt)
    _page_opts(limit, offset)
    filters: dict[str, Any] = {
        "outlet": outlet,
        "since": _day_opt(since, "--since"),
        "until": _day_opt(until, "--until"),
        "actor": actor,
    }
    corpus = _open_store(_settings(config, None, db=db))
    rows = corpus.search_articles(query, **filters, limit=limit, offset=offset)
    total = corpus.count_articles(query, **filters)
    if fmt == "json":
        _echo(json.dumps({"total": total, "offset": offset, "limit": limit, "articles": rows}))
        return
    for row in rows:
        _echo(
            f"{row['id']}  {_one_line(row['published'] or '-', 10):<10}  "
            f"{_one_line(row['outlet'] or '-', 20):<20}  "
            f"{_one_line(row['title'] or row['source'] or '', 70)}"
        )
    shown = f"{offset + 1}–{offset + len(rows)}" if rows else "none"
    _err(f"{shown} of {total} articles")


@corpus_app.command("list")
def corpus_list(
    outlet: OutletOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    actor: ActorOpt = None,
    limit: LimitOpt = 50,
    offset: OffsetOpt = 0,
    fmt: TextJsonOpt = "text",
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """List stored articles, newest first, one page at a time."""
    _corpus_page(None, outlet, since, until, actor, limit, offset, fmt, db, config)


@corpus_app.command("search")
def corpus_search(
    query: Annotated[str, typer.Argument(help="words that must all occur (title or text)")],
    outlet: OutletOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    actor: ActorOpt = None,
    limit: LimitOpt = 50,
    offset: OffsetOpt = 0,
    fmt: TextJsonOpt = "text",
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Full-text search of the stored articles, best match first."""
    _corpus_page(query, outlet, since, until, actor, limit, offset, fmt, db, config)


@corpus_app.command("show")
def corpus_show(
    article_id: Annotated[str, typer.Argument(help="article id or unique prefix")],
    fmt: TextJsonOpt = "text",
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Show one stored article: metadata, its stories and its text."""
    _format_opt(fmt)
    corpus = _open_store(_settings(config, None, db=db))
    (full_id,) = corpus.resolve_article_ids([article_id])
    article = corpus.get_article(full_id)
    story_ids = corpus.stories_of_article(full_id)
    if fmt == "json":
        _echo(json.dumps({"article": article.model_dump(mode="json"), "stories": story_ids}))
        return
    _echo(_one_line(article.title or "(no title)"))
    meta = [article.outlet, article.author, article.published]
    _echo(_one_line(" · ".join(m for m in meta if m) or "-"))
    if article.url:
        _echo(_one_line(article.url))
    _echo(f"id {article.id}" + (f" · stories {', '.join(story_ids)}" if story_ids else ""))
    _echo("")
    from .display import terminal_safe

    _echo(terminal_safe(article.text))


def _story_line(story: Any) -> str:
    dates = story.since or "-"
    if story.until and story.until != story.since:
        dates += f"..{story.until}"
    return (
        f"{story.id}  {len(story.articles):>3} articles  "
        f"{_one_line(', '.join(story.outlets) or '-', 30):<30}  {dates:<22}  "
        f"{_one_line(story.title, 80)}"
    )


@stories_app.callback(invoke_without_command=True)
def stories_cmd(
    ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    window_days: Annotated[
        int, typer.Option("--window-days", help="most days between two articles of a story")
    ] = 3,
    fmt: TextJsonOpt = "text",
    db: DbOpt = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Group the stored articles into stories, save and print them (id, articles, outlets,
    dates, title). Subcommands: list, show ID, define NAME ID..."""
    if ctx.invoked_subcommand is not None:
        # `stories --db URL show ID` means the same as `stories show ID --db URL`
        ctx.obj = {"db": db, "config": config}
        return
    from .corpus.stories import group_stored
    from .nlp.embedder import load_embedder

    _format_opt(fmt)
    if not 0 <= window_days <= 365:
        raise ConfigError(
            f"--window-days must be between 0 and 365, got {window_days}",
            fix="e.g. --window-days 3",
            value=window_days,
        )
    settings = _settings(config, set_, db=db)
    first, last = _day_opt(since, "--since"), _day_opt(until, "--until")
    corpus = _open_store(settings)
    found = group_stored(
        corpus,
        embedder=load_embedder(settings.embedder_spec),
        since=first,
        until=last,
        window_days=window_days,
    )
    corpus.replace_auto_stories(found, [a for s in found for a in s.articles])
    if fmt == "json":
        _echo(json.dumps([s.model_dump(mode="json") for s in found]))
    else:
        for story in sorted(found, key=lambda s: (-len(s.articles), s.id)):
            _echo(_story_line(story))
    n_articles = sum(len(s.articles) for s in found)
    _err(f"{len(found)} stories from {n_articles} articles (saved in {mask_url(corpus.url)})")


def _stories_store(ctx: typer.Context, db: str | None, config: Path | None) -> Any:
    parent = ctx.obj or {}
    return _open_store(_settings(config or parent.get("config"), None, db=db or parent.get("db")))


@stories_app.command("list")
def stories_list(
    ctx: typer.Context,
    method: Annotated[
        str | None, typer.Option("--method", help="auto | manual (default: both)")
    ] = None,
    limit: LimitOpt = 100,
    offset: OffsetOpt = 0,
    fmt: TextJsonOpt = "text",
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """List the saved stories, latest first."""
    _format_opt(fmt)
    _page_opts(limit, offset)
    if method not in (None, "auto", "manual"):
        raise ConfigError(f"unknown method {method!r}", fix="use auto or manual", value=method)
    corpus = _stories_store(ctx, db, config)
    found = corpus.list_stories(method=method, limit=limit, offset=offset)
    if fmt == "json":
        _echo(json.dumps([s.model_dump(mode="json") for s in found]))
        return
    for story in found:
        _echo(_story_line(story))
    if not found:
        _err(f"no stories in {mask_url(corpus.url)}; group them with `framelens stories`")


@stories_app.command("show")
def stories_show(
    ctx: typer.Context,
    story_id: Annotated[str, typer.Argument(help="story id or unique prefix")],
    fmt: TextJsonOpt = "text",
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Show a story and its articles."""
    _format_opt(fmt)
    corpus = _stories_store(ctx, db, config)
    story = corpus.get_story(story_id)
    if fmt == "json":
        _echo(story.model_dump_json())
        return
    _echo(_story_line(story))
    terms = f" · terms {', '.join(story.terms)}" if story.terms else ""
    _echo(f"method {story.method}{terms}")
    for article_id in story.articles:
        try:
            article = corpus.get_article(article_id)
        except FramelensError:
            _echo(f"  {article_id}  (no longer stored)")
            continue
        _echo(
            f"  {article.id}  {_one_line(article.published or '-', 10):<10}  "
            f"{_one_line(article.outlet or '-', 20):<20}  {_one_line(article.title or '', 70)}"
        )


@stories_app.command("define")
def stories_define(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="the story's title")],
    article_ids: Annotated[list[str], typer.Argument(help="article ids or unique prefixes")],
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Define a story by hand from stored articles."""
    from .corpus.stories import define_story

    title = " ".join(name.split())
    if not title:
        raise ConfigError("a story needs a name", fix='e.g. stories define "Bridge closure" ID...')
    corpus = _stories_store(ctx, db, config)
    ids = corpus.resolve_article_ids(article_ids)
    rows = [corpus.get_article(i).model_dump(include={"id", "outlet", "published"}) for i in ids]
    story = define_story(title, ids, rows)
    corpus.save_story(story)
    _echo(_story_line(story))


def _with_verdicts(analyzers: str | None, settings: Settings) -> str | None:
    """Add the ``verdicts`` analyzer to an explicit list when evidence is given."""
    if settings.evidence and analyzers and "verdicts" not in analyzers.split(","):
        return f"{analyzers},verdicts"
    return analyzers


@app.command()
def check(
    path: Annotated[Path, typer.Argument(help="an article (.txt .html .jsonl: the first one)")],
    evidence: Annotated[
        str, typer.Option("--evidence", help="evidence collections to check against (a,b)")
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="take non-English text too")] = False,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Check an article's claims against evidence: supports / refutes / not-enough-info."""
    from .ingest import read_article
    from .pipeline import Pipeline

    if fmt not in ("text", "json"):
        raise ConfigError(f"unknown format {fmt!r}", fix="use text or json", value=fmt)
    settings = _settings(config, set_, db=db, evidence=evidence)
    analysis = Pipeline(["claims", "verdicts"], settings).analyze(
        read_article(path, settings, force=force)
    )
    if fmt == "json":
        _echo(
            json.dumps(
                {
                    "article": {"id": analysis.article.id, "title": analysis.article.title},
                    "evidence": evidence,
                    "claims": [c.model_dump(mode="json") for c in analysis.claims],
                },
                indent=2,
            )
        )
        return
    if not analysis.claims:
        _echo("no check-worthy claims found")
    from .reports.summaries import claim_sources

    sources = claim_sources(analysis)
    for n, claim in enumerate(analysis.claims, 1):
        _echo(f"{n}. [{claim.score:.2f}] {claim.span.text}")
        if claim.content is not None:
            who = sources.get(claim.id, "unattributed")
            _echo(f"   source: {who} · checked: “{claim.content.text}”")
        if not claim.verdicts:
            _echo("     no passage found in the evidence")
        for v in claim.verdicts:
            where = (
                f"{v.collection}/{v.passage.doc[:10]}:{v.passage.span.start}-{v.passage.span.end}"
            )
            cited = v.passage.span.text.replace("\n", " ")
            cited = cited if len(cited) <= 160 else cited[:157] + "..."
            _echo(
                f"     {v.label:<16} {v.score:.2f}  retrieval {v.retrieval_score or 0:.2f}  "
                f"{where}  “{cited}”"
            )


@evidence_app.command("add")
def evidence_add(
    collection: Annotated[str, typer.Argument(help="collection name (created if new)")],
    paths: Annotated[list[Path], typer.Argument(help="files or directories (.txt .html .pdf ...)")],
    db: DbOpt = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Add documents to an evidence collection (a document already there is skipped)."""
    from .batch.inputs import count_inputs
    from .batch.progress import track
    from .evidence.index import EvidenceIndex

    settings = _settings(config, set_, db=db)
    index = EvidenceIndex(settings.db_url, settings)
    added = known = failed = 0
    items = index.iter_add_paths(collection, paths)
    for item in track(items, "evidence add", count_inputs(paths), unit="documents", log=_err):
        if isinstance(item, Failure):
            failed += 1
            _err(f"skipped {item.source}: {item.line()}")
        elif item.new:
            added += 1
            _echo(f"added {item.name} ({item.doc_id}, {item.passages} passages)")
        else:
            known += 1
            _echo(f"already in {collection}: {item.name} ({item.doc_id})")
    mode = "BM25 + embeddings" if index.lexical else "embeddings only (no SQLite FTS5)"
    _err(
        f"{added} added, {known} already there, {failed} failed → {collection} in "
        f"{mask_url(index.store.url)} [{mode}]"
    )
    if failed:
        raise typer.Exit(1)


@evidence_app.command("list")
def evidence_list(
    collection: Annotated[
        str | None, typer.Argument(help="list this collection's documents")
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """List evidence collections, or the documents of one."""
    from .evidence.index import EvidenceIndex

    settings = _settings(config, None, db=db)
    index = EvidenceIndex(settings.db_url, settings)
    if collection is None:
        rows = index.collections()
        if not rows:
            _err(f"no evidence collections in {mask_url(index.store.url)}")
        for row in rows:
            _echo(
                f"{row['collection']:<24} {row['documents']} documents  {row['passages']} passages"
            )
        return
    index.require([collection])
    for doc in index.documents(collection):
        title = doc["title"] or ""
        _echo(f"{doc['id']}  {doc['passages']:>5} passages  {doc['name'] or '-'}  {title}")


@evidence_app.command("remove")
def evidence_remove(
    collection: Annotated[str, typer.Argument(help="collection name")],
    doc_id: Annotated[
        str | None, typer.Argument(help="document id (or prefix); default: the whole collection")
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Remove a document from a collection, or the whole collection."""
    from .evidence.index import EvidenceIndex

    settings = _settings(config, None, db=db)
    n = EvidenceIndex(settings.db_url, settings).remove(collection, doc_id)
    _echo(f"removed {n} document{'s' if n != 1 else ''} from {collection}")


#: A comparison reads every selected analysis into memory: past this many, narrow it.
MAX_COMPARE_ARTICLES = 2000


def _is_batch_output(path: Path) -> bool:
    from .batch.stats import is_batch_output

    return is_batch_output(path)


def _compare_batch_output(
    out_dir: Path,
    settings: Settings,
    dims: list[str] | None,
    story_id: str | None,
    article_ids: list[str] | None,
    outlets: list[str] | None,
    since: str | None,
    until: str | None,
) -> Any:
    """Compare the analyses of a `framelens batch` output, narrowed by the filters."""
    from .batch.stats import read_analyses as read_batch
    from .compare import compare_analyses

    story = None
    ids: list[str] | None = list(article_ids) if article_ids else None
    if story_id:
        story = _open_store(settings).get_story(story_id)
        ids = sorted(set(story.articles) & set(ids)) if ids is not None else story.articles
    since, until = _day_opt(since, "--since"), _day_opt(until, "--until")
    analyses = read_batch(
        out_dir,
        ids,
        outlets=outlets,
        since=since,
        until=until,
        limit=MAX_COMPARE_ARTICLES + 1,
    )
    if len(analyses) > MAX_COMPARE_ARTICLES:
        raise ConfigError(
            f"more than {MAX_COMPARE_ARTICLES} analyses in {str(out_dir)!r} match",
            fix="narrow them to one story with --story (see `framelens stories`), "
            "--article, --outlet, --since or --until",
            value=str(out_dir),
        )
    if ids is not None:
        missing = sorted(set(ids) - {a.article.id for a in analyses})
        if missing:
            _err(f"note: {len(missing)} article(s) are not in {out_dir}: {', '.join(missing[:3])}")
    return compare_analyses(analyses, story=story, settings=settings, dimensions=dims)


@app.command()
def compare(
    targets: Annotated[
        list[str],
        typer.Argument(
            metavar="STORY | PATH...",
            help="a stored story id, or article files / directories / JSONL (or analysis JSON)",
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="json | md | html | text")] = "text",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="output file")] = None,
    dimensions: Annotated[
        str | None,
        typer.Option("--dimensions", help="comma-separated comparison dimensions (default all)"),
    ] = None,
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="take non-English text too")] = False,
    story_id: Annotated[
        str | None,
        typer.Option(
            "--story", help="with a batch output DIR: compare this stored story's articles"
        ),
    ] = None,
    article_ids: Annotated[
        list[str] | None,
        typer.Option("--article", help="with a batch output DIR: this article id (repeatable)"),
    ] = None,
    outlets: Annotated[
        list[str] | None,
        typer.Option("--outlet", help="with a batch output DIR: only this outlet (repeatable)"),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="with a batch output DIR: published on or after")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="with a batch output DIR: published on or before")
    ] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Compare how several outlets frame one story: labels, sources, quotes, omissions.

    Give a stored story id, article files, or the output directory of `framelens batch`
    narrowed with --story, --article, --outlet, --since and --until.
    """
    from .compare import cached_embedder, compare_analyses, compare_paths
    from .reports.comparison import FORMATS, render_comparison

    if fmt not in FORMATS:
        raise ConfigError(
            f"unknown format {fmt!r}", fix=f"use one of: {', '.join(FORMATS)}", value=fmt
        )
    settings = _settings(config, set_, db=db)
    dims = [d.strip() for d in dimensions.split(",") if d.strip()] if dimensions else None
    paths = [Path(t) for t in targets]
    filtered = bool(story_id or article_ids or outlets or since or until)
    if len(paths) == 1 and paths[0].is_dir() and _is_batch_output(paths[0]):
        comparison = _compare_batch_output(
            paths[0], settings, dims, story_id, article_ids, outlets, since, until
        )
    elif filtered:
        raise ConfigError(
            "--story, --article, --outlet, --since and --until narrow a batch output directory",
            fix="give the --out directory of a `framelens batch` run as the one target",
            value=targets[0],
        )
    elif len(targets) == 1 and not paths[0].exists():
        corpus = _open_store(settings)
        story = corpus.get_story(targets[0])
        found = corpus.get_analyses(story.articles)
        missing = [a for a in story.articles if a not in found]
        if missing:
            _err(f"note: {len(missing)} article(s) of story {story.id} have no stored analysis")
        comparison = compare_analyses(
            list(found.values()),
            story=story,
            settings=settings,
            dimensions=dims,
            embedder=cached_embedder(corpus, settings.embedder_spec),
        )
    else:
        absent = [t for t in targets if not Path(t).exists()]
        if absent:
            raise Errors.E100(
                f"no such file or directory: {absent[0]!r}",
                fix="give article files, directories or JSONL, or one stored story id "
                "(`framelens stories list`)",
                value=absent[0],
            )
        comparison, failures = compare_paths(paths, settings, dimensions=dims, force=force)
        for f in failures:
            _err(f"skipped {f.source}: {f.line()}")
    text = render_comparison(comparison, fmt)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        _err(f"wrote {out}")
    else:
        _write(text)


def _columns_opt(items: list[str] | None) -> dict[str, str]:
    pairs = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(
                f"--column expects field=column, got {item!r}", fix="e.g. --column outlet=source"
            )
        pairs[key.strip()] = value.strip()
    return pairs


@app.command()
def batch(
    paths: Annotated[
        list[Path], typer.Argument(help="JSONL(.gz), CSV, WARC(.gz) files or directories")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="output directory (Parquet)")],
    workers: Annotated[
        int, typer.Option("--workers", "-w", help="Dask worker processes; 0 runs in process")
    ] = 2,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="an existing Dask cluster: tcp://host:8786")
    ] = None,
    analyzers: Annotated[
        str | None,
        typer.Option("--analyzers", "-a", help="comma-separated analyzers (default: all)"),
    ] = None,
    partition_size: Annotated[
        int, typer.Option("--partition-size", help="articles per partition")
    ] = 100,
    memory_limit: Annotated[
        str, typer.Option("--memory-limit", help="memory limit per worker (Dask)")
    ] = "1.5GB",
    text_column: Annotated[str, typer.Option("--text-column", help="CSV text column")] = "text",
    column: Annotated[
        list[str] | None,
        typer.Option("--column", help="CSV metadata column: field=column (repeatable)"),
    ] = None,
    store: Annotated[bool, typer.Option("--store", help="also save analyses in the store")] = False,
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="analyse non-English text too")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="log lines, no bar")] = False,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Analyse many articles into Parquet datasets, resumably, in process or on Dask."""
    from .batch import run_batch
    from .batch.inputs import count_inputs
    from .batch.progress import Reporter

    settings = _settings(config, set_, db=db)
    columns = _columns_opt(column)
    total = count_inputs(paths)
    with Reporter("batch", total, quiet=quiet, log=_err) as bar:
        result = run_batch(
            paths,
            out,
            analyzers=analyzers,
            settings=settings,
            workers=workers,
            scheduler=scheduler,
            partition_size=partition_size,
            memory_limit=memory_limit,
            store=store,
            force=force,
            text_column=text_column,
            columns=columns,
            progress=lambda n, _r: bar.advance(n),
        )
    s = result.to_dict()
    skipped = ", ".join(f"{v} {k}" for k, v in s["skipped"].items()) or "none"
    codes = ", ".join(f"{k}: {v}" for k, v in sorted(s["failures_by_code"].items()))
    _err(
        f"{s['processed']} processed ({s['analysed']} analysed, {s['failed']} failed"
        f"{' — ' + codes if codes else ''}), skipped: {skipped}; "
        f"{s['articles_per_s']} articles/s, {s['words_per_s']} words/s in {s['seconds']}s "
        f"→ {out}"
    )
    if result.failed:
        raise typer.Exit(1)


@app.command()
def stats(
    out: Annotated[Path, typer.Argument(help="output directory of `framelens batch`")],
    question: Annotated[
        str,
        typer.Argument(help="labels | techniques | sources | reuse | actors | failures"),
    ] = "actors",
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | csv | plot")] = "table",
    outlet: Annotated[str | None, typer.Option("--outlet", help="only this outlet")] = None,
    limit: Annotated[int, typer.Option("--limit", help="rows to show (0: all)")] = 0,
) -> None:
    """Answer corpus-level questions over batch output with DuckDB."""
    import csv as csv_mod

    from .batch.stats import PLOT_VALUE, bars, query

    if fmt not in ("table", "csv", "plot"):
        raise ConfigError(f"unknown format {fmt!r}", fix="use table, csv or plot", value=fmt)
    columns, rows = query(out, question, outlet=outlet)
    rows = rows[:limit] if limit > 0 else rows
    if fmt == "csv":
        writer = csv_mod.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "plot":
        for line in bars(columns, rows, PLOT_VALUE.get(question)):
            _echo(line)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns)
        for row in rows:
            table.add_row(*(terminal_safe("" if v is None else str(v)) for v in row))
        Console(width=200).print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on")] = 8000,
    db: DbOpt = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Serve the web app (pages and JSON API) on http://HOST:PORT."""
    import uvicorn

    from .web import create_app

    token = os.environ.get("FRAMELENS_TOKEN") or None
    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        raise Errors.E220(host=host, value=host)
    settings = _settings(config, set_, db=db)
    _err(f"framelens serving {mask_url(settings.db_url)} on http://{host}:{port}")
    uvicorn.run(create_app(settings, token=token), host=host, port=port, log_level="warning")


@app.command()
def version() -> None:
    """Print the framelens version."""
    _echo(__version__)


def main() -> None:
    """Entry point: one line and a non-zero exit for every user-facing error."""
    try:
        app()
    except FramelensError as exc:
        _err(f"error: {exc}")
        sys.exit(2)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG):
            _internal(exc)
        # stdout or an output file the system would not take more of (a full disk, /dev/full)
        with contextlib.suppress(OSError):
            _err(
                f"error: {Errors.E109} could not write the output: {os_reason(exc)} — free some "
                "space or write somewhere else (-o PATH)"
            )
        sys.exit(2)
    except Exception as exc:
        _internal(exc)


def _internal(exc: Exception) -> None:
    if os.environ.get("FRAMELENS_DEBUG"):
        raise exc
    _err(
        f"error: internal error {type(exc).__name__}: {exc} "
        "(set FRAMELENS_DEBUG=1 for a traceback, and please report it)"
    )
    sys.exit(3)


if __name__ == "__main__":
    main()
