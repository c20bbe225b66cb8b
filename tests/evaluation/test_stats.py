"""Wilson intervals: the figures every accuracy is reported with."""

import pytest

from hf_mathrules.evaluation.stats import format_accuracy, wilson_interval


def test_wilson_interval_known_values():
    lo, hi = wilson_interval(95, 100)
    assert lo == pytest.approx(0.8882, abs=1e-3) and hi == pytest.approx(0.9785, abs=1e-3)
    lo, hi = wilson_interval(0, 20)  # 0% of 20 still allows up to ~16%
    assert lo == 0.0 and hi == pytest.approx(0.1611, abs=1e-3)
    lo, hi = wilson_interval(100, 100)
    assert hi == 1.0 and lo == pytest.approx(0.9630, abs=1e-3)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_wilson_interval_rejects_impossible_counts():
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(5, 3)


def test_format_accuracy():
    assert format_accuracy(97, 100) == "97.0% [91.5, 99.0] (n=100)"
