"""``random.Random``'s draws written out for the generators' hot paths: each function consumes exactly the
random bits the standard library method it names consumes (so rows stay a pure function of the seed and
never change), without the method's argument checks and nested calls.  Only an exact ``random.Random`` takes
the fast path; any other generator (a subclass, ``SystemRandom``) gets the standard method.
``tests/expr/test_expr.py`` checks every function against the standard library, state for state."""

from __future__ import annotations

import random

_Random = random.Random


def below(rng: random.Random, n: int) -> int:
    """``rng._randbelow(n)`` for ``n > 0``: ``getrandbits(n.bit_length())`` until below ``n``."""
    if type(rng) is not _Random:
        return rng._randbelow(n)
    g = rng.getrandbits
    k = n.bit_length()
    r = g(k)
    while r >= n:
        r = g(k)
    return r


def randint(rng: random.Random, lo: int, hi: int) -> int:
    """``rng.randint(lo, hi)``.  (``below``'s loop is written out here and in ``choice`` on purpose: these
    run several times per generated row, and the extra call was measurable.)"""
    n = hi - lo + 1
    if n <= 0 or type(rng) is not _Random:
        return rng.randint(lo, hi)  # raises the standard error for an empty range
    g = rng.getrandbits
    k = n.bit_length()
    r = g(k)
    while r >= n:
        r = g(k)
    return lo + r


def choice(rng: random.Random, seq):
    """``rng.choice(seq)`` for a non-empty sequence."""
    n = len(seq)
    if not n or type(rng) is not _Random:
        return rng.choice(seq)
    g = rng.getrandbits
    k = n.bit_length()
    r = g(k)
    while r >= n:
        r = g(k)
    return seq[r]


def shuffle(rng: random.Random, x: list) -> None:
    """``rng.shuffle(x)``."""
    if type(rng) is not _Random:
        rng.shuffle(x)
        return
    g = rng.getrandbits
    for i in reversed(range(1, len(x))):
        n = i + 1
        k = n.bit_length()
        j = g(k)
        while j >= n:
            j = g(k)
        x[i], x[j] = x[j], x[i]


def sample(rng: random.Random, population, k: int) -> list:
    """``rng.sample(population, k)``: both of the standard library's branches for ``k <= 5`` (a pool when
    the population has at most 21 items, a set of taken indices otherwise); anything else delegated."""
    n = len(population)
    if type(rng) is not _Random or not 0 <= k <= 5 or k > n or type(population) not in (list, tuple):
        return rng.sample(population, k)
    g = rng.getrandbits
    out = []
    if n <= 21:
        pool = list(population)
        for i in range(k):
            m = n - i
            b = m.bit_length()
            j = g(b)
            while j >= m:
                j = g(b)
            out.append(pool[j])
            pool[j] = pool[m - 1]
        return out
    b = n.bit_length()
    taken: set[int] = set()
    for _ in range(k):
        j = g(b)
        while j >= n or j in taken:  # randbelow(n) again while j was taken: the same draws
            j = g(b)
        taken.add(j)
        out.append(population[j])
    return out
