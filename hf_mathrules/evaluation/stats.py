"""Confidence intervals for accuracies: every figure reported with its n and a 95% Wilson interval (a 0% or
100% of a small n says little; the interval says how little)."""

from __future__ import annotations

import math


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion (95% by default); ``(0, 1)`` when ``n`` is 0."""
    if n <= 0:
        return 0.0, 1.0
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in [0, n={n}], got {successes}")
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def format_accuracy(successes: int, n: int) -> str:
    """``97.0% [91.5, 99.0] (n=100)``."""
    lo, hi = wilson_interval(successes, n)
    return f"{100 * successes / max(1, n):.1f}% [{100 * lo:.1f}, {100 * hi:.1f}] (n={n})"
