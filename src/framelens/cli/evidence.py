"""``framelens evidence add|list|remove``: the collections claims are checked against."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..display import mask_url
from ..model import Failure
from ._common import (
    ConfigOpt,
    DbOpt,
    SetOpt,
    _echo,
    _err,
    _settings,
    evidence_app,
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
    from ..batch.inputs import count_inputs
    from ..batch.progress import track
    from ..evidence.index import EvidenceIndex

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
    from ..evidence.index import EvidenceIndex

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
    from ..evidence.index import EvidenceIndex

    settings = _settings(config, None, db=db)
    n = EvidenceIndex(settings.db_url, settings).remove(collection, doc_id)
    _echo(f"removed {n} document{'s' if n != 1 else ''} from {collection}")
