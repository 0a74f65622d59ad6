"""``framelens batch`` and ``stats``: large runs to Parquet, and questions about them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..display import terminal_safe
from ..errors import ConfigError
from ._common import (
    ConfigOpt,
    DbOpt,
    SetOpt,
    _echo,
    _err,
    _settings,
    app,
)


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
    from ..batch import run_batch
    from ..batch.inputs import count_inputs
    from ..batch.progress import Reporter

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

    from ..batch.stats import PLOT_VALUE, bars, query

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
