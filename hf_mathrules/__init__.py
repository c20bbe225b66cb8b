"""hf-mathrules: synthetic data that teaches language models mathematical rules, and a checker for
what they answer."""

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # ``hf_mathrules.load`` / ``hf_mathrules.verify``, imported lazily so ``import hf_mathrules`` stays light
    if name == "load":
        from .data import load

        return load
    if name == "verify":
        import importlib

        return importlib.import_module(".verify", __name__)
    raise AttributeError(f"module 'hf_mathrules' has no attribute {name!r}")
