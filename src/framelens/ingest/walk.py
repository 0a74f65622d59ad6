"""The files under a folder, and a reason for every one that is skipped.

A skipped file is named with its reason, never dropped in silence: a hidden file that has
a readable extension (``..txt``, ``.draft.txt``), a symbolic link that loops or points
nowhere, a link back to a folder already read (a loop), a folder that cannot be read,
a file of an unsupported type. Links to folders are followed once each. Hidden folders
(``.git``) and hidden files of other types (``.DS_Store``) are skipped quietly: they are
never articles.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from ..errors import Errors, os_reason
from ..model import Failure


def _skip(path: Path, stage: str, message: str, fix: str, code: str = Errors.E107.code) -> Failure:
    return Failure(source=str(path), stage=stage, code=code, message=message, fix=fix)


def iter_files(
    folder: Path, supported: set[str], stage: str = "ingest"
) -> Iterator[Path | Failure]:
    """Files under ``folder`` to read, in path order; ``Failure`` records for skipped ones."""
    seen = {folder.resolve()}
    yield from _visit(folder, supported, stage, seen)


def _visit(
    folder: Path, supported: set[str], stage: str, seen: set[Path]
) -> Iterator[Path | Failure]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield _skip(
            folder,
            stage,
            f"folder {str(folder)!r} cannot be read: {os_reason(exc)}",
            "check the folder's permissions",
            code=Errors.E100.code,
        )
        return
    kinds = ", ".join(sorted(supported))
    for entry in entries:
        path = Path(entry.path)
        suffix = path.suffix.lower()
        if entry.name.startswith("."):
            if suffix in supported and not entry.is_dir():
                yield _skip(
                    path,
                    stage,
                    f"{path} is a hidden file (its name starts with '.'), so it is skipped",
                    "rename it without the leading '.' to read it",
                )
            continue
        try:
            info = path.stat()  # follows links
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                why = "is a symbolic link in a loop (it leads back to itself)"
            elif entry.is_symlink():
                why = f"is a broken symbolic link (to {os.readlink(path)!r})"
            else:
                why = f"cannot be read: {os_reason(exc)}"
            yield _skip(
                path, stage, f"{path} {why}", "fix or remove the link", code=Errors.E100.code
            )
            continue
        if stat.S_ISDIR(info.st_mode):
            real = path.resolve()
            if real in seen:
                yield _skip(
                    path,
                    stage,
                    f"{path} links to {str(real)!r}, a folder already read (a symlink loop, "
                    "or a second way to the same folder)",
                    "nothing to do: its files are read once, from the folder itself",
                    code=Errors.E100.code,
                )
                continue
            seen.add(real)
            yield from _visit(path, supported, stage, seen)
        elif not stat.S_ISREG(info.st_mode):
            yield _skip(path, stage, f"{path} is not a regular file", "give files, not devices")
        elif suffix not in supported:
            yield _skip(
                path,
                stage,
                f"{path} has an unsupported extension {path.suffix!r}",
                f"use one of {kinds}",
            )
        else:
            yield path
