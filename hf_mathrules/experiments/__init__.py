"""The rules paper's claims, measured: one module per experiment, each with ``run(options)`` writing
``results.json``, ``table.md`` and a PNG into its folder (``mathrules experiment NAME``)."""

from __future__ import annotations

EXPERIMENTS = {
    "several_rules": "several_rules",
    "unseen_names": "unseen_names",
    "recursion": "recursion",
    "gaussian": "gaussian",
    "transfer": "transfer",
    "grpo": "grpo",
    "lighteval": "harness",
}


def experiment_module(name: str):
    """The module of experiment ``name``."""
    from importlib import import_module

    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; choose one of {', '.join(EXPERIMENTS)}")
    return import_module(f"{__name__}.{EXPERIMENTS[name]}")


__all__ = ["EXPERIMENTS", "experiment_module"]
