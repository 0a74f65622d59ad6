"""What the training scripts share: run as ``python scripts/train_*.py``, they find it on
``sys.path`` (the script's own folder)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def torch_mod() -> Any:
    """The torch module, or exit with how to install it (training only; the shipped
    models run in numpy)."""
    try:
        import torch
    except ImportError:
        sys.exit("training needs torch: pip install torch==2.13.0 (the CPU build)")
    return torch


def cache_dir(task: str) -> Path:
    """The default feature cache of ``task``'s training script: one per encoder file, so
    that features of one encoder never train the heads of another (the id holds a digest
    of the file: a re-exported ``tuned`` encoder gets a cache of its own)."""
    from framelens import load_settings
    from framelens.nlp.embedder import embedder_id

    spec = embedder_id(load_settings().encoder_spec)
    tag = "".join(c if c.isalnum() or c in "-_." else "_" for c in spec)[-60:]
    return Path(f"/tmp/framelens-{task}-{tag}")
