"""Evaluation on public datasets with their standard metrics.

Every module of this package registers its tasks with ``eval_tasks`` (``eval.base``) when
imported; importing the package imports them all, so ``eval_tasks`` lists every built-in task.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import EvalRequest, dataset_dir, eval_tasks, flatten, run_eval, task


def _import_tasks() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base" and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_import_tasks()

__all__ = ["EvalRequest", "dataset_dir", "eval_tasks", "flatten", "run_eval", "task"]
