"""One source of rows: what training and evaluation see is exactly what ``load_dataset`` returns for the
same parameters, and ``Rule.generate`` and the builder's shards are one implementation (same rows, same
draw budget, same error when the knobs run out of distinct problems)."""

import datasets
import pytest

from hf_mathrules.data import build_to_cache, load
from hf_mathrules.data.generation import shard_rows, shard_spec
from hf_mathrules.data.loading import split_rows
from hf_mathrules.evaluation import runner
from hf_mathrules.prompting import sft_row
from hf_mathrules.rules import ConfigError, generate_rows, make_rule, rows
from hf_mathrules.train.data import build_sft_datasets, parse_mix, rule_rows

SEED = 5


def test_training_rows_are_the_rows_load_dataset_returns(tmp_path):
    mix = parse_mix(["distributivity:1-2:200"])
    # the same parameters as a user's build: both levels in one dataset, 200 rows per level
    build_to_cache(
        "distributivity", cache_dir=tmp_path, levels=(1, 2), seed=SEED, n_train=400, n_validation=16, n_test=0
    )
    loaded = datasets.load_dataset("hf_mathrules/distributivity", cache_dir=str(tmp_path))
    train = rule_rows(mix, "train", SEED)
    assert train == loaded["train"].to_list()
    assert {r["difficulty"] for r in train} == {1, 2} and len({r["id"] for r in train}) == 400

    sft_train, sft_validation, val_full = build_sft_datasets(
        mix, validation_rows=8, seed=SEED, progress=False
    )
    assert val_full == loaded["validation"].to_list()
    assert sft_validation.to_list() == [sft_row(r) for r in loaded["validation"]]
    key = lambda r: (r["prompt"], r["completion"])  # noqa: E731
    assert sorted(sft_train.to_list(), key=key) == sorted((sft_row(r) for r in loaded["train"]), key=key)


@pytest.mark.parametrize(
    "split, level", [("test", 3), ("validation", 2), ("test_ood_level", 1), ("test_ood_vocab", 1)]
)
def test_evaluated_rows_are_the_rows_of_hf_mathrules_data(tmp_path, monkeypatch, split, level):
    settings = runner.EvalSettings(rules=["distributivity"], splits=[split], levels=[level], n=12, seed=SEED)
    sizes = dict(n_train=0, n_validation=0, n_test=0, n_ood=0)
    sizes["n_ood" if split.startswith("test_ood") else f"n_{split}"] = 12
    expected = load(
        "distributivity", split, cache_dir=tmp_path, levels=(level,), seed=SEED, **sizes
    ).to_list()
    assert runner.cell_rows("distributivity", split, level, settings) == expected

    # the rows scored are those rows: a "model" that answers with each row's own completion is always right
    completion_of = {r["prompt"]: r["completion"] for r in expected}
    monkeypatch.setattr(
        runner, "generate", lambda model, tok, prompts, **kw: [completion_of[p] for p in prompts]
    )
    records, _ = runner.evaluate_loaded(None, None, "echo", settings, progress=False)
    assert [(r["id"], r["prompt"], r["reference"]) for r in records] == [
        (r["id"], r["prompt"], r["answer"]) for r in expected
    ]
    assert all(r["correct"] for r in records)


def test_split_rows_checks_parameters_before_generating():
    with pytest.raises(ConfigError, match="levels"):
        split_rows("distributivity", "train", levels=(9,))
    with pytest.raises(ConfigError, match="unknown split"):
        split_rows("distributivity", "test", n_test=0)


def test_rule_generate_and_builder_shards_are_one_implementation():
    spec = shard_spec("distributivity", "train", 40, SEED, (2,), None, None, {})
    assert list(shard_rows(spec)) == make_rule("distributivity", level=2).generate(
        40, seed=SEED, split="train"
    )
    ood = shard_spec("distributivity", "test_ood_level", 10, SEED, (1,), None, None, {})
    assert list(shard_rows(ood)) == generate_rows("distributivity", 10, seed=SEED, split="test_ood_level")


def _error(call) -> str:
    with pytest.raises(ConfigError) as info:
        call()
    return str(info.value)


def test_one_draw_budget_and_one_exhaustion_error(monkeypatch):
    knobs = {"n_vars": 1, "n_terms": 2, "max_power": 1}  # a few hundred distinct problems in all
    rule = make_rule("distributivity", level=1, **knobs)
    spec = shard_spec("distributivity", "train", 400, 0, (1,), None, None, knobs)
    from_generate = _error(lambda: rule.generate(400, seed=0, split="train"))
    assert from_generate == _error(lambda: list(shard_rows(spec)))
    assert f"in {rows.draw_budget(400)} draws at level 1" in from_generate

    monkeypatch.setattr(rows, "draw_budget", lambda n: 50)  # the one budget: both callers follow it
    assert "in 50 draws" in _error(lambda: rule.generate(400, seed=0, split="train"))
    assert "in 50 draws" in _error(lambda: list(shard_rows(spec)))
