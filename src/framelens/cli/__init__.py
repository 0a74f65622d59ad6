"""The ``framelens`` command: argument parsing around library calls, nothing else.

One module per command group (``analysis``, ``corpus``, ``evidence``, ``compare``,
``batch``), each registering its commands on the one Typer ``app`` of ``_common``;
``main`` turns every user-facing error into one line and exit status 2.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys

from ..errors import Errors, FramelensError, os_reason

# Importing a group registers its commands; this order is the order of `framelens --help`.
# isort: off
from . import analysis, corpus, evidence, compare, batch  # noqa: F401

# isort: on
from ._common import _err, app

__all__ = ["app", "main"]


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
