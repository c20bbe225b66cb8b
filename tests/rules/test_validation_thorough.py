"""Every rule validates at 100% with SymPy at every level (1-5 and the out-of-distribution level 6).
A sample per level keeps this in the test suite's budget; ``benchmarks/validate_all.py`` runs the
exhaustive version (a million rows) and RESULTS.md has its figures."""

import pytest

from hf_mathrules.rules import make_rule, rule_names
from hf_mathrules.rules.base import LEVELS, OOD_LEVEL
from hf_mathrules.validate import validate_row

ROWS_PER_LEVEL = 40


@pytest.mark.parametrize("name", rule_names())
def test_rule_validates_at_every_level(name):
    for level in (*LEVELS, OOD_LEVEL):
        rule = make_rule(name, level=level)
        for index in range(ROWS_PER_LEVEL):
            row = rule.item(11, index)
            row.pop("_canonical")
            errs = validate_row(row, rule)
            assert not errs, (name, level, row["problem"], errs)
