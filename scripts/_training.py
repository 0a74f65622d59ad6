"""What the training scripts share: run as ``python scripts/train_*.py``, they find it on
``sys.path`` (the script's own folder)."""

from __future__ import annotations

import sys
from typing import Any


def torch_mod() -> Any:
    """The torch module, or exit with how to install it (training only; the shipped
    models run in numpy)."""
    try:
        import torch
    except ImportError:
        sys.exit("training needs torch: pip install torch==2.13.0 (the CPU build)")
    return torch
