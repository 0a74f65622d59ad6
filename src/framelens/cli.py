"""The ``framelens`` command: argument parsing around library calls, nothing else."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .config import SETTINGS, Settings, load_settings
from .errors import ConfigError, FramelensError
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


def _err(line: str) -> None:
    typer.echo(line, err=True)


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
    out: Annotated[
        Path | None,
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
    pipeline = Pipeline(_with_verdicts(analyzers, settings), settings)
    corpus = _open_store(settings) if store else None
    single = (
        len(paths) == 1
        and not paths[0].is_dir()
        and paths[0].suffix.lower() not in (".jsonl", ".ndjson")
    )
    per_file_dir = out is not None and (out.is_dir() or str(out).endswith(("/", os.sep)))
    if not single and fmt == "html" and not per_file_dir:
        raise ConfigError(
            "several articles cannot share one HTML page",
            fix="give -o DIRECTORY/ to write one page per article",
            value=str(out),
        )
    if per_file_dir and out is not None:
        out.mkdir(parents=True, exist_ok=True)

    results = pipeline.analyze_many(iter_articles(paths, settings, force=force))
    stream = open(out, "w", encoding="utf-8") if out and not per_file_dir else None  # noqa: SIM115
    ok = failed = 0
    try:
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
            if per_file_dir and out is not None:
                target = out / f"{result.article.id}.{_ext(fmt)}"
                target.write_text(render(result, fmt), encoding="utf-8")
                continue
            if fmt == "json" and not single:
                text = result.to_json(indent=None) + "\n"
            else:
                text = render(result, fmt)
            (stream.write if stream else sys.stdout.write)(text)
    finally:
        if stream:
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

    analyses = list(_read_analyses(analysis_file))
    if len(analyses) != 1 and fmt == "html":
        raise ConfigError(
            f"{analysis_file} holds {len(analyses)} analyses; a page shows one",
            fix="split the JSONL file, or use --format md",
            value=str(analysis_file),
        )
    text = "".join(render(a, fmt) for a in analyses)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _read_analyses(path: Path) -> Iterator[Analysis]:
    from pydantic import ValidationError

    if not path.is_file():
        raise FramelensError(
            f"no such file: {str(path)!r}", fix="check the path", value=str(path), code="E100"
        )
    raw = path.read_text(encoding="utf-8", errors="replace").strip()
    chunks = [raw] if raw.startswith("{") and "\n{" not in raw else raw.splitlines()
    for n, chunk in enumerate(c for c in chunks if c.strip()):
        try:
            yield Analysis.from_json(chunk)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first.get("loc", ()))
            raise FramelensError(
                f"{path} (record {n + 1}) is not a framelens analysis: {first['msg']} at {where}",
                fix="give the JSON written by `framelens analyze --format json`",
                value=str(path),
                code="E108",
            ) from None


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or directories")],
    analyzers: Annotated[str | None, typer.Option("--analyzers", "-a")] = None,
    db: DbOpt = None,
    force: Annotated[bool, typer.Option("--force", help="take non-English text too")] = False,
    skip_done: Annotated[
        bool, typer.Option(help="skip articles already analysed by this pipeline")
    ] = True,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Analyse articles and save them in the store (re-running skips finished work)."""
    from .ingest import iter_articles
    from .model import Article
    from .pipeline import Pipeline

    settings = _settings(config, set_, db=db)
    corpus = _open_store(settings)
    pipeline = Pipeline(analyzers, settings)
    versions = pipeline.versions
    counts = {"new": 0, "skipped": 0, "failed": 0}

    def todo() -> Iterator[Article | Failure]:
        for item in iter_articles(paths, settings, force=force):
            if skip_done and isinstance(item, Article) and corpus.has_analysis(item.id, versions):
                counts["skipped"] += 1
                continue
            yield item

    for result in pipeline.analyze_many(todo()):
        if isinstance(result, Failure):
            counts["failed"] += 1
            corpus.save_failure(result)
            _err(f"skipped {result.source}: {result.line()}")
        else:
            corpus.save_analysis(result)
            counts["new"] += 1
    _err(
        f"{counts['new']} stored, {counts['skipped']} already done, {counts['failed']} failed "
        f"→ {corpus.url}"
    )
    if counts["failed"]:
        raise typer.Exit(1)


