"""Batched generation (greedy, or sampled at a temperature): left padding, KV cache, a tqdm bar; and
one-at-a-time generation for comparison (the benchmark)."""

from __future__ import annotations

from collections.abc import Sequence

from ..prompting import model_prompt


def _eos_ids(model, tokenizer) -> list[int]:
    ids = model.generation_config.eos_token_id
    ids = [] if ids is None else [ids] if isinstance(ids, int) else list(ids)
    if tokenizer.eos_token_id is not None and tokenizer.eos_token_id not in ids:
        ids.append(tokenizer.eos_token_id)
    return ids


def generate(
    model,
    tokenizer,
    prompts: Sequence[str],
    *,
    max_new_tokens: int = 256,
    batch_size: int = 64,
    stop_strings: Sequence[str] | None = None,
    progress: bool = True,
    raw: bool = False,
    temperature: float | None = None,
    seed: int = 0,
) -> list[str]:
    """Greedy completions of ``prompts`` (rule prompts; the separator is added unless ``raw``), in order;
    with ``temperature``, sampled ones (no top-k/top-p cut), reproducible for a fixed ``seed``.

    Prompts are sorted by length so batches pad little; generation stops at EOS (or a stop string)."""
    import torch

    texts = [p if raw else model_prompt(p) for p in prompts]
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: list[str] = [""] * len(texts)
    tokenizer.padding_side = "left"
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(texts), desc="generating", unit="prompt")
    kwargs = {"stop_strings": list(stop_strings), "tokenizer": tokenizer} if stop_strings else {}
    if temperature is not None:
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0 (or None for greedy), not {temperature}")
        # top_k=0 and top_p=1: the model's own distribution, as GRPO's samples are drawn
        kwargs.update(do_sample=True, temperature=float(temperature), top_k=0, top_p=1.0)
        torch.manual_seed(seed)
    else:
        kwargs["do_sample"] = False
    try:
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            enc = tokenizer([texts[i] for i in idx], return_tensors="pt", padding=True).to(device)
            enc.pop("token_type_ids", None)
            with torch.inference_mode():
                seqs = model.generate(
                    **enc,
                    max_new_tokens=max_new_tokens,
                    use_cache=True,
                    pad_token_id=tokenizer.pad_token_id,
                    eos_token_id=_eos_ids(model, tokenizer),
                    **kwargs,
                )
            new = seqs[:, enc["input_ids"].shape[1] :]
            for i, text in zip(idx, tokenizer.batch_decode(new, skip_special_tokens=True)):
                out[i] = text
            if bar is not None:
                bar.update(len(idx))
    finally:
        if bar is not None:
            bar.close()
        if was_training:
            model.train()
    return out


def generate_one_at_a_time(model, tokenizer, prompts: Sequence[str], max_new_tokens: int = 256) -> list[str]:
    """The unbatched baseline: one ``generate`` call per prompt."""
    return [
        generate(model, tokenizer, [p], max_new_tokens=max_new_tokens, batch_size=1, progress=False)[0]
        for p in prompts
    ]
