"""The corpus store (all SQL lives here)."""

from .store import MIGRATIONS, Store, pipeline_key

__all__ = ["MIGRATIONS", "Store", "pipeline_key"]
