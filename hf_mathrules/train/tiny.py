"""The ``tiny`` preset: a small Llama trained from scratch with a character tokenizer built from our data.

No download: the tokenizer is made with ``tokenizers`` from the characters our rules write (plus printable
ASCII, so any typed prompt encodes), wrapped in ``PreTrainedTokenizerFast`` and saved with the model, so
``AutoTokenizer.from_pretrained(output_dir)`` reloads it offline."""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass, field

PAD, BOS, EOS, UNK = "<pad>", "<s>", "</s>", "<unk>"
SPECIAL_TOKENS = (PAD, BOS, EOS, UNK)


@dataclass(frozen=True)
class TinyModelConfig:
    """Shape of the from-scratch Llama (about 0.9M parameters with the defaults)."""

    hidden_size: int = field(default=128, metadata={"help": "width of the tiny model"})
    num_hidden_layers: int = field(default=4, metadata={"help": "transformer blocks"})
    num_attention_heads: int = field(default=4, metadata={"help": "attention heads"})
    intermediate_size: int = field(default=256, metadata={"help": "MLP width"})
    max_position_embeddings: int = field(default=1024, metadata={"help": "longest sequence (characters)"})


def character_tokenizer(texts: Iterable[str]):
    """A character-level ``PreTrainedTokenizerFast``: one token per character seen in ``texts`` or
    printable ASCII, BOS prepended, EOS/pad/unk special tokens."""
    from tokenizers import Tokenizer, decoders, models, processors
    from transformers import PreTrainedTokenizerFast

    chars = set(string.printable) - set("\x0b\x0c\r")
    for t in texts:
        chars.update(t)
    vocab = {tok: i for i, tok in enumerate(SPECIAL_TOKENS)}
    for ch in sorted(chars):
        vocab.setdefault(ch, len(vocab))
    # BPE without merges is a character tokenizer that keeps spaces and newlines as tokens.
    core = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token=UNK))
    core.decoder = decoders.Fuse()
    core.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A", pair=f"{BOS} $A $B", special_tokens=[(BOS, vocab[BOS])]
    )
    tok = PreTrainedTokenizerFast(
        tokenizer_object=core,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=PAD,
        unk_token=UNK,
        padding_side="left",  # generation pads on the left; TRL's collator pads training batches itself
    )
    return tok


def tiny_llama(tokenizer, config: TinyModelConfig | None = None, seed: int = 0):
    """A randomly initialised ``LlamaForCausalLM`` sized by ``config`` for ``tokenizer``."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    c = config or TinyModelConfig()
    llama = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=c.hidden_size,
        intermediate_size=c.intermediate_size,
        num_hidden_layers=c.num_hidden_layers,
        num_attention_heads=c.num_attention_heads,
        num_key_value_heads=c.num_attention_heads,
        max_position_embeddings=c.max_position_embeddings,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(llama)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model
