"""Shared rows of the issue-21 round-7 tests (tests/mutate/test_mutate_round7_*.py)."""

import pytest

from hf_mathrules.mutate import MutationEngine

# word rows per level, seed 0 (level 6 fills slowest: 0.11 rows per item)
ROUND7_PER_LEVEL = {1: 250, 2: 250, 3: 250, 4: 200, 5: 120, 6: 40}


@pytest.fixture(scope="session")
def round7_rows():
    """About 1,100 word rows over levels 1-6 as the engine emits them (every gate, the read-back among
    them, passed)."""
    out = []
    for lv, n in ROUND7_PER_LEVEL.items():
        eng = MutationEngine(level=lv, second_opinion="none")
        out += eng.items_with_rows(n, seed=0, max_tries=30 * n)
    return out


@pytest.fixture(scope="session")
def round7_symbolic_rows():
    """Linear and system rows at levels 1-6."""
    out = []
    for fam in ("linear", "system"):
        for lv in (1, 2, 3, 4, 5, 6):
            eng = MutationEngine(level=lv, family=fam, second_opinion="none")
            out += eng.items_with_rows(60, seed=3, max_tries=1200)
    return out


# word rows per level for the round-8 tests: another seed than round 7's (seed 0, which --quality reads too)
ROUND8_PER_LEVEL = {1: 80, 2: 80, 3: 80, 4: 60, 5: 40, 6: 20}


@pytest.fixture(scope="session")
def round8_rows():
    """About 360 word rows over levels 1-6 of seed 11, as the engine emits them."""
    out = []
    for lv, n in ROUND8_PER_LEVEL.items():
        eng = MutationEngine(level=lv, second_opinion="none")
        out += eng.items_with_rows(n, seed=11, max_tries=40 * n)
    return out
