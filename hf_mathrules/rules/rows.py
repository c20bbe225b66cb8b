"""The one source of rows: the distinct rows of a split, drawn from a range of item indices.

Every way rows are produced goes through ``distinct_rows``: ``Rule.generate`` and ``Rule.iter_rows``,
``generate_rows`` (in ``base.py``), and in the datasets layer the builder's shards and the endless stream (which training
and evaluation read through).  Draw ``k`` takes item index ``start + k * step`` from rule
``rules[k % len(rules)]`` (one rule per level, so with several levels the levels alternate), keeps the
rows whose problem hash falls in the split's bucket and drops repeated problems (all of them, or those
within a bounded window).  The out-of-distribution splits draw from the test bucket, so they can never
coincide with a training problem, and are relabelled with their own name.  ``take_rows`` stops after
``n`` rows, or with a ``ConfigError`` once the draw budget is spent.

A range of draws can also be cut into contiguous chunks generated apart (other processes, other machines):
``distinct_rows(..., keyed=True)`` yields each kept row with its ``problem_key`` (a 16-byte hash of the
problem's identity), and dropping, chunk after chunk in index order, every row whose key an earlier chunk
already kept gives back exactly the rows of one uninterrupted pass (``hf_mathrules.data.generation``
does this for the builder, ``hf_mathrules.data.distributed`` on datatrove).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from .common import OOD_SPLITS, SPLITS, ConfigError


class RuleLike(Protocol):
    """What drawing rows needs of a rule (``hf_mathrules.rules.base.Rule``, which builds on this module)."""

    name: str
    config: Any
    plain_rows: bool

    def item(self, seed: int, index: int) -> dict[str, Any]: ...

    def _row(self, seed: int, index: int, bucket: str | None) -> dict[str, Any] | None: ...


def draw_budget(n: int) -> int:
    """Item draws allowed for ``n`` distinct rows: ample for any knobs with room for ``n`` problems
    (a split keeps 10-80% of draws), yet finite when the knobs admit fewer."""
    return 30 * n + 2000


def problem_key(canonical: str) -> bytes:
    """16 bytes standing for a problem's identity across processes (a collision is a 2**-64 event even
    among billions of problems)."""
    return hashlib.blake2b(canonical.encode(), digest_size=16).digest()


def bucket_of(split: str | None) -> str | None:
    """The problem-hash bucket a split's rows come from (None: every bucket)."""
    if split in OOD_SPLITS:
        return "test"
    if split is not None and split not in SPLITS:
        raise ConfigError(f"unknown split {split!r}; valid: {', '.join((*SPLITS, *OOD_SPLITS))}")
    return split


class SeenProblems:
    """Problem identities (or their keys) already given out; with a ``window``, only the most recent
    ``window`` of them (constant memory for endless streams)."""

    __slots__ = ("_all", "_recent", "_window")

    def __init__(self, window: int | None = None) -> None:
        self._window = window
        self._all: set[str | bytes] = set()  # no window: a plain set, the least memory per entry
        self._recent: OrderedDict[str | bytes, None] = OrderedDict()

    def add(self, canonical: str | bytes) -> bool:
        """Remember ``canonical``; False when it is remembered already (a repeat)."""
        if self._window is None:
            if canonical in self._all:
                return False
            self._all.add(canonical)
            return True
        if canonical in self._recent:
            return False
        self._recent[canonical] = None
        if len(self._recent) > self._window:
            self._recent.popitem(last=False)
        return True


def distinct_rows(
    rules: Sequence[RuleLike],
    seed: int,
    split: str | None = None,
    *,
    start: int = 0,
    step: int = 1,
    draws: int | None = None,
    seen: SeenProblems | None = None,
    keyed: bool = False,
) -> Iterator[Any]:
    """Rows of ``split`` (None: all) from item indices ``start, start + step, ...`` (at most ``draws``
    of them), repeats dropped.  ``seen`` may be shared by several calls (a stream's rules).  Draw ``k``
    uses ``rules[(start + k * step) % len(rules)]`` when ``step`` is 1 and ``rules[k % len(rules)]``
    otherwise, so a chunk ``start, start + 1, ...`` of the index range draws exactly what the whole range
    draws there.  ``seen`` remembers problem keys (16 bytes) rather than the identity strings; with
    ``keyed``, yields ``(problem_key, row)``."""
    bucket = bucket_of(split)
    seen = SeenProblems() if seen is None else seen
    n_rules = len(rules)
    offset = start if step == 1 else 0  # a contiguous chunk keeps the whole range's level cycle
    # rules whose rows are Rule.item's: a draw outside the bucket is dropped before its row is written
    plain = all(r.plain_rows for r in rules)
    k = 0
    while draws is None or k < draws:
        rule = rules[(offset + k) % n_rules]
        if plain:
            row = rule._row(seed, start + k * step, bucket)
            k += 1
            if row is None:
                continue
        else:
            row = rule.item(seed, start + k * step)
            k += 1
            if bucket is not None and row["split"] != bucket:
                continue
        key = problem_key(row.pop("_canonical"))
        if not seen.add(key):
            continue
        if split is not None:
            row["split"] = split
        yield (key, row) if keyed else row


def shortfall(rules: Sequence[RuleLike], got: int, limit: int, split: str | None) -> ConfigError:
    """The error for a split that found only ``got`` distinct problems in ``limit`` draws."""
    levels = [r.config.level for r in rules]
    at = f"level {levels[0]}" if len(levels) == 1 else f"levels {', '.join(map(str, levels))}"
    return ConfigError(
        f"{rules[0].name}: found only {got} distinct {split + ' ' if split else ''}problems in {limit} "
        f"draws at {at}; ask for fewer rows or raise the level/knobs"
    )


def take_rows(
    rules: Sequence[RuleLike], n: int, seed: int, split: str | None = None, max_draws: int | None = None
) -> Iterator[dict[str, Any]]:
    """The first ``n`` distinct rows of ``split`` from item index 0 on; a ``ConfigError`` when the knobs
    allow fewer distinct problems than ``draw_budget(n)`` (or ``max_draws``) draws find."""
    if n <= 0:
        return
    limit = draw_budget(n) if max_draws is None else max_draws
    got = 0
    for row in distinct_rows(rules, seed, split, draws=limit):
        yield row
        got += 1
        if got == n:
            return
    raise shortfall(rules, got, limit, split)


def row_list(
    rules: Sequence[RuleLike],
    n: int,
    seed: int,
    split: str | None = None,
    max_draws: int | None = None,
    progress: bool = False,
) -> list[dict[str, Any]]:
    """``take_rows`` as a list, with an optional progress bar."""
    rows = take_rows(rules, n, seed, split, max_draws)
    if not progress:
        return list(rows)
    from tqdm import tqdm

    with tqdm(total=n, desc=f"generating {rules[0].name}", unit="row") as bar:
        out = []
        for row in rows:
            out.append(row)
            bar.update(1)
        return out
