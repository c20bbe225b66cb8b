"""The optional local-model rewriter: loaded offline from a path; its output goes through the same gates
(an untrained tiny model's output must be rejected, an identity rewriter's accepted)."""

import pytest

from hf_mathrules.mutate import MutationEngine
from hf_mathrules.mutate.llm import LocalRewriter, consistency


class Identity:
    def rewrite(self, text):
        return text


class Leaky:
    def rewrite(self, text):
        return text + " (x = 4*y)"


def test_gates_apply_to_rewritten_text():
    eng = MutationEngine(level=2)
    assert consistency(eng, 5, Identity())["pass_rate"] == 1.0
    assert consistency(eng, 5, Leaky())["pass_rate"] == 0.0


def test_tiny_local_model(tmp_path):
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("torch")
    cfg = transformers.LlamaConfig(vocab_size=300, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                   num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=2048)  # fmt: skip
    transformers.LlamaForCausalLM(cfg).save_pretrained(tmp_path)
    pytest.importorskip("tokenizers")
    from tokenizers import Tokenizer, models, pre_tokenizers

    t = Tokenizer(
        models.WordLevel({chr(i): i - 32 for i in range(32, 127)} | {"[UNK]": 299}, unk_token="[UNK]")
    )
    t.pre_tokenizer = pre_tokenizers.Split("", "isolated")
    transformers.PreTrainedTokenizerFast(
        tokenizer_object=t, unk_token="[UNK]", eos_token="~"
    ).save_pretrained(tmp_path)
    rw = LocalRewriter(str(tmp_path), max_new_tokens=8)
    report = consistency(MutationEngine(level=1), 2, rw)
    assert report["checked"] == 2 and report["pass_rate"] == 0.0  # random weights: nothing survives the gates


def test_missing_model_is_a_clear_error(tmp_path):
    pytest.importorskip("transformers")
    with pytest.raises(ValueError, match="cannot load a local model"):
        LocalRewriter(str(tmp_path / "none"))


class Reorder:
    """A deterministic stand-in for a local model (none can run here): it moves the first stated fact to
    the end of the facts, a rewrite that keeps every number and fact, so the gates accept it."""

    def rewrite(self, text):
        from hf_mathrules.mutate.frames import split_sentences

        s = split_sentences(text)
        if len(s) < 4:
            return text
        return " ".join([s[0], *s[2:-1], s[1], s[-1]])


def test_cli_rewriter_flag_with_a_stand_in(tmp_path, monkeypatch, capsys):
    """``mathrules mutate --rewriter DIR``: the stand-in replaces the model loader (no model runs here);
    accepted rewrites become the prompt, rejected ones leave the frame text."""
    import json

    from hf_mathrules import cli
    from hf_mathrules.mutate import llm

    for cls, rewritten in ((Reorder, True), (Leaky, False)):
        monkeypatch.setattr(llm, "LocalRewriter", lambda path, cls=cls: cls())
        out = tmp_path / f"{cls.__name__}.jsonl"
        assert cli.main(["mutate", "-n", "6", "--level", "2", "--rewriter", "any", "-o", str(out), "-q"]) == 0
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        err = capsys.readouterr().err
        assert len(rows) == 6
        if rewritten:
            assert "6 of 6 texts rewritten" in err
            assert all(not r["prompt"].endswith("(x = 4*y)") for r in rows)
        else:
            assert "0 of 6 texts rewritten" in err and "formal token" in err
            assert all("x = 4*y" not in r["prompt"] for r in rows)
    eng = MutationEngine(level=2)
    base = [it.text for it in (eng.item(0, i) for i in range(40)) if it.row and it.row["split"] == "train"][
        :6
    ]
    monkeypatch.setattr(llm, "LocalRewriter", lambda path: Reorder())
    rows, report = llm.rewrite_rows(eng, 6, Reorder(), split="train")
    assert [r["prompt"] for r in rows] == [Reorder().rewrite(t) for t in base] and report["rewritten"] == 6


def test_cli_rewriter_missing_model_is_one_line(tmp_path, capsys):
    pytest.importorskip("transformers")
    from hf_mathrules import cli

    code = cli.main(["mutate", "-n", "2", "--rewriter", str(tmp_path / "none"), "-q"])
    err = capsys.readouterr().err
    assert code != 0 and "cannot load a local model" in err and "Traceback" not in err
