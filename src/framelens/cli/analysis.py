"""``framelens analyze``, ``report``, ``check``, ``eval`` and the reference commands
(``schema``, ``config``, ``errors``, ``analyzers``, ``version``)."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import __version__
from ..analysis_files import read_analyses
from ..config import SETTINGS
from ..display import mask_url
from ..errors import ConfigError, unwritable
from ..model import Failure
from ._common import (
    ConfigOpt,
    DbOpt,
    EvidenceOpt,
    SetOpt,
    _echo,
    _err,
    _ext,
    _make_dir,
    _open_store,
    _settings,
    _with_verdicts,
    _write,
    app,
)


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
    from ..ingest import iter_articles
    from ..pipeline import Pipeline
    from ..reports import FORMATS, render

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
    from ..reports import render

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


@app.command()
def schema(
    comparison: Annotated[
        bool, typer.Option("--comparison", help="the schema of `framelens compare` output")
    ] = False,
) -> None:
    """Print the JSON Schema of the analysis (or, with --comparison, comparison) output."""
    from ..model import comparison_schema, json_schema

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
        from ..config import settings_markdown

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
    from ..errors import catalogue_markdown, catalogue_rows

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
    from ..pipeline import analyzer_registry as reg

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
    from ..batch.progress import track
    from ..eval import EvalRequest, dataset_dir, eval_tasks, flatten, run_eval

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
    from ..ingest import read_article
    from ..pipeline import Pipeline

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
    from ..reports.summaries import claim_sources

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


@app.command()
def version() -> None:
    """Print the framelens version."""
    _echo(__version__)
