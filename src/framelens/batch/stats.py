"""Corpus-level questions over ``framelens batch`` output, answered with DuckDB.

Each question is one SQL query over the Parquet datasets (``DIR/<type>/*.parquet``);
``query`` returns column names and rows, which the CLI prints as a table, CSV or a
text bar chart. Months come from the first 7 characters of ``published`` (YYYY-MM).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import Errors
from .writer import MANIFEST, TYPES

_MONTH = "coalesce(substr(a.published, 1, 7), '?')"
_OUTLET = "coalesce(a.outlet, '?')"

#: question -> (help, SQL with {t} placeholders for the datasets)
QUESTIONS: dict[str, tuple[str, str]] = {
    "labels": (
        "per outlet and month, the label lemmas and classes used for each actor",
        f"""
        SELECT {_OUTLET} AS outlet, {_MONTH} AS month, l.actor, l.lemma, l.class,
               count(*) AS n
        FROM {{labels}} l JOIN {{articles}} a ON a.id = l.article_id
        GROUP BY ALL ORDER BY outlet, month, l.actor, n DESC, l.lemma
        """,
    ),
    "techniques": (
        "per outlet and month, technique spans per 1,000 words",
        f"""
        WITH w AS (
            SELECT {_OUTLET} AS outlet, {_MONTH} AS month, sum(a.words) AS words,
                   count(*) AS articles
            FROM {{articles}} a GROUP BY ALL),
        t AS (
            SELECT {_OUTLET} AS outlet, {_MONTH} AS month, t.technique, count(*) AS spans
            FROM {{techniques}} t JOIN {{articles}} a ON a.id = t.article_id GROUP BY ALL)
        SELECT w.outlet, w.month, coalesce(t.technique, '(none)') AS technique,
               coalesce(t.spans, 0) AS spans, w.words,
               round(1000.0 * coalesce(t.spans, 0) / nullif(w.words, 0), 3) AS per_1000_words
        FROM w LEFT JOIN t USING (outlet, month)
        ORDER BY w.outlet, w.month, per_1000_words DESC
        """,
    ),
    "sources": (
        "the most-quoted sources and their types",
        """
        SELECT q.speaker,
               coalesce(mode(q.source_type) FILTER (WHERE q.source_type <> 'unknown'),
                        'unknown') AS type,
               count(*) AS quotes,
               count(DISTINCT q.article_id) AS articles,
               count(DISTINCT coalesce(q.outlet, '?')) AS outlets
        FROM {quotes} q WHERE q.speaker IS NOT NULL AND q.kind <> 'stance'
        GROUP BY q.speaker ORDER BY quotes DESC, q.speaker LIMIT 50
        """,
    ),
    "reuse": (
        "quotes reused across outlets (same quoted words in more than one outlet)",
        """
        SELECT lower(trim(q.content)) AS quote, count(DISTINCT coalesce(q.outlet, '?'))
               AS outlets, count(*) AS uses, string_agg(DISTINCT coalesce(q.outlet, '?'),
               ', ' ORDER BY coalesce(q.outlet, '?')) AS outlet_names
        FROM {quotes} q WHERE length(q.content) >= 20 AND q.kind <> 'stance'
        GROUP BY 1 HAVING count(DISTINCT coalesce(q.outlet, '?')) > 1
        ORDER BY outlets DESC, uses DESC, quote LIMIT 50
        """,
    ),
    "actors": (
        "the share of articles in which each actor appears, and where it is first mentioned",
        """
        WITH n AS (SELECT count(*) AS total FROM {articles})
        SELECT x.name AS actor, mode(x.type) AS type, count(DISTINCT x.article_id) AS articles,
               round(count(DISTINCT x.article_id) / any_value(n.total), 4) AS share,
               round(avg(x.first_mention_relative), 3) AS mean_first_mention,
               round(avg(CASE WHEN x.first_mention_relative < 0.1 THEN 1 ELSE 0 END), 3)
                   AS share_first_tenth
        FROM {actors} x, n GROUP BY x.name ORDER BY articles DESC, actor LIMIT 50
        """,
    ),
    "failures": (
        "failed and skipped items by stage and error code",
        """
        SELECT stage, code, count(*) AS items, any_value(message) AS example
        FROM {failures} GROUP BY stage, code ORDER BY items DESC
        """,
    ),
}


def _datasets(out: Path) -> dict[str, str]:
    if not (out / MANIFEST).exists():
        raise Errors.E100(
            f"{str(out)!r} is not a framelens batch output (no {MANIFEST})",
            fix="give the --out directory of a `framelens batch` run",
            value=str(out),
        )
    names: dict[str, str] = {}
    for kind in TYPES:
        pattern = str(out / kind / "*.parquet").replace("'", "''")
        names[kind] = f"read_parquet('{pattern}', union_by_name=true)"
    return names


def query(
    out: str | Path, question: str, *, outlet: str | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows answering ``question`` (a key of ``QUESTIONS``) over ``out``."""
    import duckdb

    if question not in QUESTIONS:
        raise Errors.E100(
            f"unknown question {question!r}",
            fix=f"use one of: {', '.join(QUESTIONS)}",
            value=question,
        )
    sql = QUESTIONS[question][1].format(**_datasets(Path(out)))
    with _duckdb(out) as con:
        rel = con.sql(sql)
        if outlet is not None and "outlet" in rel.columns:
            rel = rel.filter(duckdb.ColumnExpression("outlet") == duckdb.ConstantExpression(outlet))
        return list(rel.columns), rel.fetchall()


