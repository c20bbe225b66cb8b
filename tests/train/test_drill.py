"""Arithmetic drill rows (``--arithmetic_rows``): right answers, one token per number, mixed into training."""

import re
from collections import Counter

import pytest

from hf_mathrules.cli import main
from hf_mathrules.train.config import parse_train_args
from hf_mathrules.train.drill import LIMIT, drill_kind, drill_row, drill_rows
from hf_mathrules.verify import verify

NUMBER = re.compile(r"\d+")


def test_rows_are_pure_functions_of_seed_and_index():
    rows = drill_rows(50, seed=3)
    assert rows[17] == drill_row(3, 17)
    assert rows != drill_rows(50, seed=4)
    assert len({r["prompt"] for r in rows}) > 45


def test_every_answer_is_the_value_of_its_expression():
    """Checked by the project's checker (an independent parse), not by the generator's own arithmetic."""
    for r in drill_rows(300, seed=1):
        header, expression, tail = r["prompt"].split("\n")
        assert header == "Compute:" and tail == ""
        answer = r["completion"].removeprefix("Answer: ")
        assert r["completion"].startswith("Answer: ")
        assert verify(expression, answer).correct, r
        assert not verify(expression, str(int(answer) + 1)).correct


def test_numbers_stay_below_1000_and_each_kind_appears():
    rows = drill_rows(2000)
    numbers = [int(n) for r in rows for n in NUMBER.findall(r["prompt"] + r["completion"])]
    assert max(numbers) <= LIMIT
    kinds = Counter(drill_kind(r["prompt"]) for r in rows)
    assert kinds["sum"] > kinds["product"] > kinds["quotient"] > 100
    assert sum(n >= 100 for n in numbers) > len(numbers) / 4  # the hundreds, not only small sums


def test_every_number_is_one_token_of_the_math_tokenizer():
    from hf_mathrules.train.tiny import math_tokenizer

    rows = drill_rows(500)
    tok = math_tokenizer([r["prompt"] + r["completion"] for r in rows])
    for r in rows[:100]:
        pieces = tok.tokenize(r["prompt"] + r["completion"])
        assert [p for p in pieces if p.isdigit()] == NUMBER.findall(r["prompt"] + r["completion"])


def test_drill_rows_join_the_training_rows():
    from hf_mathrules.train.data import build_sft_datasets, parse_mix

    mix = parse_mix(["distributivity:1:20"])
    train, _, _ = build_sft_datasets(mix, validation_rows=2, progress=False, arithmetic_rows=30)
    drills = [r for r in train if r["prompt"].startswith("Compute:\n")]
    assert len(train) == 50 and len(drills) == 30
    assert sorted(d["prompt"] for d in drills) == sorted(r["prompt"] for r in drill_rows(30))


def test_the_option_parses_and_a_negative_count_is_one_clear_error(tmp_path, capsys):
    margs, _, _ = parse_train_args(["--arithmetic_rows", "1000", "--output_dir", str(tmp_path / "o")])
    assert margs.arithmetic_rows == 1000
    assert main(["train", "--arithmetic_rows", "-1", "--output_dir", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--arithmetic_rows must not be negative" in err[0]


@pytest.mark.parametrize("n", [-1])
def test_drill_rows_refuse_a_negative_count(n):
    with pytest.raises(ValueError, match="must not be negative"):
        drill_rows(n)
