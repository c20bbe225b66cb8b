"""Issue 19 item 3, round 16: one shortcut, checked against the plain work on what the engine itself shows while
it makes items 0..99 of levels 1, 3 and 5 at K = 16 (seed 1):

- ``solution.SHOW_TEMPLATES``: every expression a completion showed, with the values it was shown with and with
  its whole values replaced by others (0, 1, 7, 10, 123456, whole Fractions), filled into its node's template
  is the text rendered afresh; with a negative or a fractional value there is no template (rendered afresh);
- the rows at K = 1, 8 and 16 are the same with the switch off.

Each check fails when the shortcut is wrong (tried on the committed code, then put back: see
benchmarks/ROUND16.md).  The rows are also compared with the commit before this round in separate processes by
``benchmarks/mutation_round9_speed.py --base b563500``; not here: a test cannot assume the repository's history.
"""

import random
from fractions import Fraction

import pytest
from mutation_rows import make_items, rows_the_same_when

from hf_mathrules.mutate import solution, solver


@pytest.fixture(scope="module")
def shown():
    """Every ``_show`` call (node, values, letters) while items 0..99 of levels 1, 3 and 5 were made at K = 16."""
    out = []
    plain = solution._show

    def show(e, values, letters=None):
        out.append((e, dict(values), dict(letters) if letters else letters))
        return plain(e, values, letters)

    solution._show = show
    try:
        make_items(100)
    finally:
        solution._show = plain
    return out


def test_an_expression_filled_into_its_template_is_the_text_rendered_afresh(shown, monkeypatch):
    monkeypatch.setattr(solution, "SHOW_TEMPLATES", True)
    monkeypatch.setattr(solution, "_TEMPLATES", {})
    rng = random.Random(16)
    filled = plain = 0
    for e, values, letters in shown:
        names = solver.free_names(e)
        whole = sorted(n for n in names if n in values and not (letters and n in letters))
        tries = [values]
        if whole:
            tries.append({**values, **{n: rng.choice((0, 1, 7, 10, 123456)) for n in whole}})
            tries.append({**values, **{n: Fraction(rng.randint(0, 99)) for n in whole}})
        for vals in tries:
            want = solution._show_plain(e, vals, names, letters)
            got = solution._show_filled(e, vals, names, letters)
            if got is None:
                plain += 1
            else:
                assert got == want, (e, vals, letters)
                filled += 1
        for odd in (-3, Fraction(-4), Fraction(7, 2)) if whole else ():
            assert solution._show_filled(e, {**values, whole[0]: odd}, names, letters) is None
    assert len(shown) >= 7_000 and filled >= 20_000, (len(shown), filled, plain)


def test_rows_the_same_with_the_shortcut_off(monkeypatch):
    monkeypatch.setattr(solution, "_SHOWN", {})
    monkeypatch.setattr(solution, "_TEMPLATES", {})
    rows_the_same_when(monkeypatch, [(solution, "SHOW_TEMPLATES"), (solution, "_SHOWN", {})])
