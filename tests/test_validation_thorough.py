"""Every rule validates at 100% with SymPy over thousands of rows per level (2,000 per level, levels
1-5 and the out-of-distribution level 6), checked in two worker processes."""

from concurrent.futures import ProcessPoolExecutor

import pytest

from hf_mathrules.rules import make_rule, rule_names
from hf_mathrules.rules.base import LEVELS, OOD_LEVEL

ROWS_PER_LEVEL = 2000
CHUNK = 500


def _validate_chunk(name: str, level: int, start: int) -> tuple[int, list]:
    from hf_mathrules.validate import validate_row

    rule = make_rule(name, level=level)
    failures = []
    for index in range(start, start + CHUNK):
        row = rule.item(7, index)
        row.pop("_canonical")
        errs = validate_row(row, rule)
        if errs:
            failures.append((row["problem"], errs))
    return CHUNK, failures


@pytest.fixture(scope="module")
def pool():
    with ProcessPoolExecutor(max_workers=2) as ex:
        yield ex


@pytest.mark.slow
@pytest.mark.parametrize("name", rule_names())
def test_rule_validates_over_thousands_of_rows_per_level(name, pool):
    jobs = {
        (level, start): pool.submit(_validate_chunk, name, level, start)
        for level in (*LEVELS, OOD_LEVEL)
        for start in range(0, ROWS_PER_LEVEL, CHUNK)
    }
    checked = {}
    for (level, _), job in jobs.items():
        n, failures = job.result()
        assert not failures, (name, level, failures[:3])
        checked[level] = checked.get(level, 0) + n
    assert all(v == ROWS_PER_LEVEL for v in checked.values())
