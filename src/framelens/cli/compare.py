"""``framelens compare``: stories, files or a batch output across outlets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..config import Settings
from ..errors import ConfigError, Errors
from ._common import (
    ConfigOpt,
    DbOpt,
    SetOpt,
    _day_opt,
    _err,
    _open_store,
    _settings,
    _write,
    app,
)

#: A comparison reads every selected analysis into memory: past this many, narrow it.
MAX_COMPARE_ARTICLES = 2000


def _is_batch_output(path: Path) -> bool:
    from ..batch.stats import is_batch_output

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
    from ..batch.stats import read_analyses as read_batch
    from ..compare import compare_analyses

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
    from ..compare import cached_embedder, compare_analyses, compare_paths
    from ..reports.comparison import FORMATS, render_comparison

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
