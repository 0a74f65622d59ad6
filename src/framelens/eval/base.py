"""What every eval task is: an ``EvalRequest`` in, a result dict out, registered by name.

Each task registers a function ``(EvalRequest) -> dict`` with ``eval_tasks`` through the
``task`` decorator (or through the ``framelens.eval_tasks`` entry-point group);
``framelens eval TASK`` finds it by name. The task modules import this module, never the
package, which imports them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings, find_datasets_dir
from ..errors import NotFound
from ..registry import Registry

#: The eval tasks by name.
eval_tasks = Registry("eval task", entry_points="framelens.eval_tasks")


def untracked(items: Iterable[Any], total: int | None = None, unit: str = "") -> Iterable[Any]:
    """``EvalRequest.track`` when nobody watches: the items as they are."""
    return items


@dataclass
class EvalRequest:
    """What ``framelens eval`` passes to a task."""

    data: Path
    split: str
    settings: Settings
    task: str | None = None
    limit: int | None = None
    predictions: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)
    #: Wraps a task's long loop: ``track(items, total, unit)`` yields ``items`` and reports
    #: each one done (``framelens eval`` shows a progress bar or log lines).
    track: Callable[[Iterable[Any], int | None, str], Iterable[Any]] = field(
        default=untracked, repr=False
    )


def dataset_dir(name: str, data: str | Path | None, settings: Settings) -> Path:
    """``data`` if given, else ``<datasets_dir>/<name>``; ``NotFound`` with a fix otherwise."""
    if data:
        path = Path(data)
    else:
        root = find_datasets_dir(settings)
        if root is None:
            raise NotFound(
                f"no datasets folder found for {name!r}",
                fix="pass --data PATH or set datasets_dir (FRAMELENS_DATASETS_DIR)",
                value=name,
            )
        path = root / name
    if not path.is_dir():
        raise NotFound(
            f"dataset folder {str(path)!r} does not exist",
            fix="pass --data with the folder of the dataset (see ../shared/datasets)",
            value=str(path),
        )
    return path


def task(name: str, dataset: str) -> Any:
    """Register an eval task ``name`` whose data live in ``<datasets_dir>/<dataset>``."""

    def deco(fn: Any) -> Any:
        fn.dataset = dataset
        eval_tasks.register(name)(fn)
        return fn

    return deco


def run_eval(name: str, request: EvalRequest) -> dict[str, Any]:
    fn = eval_tasks.get(name)
    result: dict[str, Any] = fn(request)
    return result


def flatten(result: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested result dict -> ``(dotted.key, value)`` rows for a table."""
    rows: list[tuple[str, Any]] = []
    for key, value in result.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(flatten(value, name + "."))
        else:
            rows.append((name, value))
    return rows
