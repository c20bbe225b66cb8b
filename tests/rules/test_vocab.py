import random

import pytest

from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.vocab import Vocabulary, from_list, letters, parse_vocab_spec, words


def test_seeded_split_is_disjoint_and_complete():
    v = words()
    train, held = v.split(40, seed=1)
    assert len(train) == 40 and len(held) == len(v) - 40
    assert not set(train.names) & set(held.names)
    assert set(train.names) | set(held.names) == set(v.names)
    assert v.split(40, seed=1) == (train, held)
    assert v.split(40, seed=2)[0] != train


def test_rows_use_only_the_requested_vocabulary():
    train, held = words().split(30, seed=0)
    rows = make_rule("distributivity", level=2, vocab=train).generate(100, seed=0)
    used = {name for r in rows for name in __import__("json").loads(r["meta"])["variables"]}
    assert used <= set(train.names) and not used & set(held.names)


def test_impossible_combination_is_refused():
    small = from_list(["alpha", "beta"])
    with pytest.raises(ConfigError, match="n_vars"):
        make_rule("distributivity", level=2, vocab=small)


def test_invalid_names_are_refused():
    with pytest.raises(ValueError, match="invalid variable names"):
        Vocabulary(("x", "lambda", "sqrt"))
    with pytest.raises(ValueError, match="bad vocabulary split"):
        parse_vocab_spec("words@train:x")


def test_spec_parsing():
    assert parse_vocab_spec(None) == letters()
    assert parse_vocab_spec("list:foo,bar,baz").names == ("foo", "bar", "baz")
    t = parse_vocab_spec("words@train:20:3")
    assert len(t) == 20 and t.sample(random.Random(0), 3)


def test_tokenizer_vocabulary(tmp_path):
    tokenizers = pytest.importorskip("tokenizers")
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    corpus = ["the river and the stone", "maple ocean pepper", "x + y = 3", "lambda if for"] * 50
    tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=300, special_tokens=["[UNK]"]))
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]")
    fast.save_pretrained(tmp_path)
    v = parse_vocab_spec(f"tokenizer:{tmp_path}")
    assert {"river", "stone", "maple"} <= set(v.names)
    assert "lambda" not in v.names and all(n.isalpha() for n in v.names)
    assert tokenizers  # imported for the trainer above


def test_fruit_basket_unknowns_take_vocabulary_names():
    import json

    rows = make_rule("word_fruit_baskets", level=2, vocab=words()).generate(20, seed=0)
    for r in rows:
        names = json.loads(r["meta"])["variables"]
        assert set(names) <= set(words().names)
        assert all(f"{n} = " in r["answer"] for n in names)
