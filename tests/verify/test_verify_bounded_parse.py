"""Everything the caller does after extraction (conventions, normalization, tokenizing, parsing, the
fast path) is linear or bounded in the answer's length: no answer of up to ``Limits.max_length``
characters can stall the caller outside the worker's timeout."""

from __future__ import annotations

import time

import pytest
from cpu_timing import cpu_seconds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hf_mathrules.verify import VerifyError
from hf_mathrules.verify.core import Settings, fast_decide, prepare

PATTERNS = {
    "one long word": ("xy", "x"),
    "two-letter word": ("ab + c", "ab"),
    "digits": ("1", "1"),
    "sums": ("1", "1+"),
    "percent then spaces": ("1", "% "),
    "digits then a vulgar fraction": ("1", "1"),
    "spaces": ("1", " "),
    "glued \\frac": ("a/b", "\\fracab"),
    "\\frac{d}{dx}": ("1", "\\frac{d}{dx} "),
    "\\int": ("1", "\\int_0^1 "),
    "\\lim": ("1", "\\lim_{x \\to 0} "),
    "repeating decimal": ("1", "0.\\overline{1"),
    "scale words": ("1", "3 thousand "),
    "number words": ("1", "seven "),
    "equals": ("x = 1", "x = "),
    "commas": ("1, 2", "1,"),
    "text": ("1", "\\text{a} "),
    "mixed number": ("1", "1 1/2 "),
    "unit words": ("1", "1 feet "),
}
SUFFIX = {"digits then a vulgar fraction": "½", "repeating decimal": "}", "percent then spaces": "x"}


def _caller_seconds(gold: str, pred: str) -> float:
    s = Settings(extract=False)
    best = float("inf")
    for _ in range(3):
        t = time.process_time()  # this process's CPU time: other load on the machine does not count
        try:
            fast_decide(prepare(gold, pred, s), s)
        except VerifyError:
            pass
        best = min(best, time.process_time() - t)
    return best


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_caller_work_grows_linearly(name):
    gold, unit = PATTERNS[name]
    times = []
    for chars in (1_000, 9_900):
        reps = max(1, (chars - 20) // len(unit))
        times.append(_caller_seconds(gold, unit * reps + SUFFIX.get(name, "")))
    small, big = times
    assert big < 0.5, f"{name}: {big:.3f} CPU s for ~10k characters"
    assert big < max(small, 5e-3) * 30, f"{name}: {small:.4f} s -> {big:.4f} s for 10x the input"


TOKENS = [
    "x", "y", "ab", "1", "23", "+", "-", "*", "/", "^", "(", ")", "{", "}", "[", "]", "=", "<", ",", " ",
    "\\frac", "\\sqrt", "\\int", "\\lim", "\\to", "d", "dx", "\\left(", "\\right)", "%", "½", "\\text{",
    "\\overline{", ".", "thousand", "seven", "\\pm", "\\begin{cases}", "\\end{cases}", "\\\\", "&",
]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=400), st.integers(1, 25))
def test_fuzz_caller_is_fast_and_never_raises(parts, repeat):
    pred = ("".join(parts) * repeat)[:10_000]
    s = Settings(extract=False)

    def call() -> None:
        try:
            fast_decide(prepare("x + 1", pred, s), s)
        except VerifyError:
            pass

    assert cpu_seconds(call, 0.5) < 0.5
