"""``framelens ingest``, ``db``, ``corpus``, ``stories`` and ``serve``: the store and
what reads it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from ..display import mask_url, terminal_safe
from ..errors import ConfigError, Errors, FramelensError
from ..model import Analysis, Failure
from ._common import (
    ActorOpt,
    ConfigOpt,
    DbOpt,
    LimitOpt,
    OffsetOpt,
    OutletOpt,
    SetOpt,
    SinceOpt,
    TextJsonOpt,
    UntilOpt,
    _day_opt,
    _echo,
    _err,
    _format_opt,
    _one_line,
    _open_store,
    _page_opts,
    _settings,
    _write,
    app,
    corpus_app,
    db_app,
    stories_app,
)


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
    from ..compare import cached_embedder, embed_ahead
    from ..ingest import iter_articles
    from ..model import Article
    from ..pipeline import Pipeline

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

    from ..batch.inputs import count_inputs
    from ..batch.progress import Reporter

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
    from ..reports import render

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
    from ..corpus import Store

    corpus = Store(_settings(config, None, db=db).db_url, migrate=False)
    applied = corpus.migrate()
    _echo(
        f"applied now: {', '.join(applied) or 'none'}; "
        f"recorded: {', '.join(corpus.applied_migrations())}"
    )


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
    from ..corpus.stories import group_stored
    from ..nlp.embedder import load_embedder

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
    from ..corpus.stories import define_story

    title = " ".join(name.split())
    if not title:
        raise ConfigError("a story needs a name", fix='e.g. stories define "Bridge closure" ID...')
    corpus = _stories_store(ctx, db, config)
    ids = corpus.resolve_article_ids(article_ids)
    rows = [corpus.get_article(i).model_dump(include={"id", "outlet", "published"}) for i in ids]
    story = define_story(title, ids, rows)
    corpus.save_story(story)
    _echo(_story_line(story))


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

    from ..web import create_app

    token = os.environ.get("FRAMELENS_TOKEN") or None
    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        raise Errors.E220(host=host, value=host)
    settings = _settings(config, set_, db=db)
    _err(f"framelens serving {mask_url(settings.db_url)} on http://{host}:{port}")
    uvicorn.run(create_app(settings, token=token), host=host, port=port, log_level="warning")
