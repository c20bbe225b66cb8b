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