@contextlib.contextmanager
def _duckdb(out: str | Path) -> Iterator[Any]:
    """A DuckDB connection; a batch output with no files yet is one coded error."""
    import duckdb

    con = duckdb.connect()
    try:
        yield con
    except duckdb.IOException as exc:
        raise Errors.E100(
            f"cannot read the batch output in {str(out)!r} ({str(exc).splitlines()[0]})",
            fix="run `framelens batch` to completion first",
            value=str(out),
        ) from None
    finally:
        con.close()


#: The column each question's plot draws.
PLOT_VALUE = {
    "labels": "n",
    "techniques": "per_1000_words",
    "sources": "quotes",
    "reuse": "outlets",
    "actors": "share",
    "failures": "items",
}


def bars(
    columns: list[str], rows: list[tuple[Any, ...]], value: str | None = None, width: int = 40
) -> list[str]:
    """A text bar chart of column ``value`` (default: the first numeric one), labelled by
    the text columns."""
    if not rows:
        return []
    if value in columns:
        num = columns.index(value)
    else:
        num = min(i for i, v in enumerate(rows[0]) if isinstance(v, int | float))
    values = [float(r[num] or 0) for r in rows]
    top = max(values) or 1.0
    text_cols = [i for i, v in enumerate(rows[0]) if not isinstance(v, int | float) and i != num]
    text_cols = [i for i in text_cols if columns[i] not in ("example", "outlet_names")]
    labels = [" / ".join(str(r[i]) for i in text_cols)[:60] for r in rows]
    pad = max(len(s) for s in labels)
    return [
        f"{lab:<{pad}}  {'█' * max(0, round(width * v / top)):<{width}}  {v:g}"
        for lab, v in zip(labels, values, strict=True)
    ]


def read_analyses(
    out: str | Path,
    ids: list[str] | None = None,
    *,
    outlets: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[Any]:
    """The full ``Analysis`` records kept in ``DIR/articles/``: all, or those ``ids``,
    narrowed to ``outlets`` and to a publication date range (``since``/``until``, ISO
    dates, inclusive), at most ``limit`` of them, oldest id first.

    What ``framelens.compare.compare_analyses`` and the reports take, at corpus scale:
    DuckDB reads only the matching rows' ``analysis`` column.
    """

    from ..model import Analysis

    table = _datasets(Path(out))["articles"]
    where: list[str] = []
    params: list[Any] = []
    if ids is not None:
        where.append("list_contains(?, id)")
        params.append(list(ids))
    if outlets:
        where.append("list_contains(?, outlet)")
        params.append(list(outlets))
    if since:
        where.append("published IS NOT NULL AND substr(published, 1, 10) >= ?")
        params.append(since[:10])
    if until:
        where.append("published IS NOT NULL AND substr(published, 1, 10) <= ?")
        params.append(until[:10])
    sql = f"SELECT analysis FROM {table}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    with _duckdb(out) as con:
        rows = con.execute(sql, params).fetchall()
    return [Analysis.from_json(r[0]) for r in rows]


def is_batch_output(path: str | Path) -> bool:
    """Whether ``path`` is the ``--out`` directory of a ``framelens batch`` run."""
    return (Path(path) / MANIFEST).is_file()
