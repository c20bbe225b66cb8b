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


def rewrite_rows(engine, n: int, rewriter: Any, seed: int = 0, split: str | None = None) -> tuple[list, dict]:
    """``n`` rows whose prompts a rewriter wrote; a rewritten text is kept only if it passes the round-trip
    gate (read back, re-solved to the same answer, every number one given, no formal tokens, the answer
    not in it), else the row keeps its frame-written text.  Returns the rows and a report
    ``{"rows", "rewritten", "kept_frames", "rejections"}``."""
    rows: list = []
    rejections: dict[str, int] = {}
    rewritten = 0
    seen: set[str] = set()
    index = 0
    while len(rows) < n and index < 40 * n + 200:
        got = engine.item(seed, index)
        index += 1
        # the chain's own row, then its variants (``variants_per_chain``), each with its program and text
        for item in ([got] if got.row is not None else []) + got.variants:
            row = item.row
            if (split is not None and row["split"] != split) or row["_canonical"] in seen:
                continue
            seen.add(row.pop("_canonical"))
            new = rewriter.rewrite(item.text)
            sol = solve(item.final, drop=item.final.query)
            reason = gates.round_trip(item.final, new, sol, engine.seeds)
            if reason is None:
                row = {**row, "prompt": new}
                rewritten += 1
            else:
                key = reason.split(":")[0]
                rejections[key] = rejections.get(key, 0) + 1
            rows.append(row)
            if len(rows) == n:
                break
    return rows, {
        "rows": len(rows),
        "rewritten": rewritten,
        "kept_frames": len(rows) - rewritten,
        "rejections": rejections,
    }
