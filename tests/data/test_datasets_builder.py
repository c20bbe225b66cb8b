"""The datasets builder: exact rows, splits, num_proc independence, cache hashing, bad input, atomic builds."""

import json
import shutil
from pathlib import Path

import datasets
import pytest

from hf_mathrules.data import MathRules, build_to_cache, load, make_config
from hf_mathrules.data import generation as gen
from hf_mathrules.rules import ConfigError, Rule, make_rule, rule_names

SMALL = dict(n_train=50, n_validation=20, n_test=20, n_ood=10)


def test_single_rule_rows_equal_rule_generate(tmp_path):
    ds = load("distributivity", cache_dir=tmp_path, seed=3, levels=(2,), **SMALL)
    rule = make_rule("distributivity", level=2)
    for split, n in (("train", 50), ("validation", 20), ("test", 20)):
        assert ds[split].to_list() == rule.generate(n, seed=3, split=split)
    ids = [set(ds[s]["id"]) for s in ds]
    assert sum(len(i) for i in ids) == len(set().union(*ids)), "a problem appears in two splits"
    for s in ("test_ood_level", "test_ood_vocab"):
        assert set(ds[s]["split"]) == {s} and len(ds[s]) == 10
    assert set(ds["test_ood_level"]["difficulty"]) == {6}
    vocab_names = {v for m in ds["test_ood_vocab"]["meta"] for v in json.loads(m)["variables"]}
    train_names = {v for m in ds["train"]["meta"] for v in json.loads(m)["variables"]}
    assert vocab_names and not vocab_names & train_names


def test_levels_cycle_and_no_duplicates(tmp_path):
    ds = load(
        "distributivity",
        "train",
        cache_dir=tmp_path,
        levels=(1, 3),
        n_train=60,
        n_validation=0,
        n_test=0,
        n_ood=0,
    )
    assert set(ds["difficulty"]) == {1, 3}
    assert len(set(ds["problem"])) == len(ds) == 60


def test_mixture_identical_for_any_num_proc(tmp_path):
    others = [r for r in rule_names() if r != "distributivity"]
    if not others:
        pytest.skip("needs a second registered rule for a mixture")
    params = dict(
        rules=("distributivity", others[0]), weights=(3, 1), n_train=40, n_validation=8, n_test=8, n_ood=0
    )
    one = MathRules(cache_dir=str(tmp_path / "a"), config_name="all", **params)
    one.download_and_prepare(num_proc=1)
    two = MathRules(cache_dir=str(tmp_path / "b"), config_name="all", **params)
    two.download_and_prepare(num_proc=2)
    a, b = one.as_dataset(), two.as_dataset()
    for split in ("train", "validation", "test"):
        assert a[split].to_list() == b[split].to_list()
    assert a["train"]["rule"].count("distributivity") == 30 and len(a["train"]) == 40


def test_cache_hash_follows_generator_source(tmp_path, monkeypatch):
    assert MathRules(cache_dir=str(tmp_path / "c"), config_name="distributivity").hash == gen.code_hash()
    copy = tmp_path / "pkg"
    shutil.copytree(Path(gen.PACKAGE_DIR), copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(gen, "PACKAGE_DIR", copy)
    try:
        gen.code_hash.cache_clear()
        before = gen.code_hash()
        target = copy / "rules" / "distributivity.py"
        target.write_text(target.read_text() + "\n# changed\n")
        gen.code_hash.cache_clear()
        after = gen.code_hash()
    finally:
        gen.code_hash.cache_clear()  # nothing computed from the copy outlives the test
    assert before != after


def test_parameters_change_the_entry_and_latest_build_is_loaded(tmp_path):
    p1 = build_to_cache("distributivity", cache_dir=tmp_path, seed=1, **SMALL)
    p2 = build_to_cache("distributivity", cache_dir=tmp_path, seed=2, **SMALL)
    assert p1 != p2 and p1.parent == p2.parent  # same config dir and version, different hash
    ds = datasets.load_dataset("hf_mathrules/distributivity", split="train", cache_dir=str(tmp_path))
    assert json.loads(ds[0]["meta"])["seed"] == 2
    build_to_cache("distributivity", cache_dir=tmp_path, seed=1, **SMALL)  # cached: reused, now latest
    ds = datasets.load_dataset("hf_mathrules/distributivity", split="train", cache_dir=str(tmp_path))
    assert json.loads(ds[0]["meta"])["seed"] == 1


@pytest.mark.parametrize(
    "name, params, message",
    [
        ("nope", {}, "valid configs: distributivity"),
        ("distributivity", {"levels": (7,)}, "levels"),
        ("distributivity", {"n_train": -5}, "n_train"),
        ("distributivity", {"knobs": {"n_terms": 99}}, "n_terms"),
        ("distributivity", {"knobs": {"bogus": 1}}, "bogus"),
        ("distributivity", {"vocab": "nonsense:1"}, "vocab"),
        ("distributivity", {"sizes": 3}, "unknown parameter"),
        ("mix", {"rules": ("distributivity", "distributivity")}, "rules"),
        ("mix", {"rules": ("distributivity",), "weights": (1, 2)}, "weights"),
    ],
)
def test_bad_input_fails_before_generation(tmp_path, monkeypatch, name, params, message):
    def boom(self, seed, index):
        raise AssertionError("generation started")

    monkeypatch.setattr(Rule, "item", boom)  # every row comes from Rule.item
    with pytest.raises(ConfigError, match=message):
        build_to_cache(name, cache_dir=tmp_path, **params)
    assert not list(tmp_path.glob("hf_mathrules___*/*/*/*"))


def test_unknown_builder_config_lists_valid_ones(tmp_path):
    with pytest.raises(ValueError, match="distributivity"):
        MathRules(cache_dir=str(tmp_path), config_name="not_a_rule")
    with pytest.raises(ConfigError, match="level"):
        MathRules(cache_dir=str(tmp_path), config_name="distributivity", levels=(0,))


def test_failed_build_leaves_no_cache_entry(tmp_path):
    # three names admit only a handful of level-1 problems: generation fails part-way through
    with pytest.raises(Exception, match="distinct"):
        build_to_cache(
            "distributivity",
            cache_dir=tmp_path,
            vocab="list:a,b,c",
            n_train=400,
            n_validation=0,
            n_test=0,
            n_ood=0,
        )
    assert not list(tmp_path.glob("hf_mathrules___distributivity/*/*/*"))
    assert not list(tmp_path.glob(".mathrules-build-*"))
    with pytest.raises(Exception, match="(?i)couldn.t (find|reach)|not cached|not found"):
        datasets.load_dataset("hf_mathrules/distributivity", cache_dir=str(tmp_path))


def test_make_config_resolves_mixtures():
    cfg = make_config("all", n_train=10)
    assert cfg.rule_list() == tuple(rule_names())
    assert sum(cfg.rows_per_rule(10).values()) == 10
    cfg = make_config("m", rules=("distributivity",), weights=(2.0,))
    assert cfg.rows_per_rule(7) == {"distributivity": 7}