def _open_store(settings: Settings) -> Any:
    from .corpus import Store

    return Store(settings.db_url)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the analysis output."""
    from .model import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@app.command("config")
def config_cmd(config: ConfigOpt = None, set_: SetOpt = None) -> None:
    """Show every setting, its value and where the value came from."""
    settings = _settings(config, set_)
    width = max(len(s.name) for s in SETTINGS)
    for s in SETTINGS:
        value = settings.values[s.name]
        shown = settings.db_url if s.name == "db" and not value else value
        typer.echo(f"{s.name:<{width}}  {shown!r:<32} [{settings.sources[s.name]}]  {s.help}")


@app.command("analyzers")
def list_analyzers() -> None:
    """List the registered analyzers with their versions, needs and outputs."""
    from .registry import analyzers as reg

    for name in reg.names():
        cls = reg.get(name)
        needs = f" needs {', '.join(cls.needs)}" if cls.needs else ""
        typer.echo(f"{cls.key():<20} produces {', '.join(cls.produces)}{needs} — {cls.description}")


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
    from .eval import EvalRequest, dataset_dir, flatten, run_eval
    from .registry import eval_tasks

    settings = _settings(config, set_)
    fn = eval_tasks.get(task_name)
    folder = dataset_dir(getattr(fn, "dataset", task_name), data, settings)
    result = run_eval(
        task_name,
        EvalRequest(
            data=folder,
            split=split,
            settings=settings,
            task=task,
            limit=limit,
            predictions=predictions,
        ),
    )
    if fmt == "json":
        typer.echo(json.dumps(result))
        return
    for key, value in flatten(result):
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        typer.echo(f"{key:<48} {shown}")


@db_app.command("list")
def db_list(
    db: DbOpt = None, limit: int = 50, outlet: str | None = None, config: ConfigOpt = None
) -> None:
    """List stored articles."""
    corpus = _open_store(_settings(config, None, db=db))
    for row in corpus.list_articles(limit=limit, outlet=outlet):
        typer.echo(
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
    sys.stdout.write(render(corpus.get_analysis(article_id), fmt))


@db_app.command("stats")
def db_stats(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Count stored articles, analyses and failures."""
    corpus = _open_store(_settings(config, None, db=db))
    stats = corpus.stats()
    typer.echo(" ".join(f"{k}={v}" for k, v in stats.items()) + f"  ({corpus.url})")


@db_app.command("migrate")
def db_migrate(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Apply pending schema migrations and list what is applied."""
    from .corpus import Store

    corpus = Store(_settings(config, None, db=db).db_url, migrate=False)
    applied = corpus.migrate()
    typer.echo(
        f"applied now: {', '.join(applied) or 'none'}; "
        f"recorded: {', '.join(corpus.applied_migrations())}"
    )


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
        typer.echo(
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
        typer.echo("no check-worthy claims found")
    from .reports.summaries import claim_sources

    sources = claim_sources(analysis)
    for n, claim in enumerate(analysis.claims, 1):
        typer.echo(f"{n}. [{claim.score:.2f}] {claim.span.text}")
        if claim.content is not None:
            who = sources.get(claim.id, "unattributed")
            typer.echo(f"   source: {who} · checked: “{claim.content.text}”")
        if not claim.verdicts:
            typer.echo("     no passage found in the evidence")
        for v in claim.verdicts:
            where = (
                f"{v.collection}/{v.passage.doc[:10]}:{v.passage.span.start}-{v.passage.span.end}"
            )
            cited = v.passage.span.text.replace("\n", " ")
            cited = cited if len(cited) <= 160 else cited[:157] + "..."
            typer.echo(
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
    from .evidence.index import EvidenceIndex

    settings = _settings(config, set_, db=db)
    index = EvidenceIndex(settings.db_url, settings)
    added = known = failed = 0
    for item in index.add_paths(collection, paths):
        if isinstance(item, Failure):
            failed += 1
            _err(f"skipped {item.source}: {item.line()}")
        elif item.new:
            added += 1
            typer.echo(f"added {item.name} ({item.doc_id}, {item.passages} passages)")
        else:
            known += 1
            typer.echo(f"already in {collection}: {item.name} ({item.doc_id})")
    mode = "BM25 + embeddings" if index.lexical else "embeddings only (no SQLite FTS5)"
    _err(
        f"{added} added, {known} already there, {failed} failed → {collection} in "
        f"{index.store.url} [{mode}]"
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
            _err(f"no evidence collections in {index.store.url}")
        for row in rows:
            typer.echo(
                f"{row['collection']:<24} {row['documents']} documents  {row['passages']} passages"
            )
        return
    index.require([collection])
    for doc in index.documents(collection):
        title = doc["title"] or ""
        typer.echo(f"{doc['id']}  {doc['passages']:>5} passages  {doc['name'] or '-'}  {title}")


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
    typer.echo(f"removed {n} document{'s' if n != 1 else ''} from {collection}")


@app.command()
def version() -> None:
    """Print the framelens version."""
    typer.echo(__version__)


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
    except Exception as exc:
        if os.environ.get("FRAMELENS_DEBUG"):
            raise
        _err(
            f"error: internal error {type(exc).__name__}: {exc} "
            "(set FRAMELENS_DEBUG=1 for a traceback, and please report it)"
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
