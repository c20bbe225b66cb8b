"""Optional: a local ``transformers`` model rewrites the frame-written text, and its output must pass the
same gates (the analogue of the paper's consistency table).  Nothing is downloaded: the model is
loaded from a path with ``local_files_only=True``.

    rewriter = LocalRewriter("path/to/model")
    report = consistency(engine, n=100, rewriter=rewriter)   # {"checked", "passed", "pass_rate", ...}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import gates
from .solver import solve

PROMPT = (
    "Rewrite the math word problem below in different words. Keep every number and every fact; do not "
    "solve it.\n\nProblem: {text}\nRewritten:"
)


@dataclass
class LocalRewriter:
    path: str
    max_new_tokens: int = 256

    def __post_init__(self) -> None:
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise ValueError(
                "the local rewriter needs transformers: pip install 'hf-mathrules[train]'"
            ) from None
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
            self.model = AutoModelForCausalLM.from_pretrained(self.path, local_files_only=True)
        except OSError as exc:
            raise ValueError(f"cannot load a local model from {self.path!r}: {exc}") from None
        self.model.eval()

    def rewrite(self, text: str) -> str:
        import torch

        enc = self.tokenizer(PROMPT.format(text=text), return_tensors="pt")
        with torch.no_grad():
            out = self.model.generate(
                **enc, max_new_tokens=self.max_new_tokens, do_sample=False,
                pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
            )  # fmt: skip
        return self.tokenizer.decode(out[0, enc["input_ids"].shape[1] :], skip_special_tokens=True).strip()


def consistency(engine, n: int, rewriter: Any, seed: int = 0) -> dict[str, Any]:
    """Rewrite ``n`` emitted rows' texts and count how many rewritten texts pass the round-trip gate
    (read back, re-solved to the same answer, no formal tokens, the answer not in the text)."""
    checked = passed = 0
    reasons: dict[str, int] = {}
    index = 0
    while checked < n and index < 50 * n + 100:
        item = engine.item(seed, index)
        index += 1
        if item.row is None:
            continue
        checked += 1
        new = rewriter.rewrite(item.text)
        sol = solve(item.final, drop=item.final.query)
        reason = gates.round_trip(item.final, new, sol, engine.seeds)
        if reason is None:
            passed += 1
        else:
            key = reason.split(":")[0]
            reasons[key] = reasons.get(key, 0) + 1
    return {
        "checked": checked,
        "passed": passed,
        "pass_rate": passed / checked if checked else 0.0,
        "rejections": reasons,
    }
