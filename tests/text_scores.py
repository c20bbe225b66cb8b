"""Text scores the mutation tests share (importable from every test folder: conftest puts tests/ on the path)."""

import re


def repeated_4grams(text: str) -> float:
    """The fluency score's "repeated 4-grams within a text" (benchmarks/mutation.py FLUENCY_RUNNER)."""
    toks = [
        ("<num>" if w[0].isdigit() else w.lower())
        for w in re.findall(r"[A-Za-z']+|[0-9]+(?:[.,][0-9]+)*", text)
    ]
    grams = [tuple(toks[i : i + 4]) for i in range(len(toks) - 3)]
    return sum(1 for i, g in enumerate(grams) if g in grams[:i]) / max(len(grams), 1)
