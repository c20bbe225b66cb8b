"""The CPU training recipe: which tiny-preset settings make one from-scratch model master several rules, and
how fast it trains against what the machine can do.

Each arm trains one model with ``mathrules train``'s own code path (``hf_mathrules.train.train``: TRL's
SFTTrainer, completion-only loss) on a rule mix, then scores ``--n`` test problems per rule and level with
our checker (95% Wilson intervals).  One JSON record per arm is appended to ``--out`` (arms are ablations of
the recipe: width/depth, tokenizer, batch padding, learning rate, steps); ``--table`` prints them as the
Markdown table of RESULTS.md.  ``--matmul`` measures the cores' fp32 matmul rate in the same run, to put the
training FLOPs/s beside the machine's limit.

    python benchmarks/training_recipe.py --arm recipe                       # the chosen preset
    python benchmarks/training_recipe.py --arm baseline --set max_steps=600  # an ablation
    python benchmarks/training_recipe.py --table                             # RESULTS.md's table

A run longer than one sitting: ``--resume-every 200`` saves a checkpoint every 200 steps; stop it (Ctrl-C,
SIGTERM) and run the same command again to resume; the one record counts every sitting's seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

LEGS_FILE = "recipe_legs.json"  # a resumable run's sittings, in its model folder
HERE = Path(__file__).resolve().parent
SYMBOLIC = ["distributivity", "factorization", "commutativity", "simplification", "isolate_variable"]

# every arm: MathRulesArguments fields (tiny_*, rules, rows_per_level) and SFTConfig fields
BASELINE = {
    "rules": [f"{r}:1-2" for r in SYMBOLIC], "rows_per_level": 20000, "tiny_hidden_size": 128,
    "tiny_layers": 4, "tiny_heads": 4, "tiny_intermediate_size": 256, "tiny_tokenizer": "char",
    "learning_rate": 2e-3, "per_device_train_batch_size": 64, "max_steps": 1500, "warmup_steps": 50,
    "train_sampling_strategy": "random", "lr_scheduler_type": "cosine",
}  # fmt: skip
ARMS: dict[str, dict] = {
    "baseline": BASELINE,
    "math-tokens": {**BASELINE, "tiny_tokenizer": "math"},
    # batches of one length are batches of one rule (each rule has its own lengths): measured ~3x higher
    # loss at equal steps than random batches, so the recipe keeps random batches and pays the padding
    "grouped": {**BASELINE, "tiny_tokenizer": "math", "train_sampling_strategy": "group_by_length"},
    "wide": {
        **BASELINE,
        "tiny_tokenizer": "math",
        "tiny_hidden_size": 256,
        "tiny_heads": 8,
        "tiny_intermediate_size": 512,
        "learning_rate": 1e-3,
    },  # fmt: skip
    # rows in random order packed into 256-token rows without padding (hf_mathrules.train.packing): a
    # batch of 24 packed rows holds about as many real tokens as 64 padded rows, at half the positions
    "packed": {**BASELINE, "tiny_tokenizer": "math", "pack_length": 256, "per_device_train_batch_size": 24},
    # number tokens' embeddings start at their value's Fourier features (hf_mathrules.train.tiny): the
    # failures left after packing are sums of number tokens looked up in a table
    "fourier": {
        **BASELINE,
        "tiny_tokenizer": "math",
        "pack_length": 256,
        "per_device_train_batch_size": 24,
        "tiny_number_embedding": "fourier",
    },  # fmt: skip
    "recipe": {**BASELINE, "tiny_tokenizer": "math"},
}
# rows per rule and level in proportion to 0.25 + the error rate the packed 2,400-step arm left on the dev
# problems (RESULTS: distributivity 0 / 37%, factorization 4 / 68%, commutativity 8 / 54%, simplification
# 73 / 97%, isolate_variable 24 / 50%), about as many rows in all: the cells it had learned took a tenth of
# the tokens while simplification and the level-2 cells starved
WEIGHTED_ROWS = {
    "distributivity": (7500, 18600), "factorization": (8700, 27900), "commutativity": (9900, 23700),
    "simplification": (29400, 36600), "isolate_variable": (14700, 22500),
}  # fmt: skip
ARMS["weighted"] = {
    **ARMS["fourier"],
    "rules": [f"{r}:{lv}:{n}" for r, rows in WEIGHTED_ROWS.items() for lv, n in enumerate(rows, 1)],
}

# the recipe (RESULTS § Training recipe, "Steps a tiny model can take"; configs/tiny-cpu-five-rules.yaml):
# the rules' stepwise completions are longer, so rows pack to 304 tokens; rows moved from the mastered
# cells to commutativity and simplification level 2; 3,800 steps fit 20 quiet minutes on 2 cores
FIVE_RULES_ROWS = {
    "distributivity": (6000, 15000), "factorization": (6000, 22000), "commutativity": (6000, 21000),
    "simplification": (28000, 42000), "isolate_variable": (18000, 36000),
}  # fmt: skip
ARMS["five-rules"] = {
    **ARMS["fourier"],
    "rules": [f"{r}:{lv}:{n}" for r, rows in FIVE_RULES_ROWS.items() for lv, n in enumerate(rows, 1)],
    "pack_length": 304, "per_device_train_batch_size": 20, "optimizer": "muon", "learning_rate": 5e-3,
    "bf16": True, "max_steps": 3800,
}  # fmt: skip


# linear systems by substitution with the small steps (linear_system's `small_steps`: isolation, expansion,
# collection and combination one operation a line), 2 and 3 unknowns; rows are ~260-390 tokens, so rows
# pack to 512 x 12 (about the five-rule recipe's tokens a step)
ARMS["linear-systems"] = {
    **ARMS["five-rules"],
    "rules": ["linear_system:1:12000", "linear_system:2:24000", "linear_system:3:20000"],
    "pack_length": 512, "per_device_train_batch_size": 12,
}  # fmt: skip

# the same with the rows recursive calls are asked (the rule's `depth`): the smaller systems of drawn
# systems, down to one equation; without them a recursive call gets a prompt it never trained on
ARMS["linear-systems-recursive"] = {
    **ARMS["linear-systems"],
    "rules": ["linear_system:1:12000", "linear_system:2:20000", "linear_system:3:16000",
              "linear_system:3:8000:depth=1", "linear_system:1:3000:depth=1", "linear_system:2:3000:depth=1",
              "linear_system:3:2000:depth=2"],
}  # fmt: skip

# rows moved from the cells linear-systems-recursive had mastered (level 1 100%, one-equation systems
# 99-100%) to level 2, level 3 and the 2-unknown smaller systems, about as many rows in all
ARMS["linear-systems-weighted"] = {
    **ARMS["linear-systems"],
    "rules": ["linear_system:1:5000", "linear_system:2:26000", "linear_system:3:20000",
              "linear_system:3:10000:depth=1", "linear_system:1:1500:depth=1", "linear_system:2:1500:depth=1",
              "linear_system:3:2000:depth=2"],
}  # fmt: skip

# the same with arithmetic drill rows (hf_mathrules.train.drill): what fails past level 1 is the sum of two
# numbers in the hundreds on the constant side; 150,000 drill rows are ~10% of the training tokens
ARMS["linear-systems-drill"] = {**ARMS["linear-systems-weighted"], "arithmetic_rows": 150000}

# the same with 3-unknown rows whose back-substitution adds two numbers a line (`pairwise_sums`): the
# top-level step recursion leaves to the model at 3 unknowns is lost there (69% a line, EXPERIMENTS § 3f)
ARMS["linear-systems-pairwise"] = {
    **ARMS["linear-systems-drill"],
    "rules": [e.replace("linear_system:3:20000", "linear_system:3:20000:pairwise_sums=true")
              for e in ARMS["linear-systems-drill"]["rules"]],
}  # fmt: skip

# the direct baseline recursion is measured against: the pairwise arm with 3-unknown rows that solve the
# smaller system in place (`inline`) instead of leaving its `Sub-answer:` to a recursive call; those rows are
# ~1.8x as long (535-785 tokens), so rows pack to 1024 x 6 (the same tokens a step)
ARMS["linear-systems-inline"] = {
    **ARMS["linear-systems-pairwise"],
    "rules": [e.replace("pairwise_sums=true", "pairwise_sums=true,inline=true")
              for e in ARMS["linear-systems-pairwise"]["rules"]],
    "pack_length": 1024, "per_device_train_batch_size": 6,
}  # fmt: skip

# what a model can compute alone: drill rows only (plus a few distributivity rows: a mix names a rule), short
# rows packed 128 x 48, 600 steps (~1.5x the drill tokens of linear-systems-drill); scored by score_drill.
# The shape and the number representation are the ablations (EXPERIMENTS § 3d)
ARMS["drill-only"] = {
    **ARMS["five-rules"], "rules": ["distributivity:1:500"], "arithmetic_rows": 150000,
    "pack_length": 128, "per_device_train_batch_size": 48, "max_steps": 600,
}  # fmt: skip
ARMS["drill-only-wide"] = {**ARMS["drill-only"], "tiny_hidden_size": 256, "tiny_heads": 8,
                           "tiny_intermediate_size": 512}  # fmt: skip
ARMS["drill-only-deep"] = {**ARMS["drill-only"], "tiny_layers": 8}
ARMS["drill-only-random"] = {**ARMS["drill-only"], "tiny_number_embedding": "random"}
ARMS["drill-only-digits"] = {**ARMS["drill-only"], "tiny_tokenizer": "math-digits"}

# Gaussian elimination with unpadded matrices and each row multiple on its own line (the rule's `aligned`
# off, `show_products` on), 2x2 and 3x3; 3x3 rows are ~780-940 tokens, so rows pack to 1024 x 6
ARMS["gaussian"] = {
    **ARMS["five-rules"],
    "rules": ["gaussian_elimination:1:8000", "gaussian_elimination:2:16000", "gaussian_elimination:3:16000"],
    "pack_length": 1024, "per_device_train_batch_size": 6,
}  # fmt: skip

# 2x2 elimination alone, with the linear arms' drill rows: in the gaussian arm the 3x3 rows (~780 tokens,
# 4% learned) hold most of the tokens and level 2 (2x2, larger coefficients) stops at 75%; 2x2 rows are 206-392
# tokens, so rows pack to 512 x 12, and level 2 gets the rows the 3x3 cells had.  Measured worse (60% / 54%
# against 94% / 75%, EXPERIMENTS § 4c): the 3x3 rows were the 2x2 cells' subtraction practice
ARMS["gaussian-2x2"] = {
    **ARMS["gaussian"],
    "rules": ["gaussian_elimination:1:8000", "gaussian_elimination:2:40000"],
    "pack_length": 512, "per_device_train_batch_size": 12, "arithmetic_rows": 150000,
}  # fmt: skip

# the gaussian arm with only the rows an operation changed written after it (the rule's `changed_rows`; the
# whole matrix once at the end): a 3x3 elimination copies ~18 unchanged rows otherwise; its rows fall from
# 768 tokens (median; 627-905 p5-p95) to 601 (504-678), so one fits a 1024 bin beside a 2x2 row (~300, about
# as long as before); one knob against § 4b's arm at equal steps
ARMS["gaussian-changed-rows"] = {
    **ARMS["gaussian"],
    "rules": [e + ":changed_rows=true" for e in ARMS["gaussian"]["rules"]],
}

# the same with each entry an addition writes first shown as its two terms (the rule's `entry_sums`:
# `R2 - 2*R1 = [2 - 2, 4 + 4 | -15 + 28]` before `R2 = [0 8 | 13]`): teacher-forced, the written rows were
# the lines lost (86.6%, the constant column 79 of 132 wrong lines, EXPERIMENTS § 4f), each entry a lookup of
# a row written lines back and an addition in one token. 3x3 rows grow from 590 tokens (median; 679 max) to
# 768 (919), still one to a 1024 bin
ARMS["gaussian-entry-sums"] = {
    **ARMS["gaussian"],
    "rules": [e + ":changed_rows=true,entry_sums=true" for e in ARMS["gaussian"]["rules"]],
}

# the same with integer rows throughout (the rule's `fraction_free`: `R3 <- 5*R3 - 13*R2`, then `R3 <- 1/3*R3`
# where a row has a common factor): with entry sums the rows were still lost at the constant column (36 of 54
# first wrong lines, EXPERIMENTS § 4i), where the pivot-1 reduction adds two fractions over different
# denominators; here each entry is products of integers and one integer sum. 3x3 rows 751 tokens (median;
# 954 max of 4,000), about the entry-sums rows. Measured no better (40% against 43% at 3x3, EXPERIMENTS § 4j):
# the integer sums and the problem's own rows (a 0 in the wrong column) are the lines lost
ARMS["gaussian-fraction-free"] = {
    **ARMS["gaussian"],
    "rules": [e + ":changed_rows=true,entry_sums=true,fraction_free=true" for e in ARMS["gaussian"]["rules"]],
}

# the fraction-free arm aimed at the two lines its probe lost (EXPERIMENTS § 4j): each equation first written
# with every unknown in column order (the rule's `every_unknown`: `0b - 4p + 3v = -4`, so a missing unknown's 0
# is a named cell, not a column inferred), and the linear arms' arithmetic drill rows (`-22 - 4 = -26`, the
# integer sums its rows lost; ~9% of the tokens). 3x3 rows 826 tokens (median; 959 p95, 1,025 max of 2,000),
# so rows pack to 1088 x 6 (6% more tokens a step than 1024 x 6; no row is cut, one longer than a bin is
# refused; 1280 x 5 ran 1.7 s a step against 1.5 here: attention grows with the bin)
ARMS["gaussian-every-unknown"] = {
    **ARMS["gaussian"],
    "rules": [e + ":changed_rows=true,entry_sums=true,fraction_free=true,every_unknown=true"
              for e in ARMS["gaussian"]["rules"]],
    "arithmetic_rows": 150000, "pack_length": 1088,
}  # fmt: skip


def parse_value(text: str):
    if text.startswith("["):  # a list, e.g. rules=["distributivity:1-2", "factorization:1-2"]
        return json.loads(text)
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def matmul_gflops(threads: int, seconds: float = 3.0) -> dict[str, float]:
    """Matmul GFLOP/s on ``threads`` cores: a large square product and one shaped like the tiny model's MLP
    (tokens x width times width x 4 width), in fp32 and (``bf16_`` keys) in bf16, the limit of an arm
    trained with bf16 autocast."""
    import torch

    torch.set_num_threads(threads)
    out = {}
    for name, (m, k, n), dtype in [
        ("square_1024", (1024, 1024, 1024), torch.float32),
        ("mlp_4096x256x1024", (4096, 256, 1024), torch.float32),
        ("bf16_square_1024", (1024, 1024, 1024), torch.bfloat16),
        ("bf16_mlp_4096x256x1024", (4096, 256, 1024), torch.bfloat16),
    ]:
        a, b = torch.randn(m, k, dtype=dtype), torch.randn(k, n, dtype=dtype)
        a @ b
        count, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            a @ b
            count += 1
        out[name] = round(2 * m * k * n * count / (time.perf_counter() - t0) / 1e9, 1)
    return out


def shape_throughput(shapes: list[tuple[int, int, int]], batch: int, seq: int, threads: int, steps: int = 20):
    """Tokens/s of forward+backward+AdamW on random tokens for each (width, layers, heads): the
    width/depth side of the ablation, without data or the trainer."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.set_num_threads(threads)
    out = []
    for width, layers, heads in shapes:
        cfg = LlamaConfig(vocab_size=1150, hidden_size=width, intermediate_size=2 * width, num_hidden_layers=layers,
                          num_attention_heads=heads, num_key_value_heads=heads, max_position_embeddings=1024,
                          tie_word_embeddings=True)  # fmt: skip
        model = LlamaForCausalLM(cfg)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        ids = torch.randint(5, 1150, (batch, seq))
        for i in range(steps + 2):
            if i == 2:
                t0 = time.perf_counter()
            loss = model(input_ids=ids, labels=ids).loss
            loss.backward()
            opt.step()
            opt.zero_grad()
        seconds = (time.perf_counter() - t0) / steps
        params = sum(p.numel() for p in model.parameters())
        tps = batch * seq / seconds
        out.append({"width": width, "layers": layers, "heads": heads, "parameters": params,
                    "tokens_per_second": round(tps), "gflops_per_second": round(6 * params * tps / 1e9, 1)})  # fmt: skip
        print(out[-1], flush=True)
    return out


def score_model(model_dir: Path, mix, n_eval: int, max_new_tokens: int = 320) -> list[dict]:
    """``n_eval`` test problems (seed 12345: the dev problems) per rule and level of ``mix``, scored by our
    checker: one cell each, with its 95% Wilson interval and the mean first wrong step of the failures."""
    import torch

    from hf_mathrules.evaluation.generation import generate
    from hf_mathrules.evaluation.scoring import score_batch
    from hf_mathrules.evaluation.stats import wilson_interval
    from hf_mathrules.modeling import load_for_inference
    from hf_mathrules.rules import make_rule

    model, tok = load_for_inference(str(model_dir))
    cells = []
    for entry in mix:
        for level in entry.levels:
            knobs = dict(getattr(entry, "knobs", ()))
            rows = make_rule(entry.rule, level=level, **knobs).generate(n_eval, seed=12345, split="test")
            with torch.inference_mode():
                completions = generate(model, tok, [r["prompt"] for r in rows], max_new_tokens=max_new_tokens,
                                       batch_size=50, progress=False)  # fmt: skip
            scores = score_batch(rows, completions)
            k = sum(s.correct for s in scores)
            lo, hi = wilson_interval(k, len(scores))
            first_bad = [s.first_bad_step for s in scores if not s.correct and s.first_bad_step is not None]
            cells.append({"rule": entry.rule, "level": level, **({"knobs": knobs} if knobs else {}), "n": len(scores), "correct": k,
                          "accuracy": k / len(scores), "wilson95": [round(lo, 4), round(hi, 4)],
                          "first_wrong_step_mean": (sum(first_bad) / len(first_bad) + 1) if first_bad else None})  # fmt: skip
            print(f"  {model_dir.name} {entry.rule} L{level} {knobs or ''}: {k}/{len(scores)}", flush=True)
    return cells


def score_drill(model_dir: Path, n_eval: int, train_rows: int, train_seed: int = 0) -> list[dict]:
    """``n_eval`` arithmetic drill rows of the dev seed (12345) less those whose problem is one of the
    ``train_rows`` the model trained on (seed ``train_seed``: two thirds of the small ones are), answered
    greedily: one cell per kind (sum, product, quotient) and size of the result (below 100 or not), with
    its 95% Wilson interval. What a model computes alone, apart from the rows' context, out of sample."""
    import torch

    from hf_mathrules.evaluation.generation import generate
    from hf_mathrules.evaluation.stats import wilson_interval
    from hf_mathrules.modeling import load_for_inference
    from hf_mathrules.train.drill import drill_kind, drill_rows

    model, tok = load_for_inference(str(model_dir))
    seen = {r["prompt"] for r in drill_rows(train_rows, seed=train_seed)}
    rows = [r for r in drill_rows(n_eval, seed=12345) if r["prompt"] not in seen]
    with torch.inference_mode():
        completions = generate(model, tok, [r["prompt"] for r in rows], max_new_tokens=8, batch_size=100,
                               progress=False)  # fmt: skip
    tally: dict[tuple[str, str], list[int]] = {}
    for r, c in zip(rows, completions):
        kind = drill_kind(r["prompt"])
        size = ">= 100" if abs(int(r["completion"].split()[-1])) >= 100 else "< 100"
        t = tally.setdefault((kind, size), [0, 0])
        t[0] += c.strip().split("\n")[0] == r["completion"]
        t[1] += 1
    cells = []
    for (kind, size), (k, n) in sorted(tally.items()):
        lo, hi = wilson_interval(k, n)
        cells.append({"kind": kind, "result": size, "n": n, "correct": k, "accuracy": round(k / n, 4),
                      "wilson95": [round(lo, 4), round(hi, 4)]})  # fmt: skip
        print(f"  {model_dir.name} drill {kind} |result| {size}: {k}/{n}", flush=True)
    return cells


def read_legs(model_dir: Path, start_step: int) -> list[dict]:
    """The sittings a resumed run has had (``LEGS_FILE``), up to the checkpoint it resumes from."""
    path = model_dir / LEGS_FILE
    legs = json.loads(path.read_text()) if path.is_file() else []
    return [leg for leg in legs if leg["to_step"] <= start_step]


def legs_callback(model_dir: Path, legs: list[dict], start_step: int, threads: int):
    """A ``TrainerCallback`` that writes the sittings so far, this one up to its newest checkpoint, at
    every save (atomically): a sitting killed without warning still counts up to where the next resumes."""
    from transformers import TrainerCallback

    class Legs(TrainerCallback):
        def __init__(self):
            self.t0 = time.perf_counter()
            self.leg = {"from_step": start_step, "to_step": start_step, "seconds": 0.0, "threads": threads,
                        "load_average_before": [round(x, 2) for x in os.getloadavg()],
                        "when": time.strftime("%Y-%m-%d %H:%M:%S")}  # fmt: skip

        def on_train_begin(self, args, state, control, **kwargs):
            self.t0 = time.perf_counter()

        def on_save(self, args, state, control, **kwargs):
            self.leg.update(to_step=state.global_step, seconds=round(time.perf_counter() - self.t0, 1))
            tmp = model_dir / (LEGS_FILE + ".tmp")
            tmp.write_text(json.dumps([*legs, self.leg], indent=1))
            tmp.replace(model_dir / LEGS_FILE)

    return Legs()


def run_arm(
    name: str,
    settings: dict,
    n_eval: int,
    out_dir: Path,
    threads: int,
    max_new_tokens: int = 320,
    resume_every: int = 0,
) -> dict | None:
    """Train one arm and score it; with ``save_strategy=steps`` in ``settings`` every checkpoint is scored
    too (``checkpoints``: accuracy against training seconds within one run).  With ``resume_every`` the run
    saves a checkpoint every that many steps and a rerun resumes from the newest one (a run longer than one
    sitting); a sitting stopped by SIGINT/SIGTERM returns None, and the finished run's record adds up every
    sitting's seconds (``legs``)."""
    from hf_mathrules.rules import ConfigError
    from hf_mathrules.train.config import MathRulesArguments, model_config, tiny_sft_config
    from hf_mathrules.train.data import parse_mix
    from hf_mathrules.train.sft import DONE_FILE, last_complete_checkpoint, train

    margs_fields = set(MathRulesArguments.__dataclass_fields__)
    margs = MathRulesArguments(
        preset="tiny", validation_rows=8, generation_eval_steps=0, test_rows=0, overwrite=not resume_every,
        cpu_threads=threads, **{k: v for k, v in settings.items() if k in margs_fields},
    )  # fmt: skip
    sft_settings = {k: v for k, v in settings.items() if k not in margs_fields}
    model_dir = out_dir / name
    saving = (
        {"save_strategy": "steps", "save_steps": resume_every, "save_total_limit": 2} if resume_every else {}
    )
    sft = tiny_sft_config(**{"output_dir": str(model_dir), "save_strategy": "no", "logging_steps": 50,
                             "disable_tqdm": False, "save_total_limit": None, **saving, **sft_settings})  # fmt: skip
    if resume_every and (model_dir / DONE_FILE).exists():
        raise ConfigError(
            f"{model_dir} already holds this arm's finished model: its record is in --out; "
            "remove the folder (or leave out --resume-every) to train it again"
        )
    start = last_complete_checkpoint(model_dir) if resume_every and model_dir.is_dir() else None
    start_step = int(start.rsplit("-", 1)[1]) if start else 0
    legs = read_legs(model_dir, start_step) if start else []
    sitting = legs_callback(model_dir, legs, start_step, threads) if resume_every else None
    load_before = os.getloadavg()
    result = train(margs, sft, model_config(), progress=False, callbacks=[sitting] if sitting else None)
    load_after_training = os.getloadavg()
    if resume_every:
        sitting.leg.update(to_step=result.global_step, seconds=round(result.train_seconds, 1))
        legs.append(sitting.leg)
        if result.interrupted:
            print(
                f"stopped at step {result.global_step} (a checkpoint is saved): the same command resumes",
                flush=True,
            )
            return None
    from hf_mathrules.modeling import load_for_inference

    params = sum(p.numel() for p in load_for_inference(str(model_dir))[0].parameters())
    mix = parse_mix(margs.rules, margs.levels, margs.rows_per_level)
    t_eval = time.perf_counter()
    cells = score_model(model_dir, mix, n_eval, max_new_tokens)
    drill = (
        score_drill(model_dir, 10 * n_eval, margs.arithmetic_rows, margs.rules_seed)
        if margs.arithmetic_rows
        else None
    )
    checkpoints = []
    logged = {r["step"]: r for r in result.log_history}
    # a resumable run's own checkpoints are for resuming, not scored
    scored = [] if resume_every and "save_strategy" not in settings else model_dir.glob("checkpoint-*")
    for ckpt in sorted(scored, key=lambda d: int(d.name.split("-")[1])):
        step = int(ckpt.name.split("-")[1])
        at = logged[max((k for k in logged if k <= step), default=0)] if logged else {}
        ck_cells = score_model(ckpt, mix, n_eval, max_new_tokens)
        checkpoints.append({"step": step, "train_seconds": round(at.get("seconds", 0.0), 1),
                            "tokens": at.get("tokens"), "loss": at.get("loss"), "cells": ck_cells,
                            "mean": round(sum(c["accuracy"] for c in ck_cells) / len(ck_cells), 4)})  # fmt: skip
    losses = [r["loss"] for r in result.log_history if "loss" in r]
    seconds = sum(leg["seconds"] for leg in legs) if resume_every else result.train_seconds
    tps = result.train_tokens / seconds if seconds else 0.0
    # the sittings chain from step 0 unless one was killed without a checkpoint of its own (then its
    # seconds up to the checkpoint the next resumed from are not counted)
    chained = all(a["to_step"] == b["from_step"] for a, b in zip(legs, legs[1:])) and (
        not legs or legs[0]["from_step"] == 0
    )
    return {
        "arm": name, "settings": settings, "parameters": params, "steps": result.global_step,
        **({"drill": drill} if drill else {}),
        **({"legs": legs, "legs_chained": chained, "resume_every": resume_every} if resume_every else {}),
        "train_seconds": round(seconds, 1), "train_tokens": result.train_tokens,
        "tokens_per_second": round(tps), "train_gflops_per_second": round(6 * params * tps / 1e9, 2),
        "final_loss": round(losses[-1], 4) if losses else None, "eval_seconds": round(time.perf_counter() - t_eval, 1),
        "cells": cells, "min_accuracy": min(c["accuracy"] for c in cells), "tokens_counted": "non_padding",
        "checkpoints": checkpoints,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after_training], "threads": threads,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }  # fmt: skip


def plot_checkpoints(record: dict, path: Path) -> None:
    """Accuracy of every cell against training seconds, from an arm's scored checkpoints and its end."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = [(c["train_seconds"], c["cells"]) for c in record["checkpoints"]]
    if not points or points[-1][0] < record["train_seconds"] - 1:
        points.append((record["train_seconds"], record["cells"]))
    fig, ax = plt.subplots(figsize=(8, 5))
    for i, cell in enumerate(points[0][1]):
        ax.plot([p[0] / 60 for p in points], [100 * p[1][i]["accuracy"] for p in points], marker="o",
                linestyle="-" if cell["level"] == 1 else "--", label=f"{cell['rule']} L{cell['level']}")  # fmt: skip
    ax.axhline(95, color="grey", linewidth=0.8)
    ax.axvline(20, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xlabel("training minutes (one cosine schedule)")
    ax.set_ylabel("verified accuracy, % of 100 dev problems")
    ax.set_title(f"{record['arm']}"[:90], fontsize=8)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def batches(settings: dict) -> str:
    if settings.get("pack_length"):
        return f"packed {settings['pack_length']} x {settings['per_device_train_batch_size']}"
    return f"{settings.get('train_sampling_strategy', 'random')} x {settings['per_device_train_batch_size']}"


def table(records: list[dict]) -> str:
    lines = ["| arm | params | tokenizer | batches | steps | train s | tokens/s | loss | min cell | mean | load 1m |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in records:
        accs = [c["accuracy"] for c in r["cells"]]
        lines.append(
            f"| {r['arm']} | {r['parameters'] / 1e6:.2f}M | {r['settings'].get('tiny_tokenizer', 'char')} | "
            f"{batches(r['settings'])} | "
            f"{r['steps']} | {r['train_seconds']:.0f} | {r['tokens_per_second']:,} | {r['final_loss']} | "
            f"{100 * min(accs):.0f}% | {100 * sum(accs) / len(accs):.1f}% | {r['load_average_after'][0]} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arm", choices=sorted(ARMS), help="the settings to train with")
    p.add_argument("--name", help="record name (default: the arm, with its overrides)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting")
    p.add_argument("--n", type=int, default=100, help="test problems per rule and level")
    p.add_argument(
        "--max-new-tokens",
        type=int,
        default=320,
        help="generation limit when scoring (Gaussian rows need ~600)",
    )
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--resume-every", type=int, default=0, metavar="STEPS",
                   help="save a checkpoint every STEPS steps and, when rerun, resume from the newest one: a run "
                        "longer than one sitting (stop it with Ctrl-C or SIGTERM; the record adds up the sittings)")  # fmt: skip
    p.add_argument("--out", type=Path, default=HERE / "training_recipe.jsonl")
    p.add_argument("--model-dir", type=Path, default=Path("outputs/training_recipe"))
    p.add_argument("--table", action="store_true", help="print the records of --out as Markdown")
    p.add_argument("--plot", type=Path, metavar="PNG",
                   help="plot accuracy against minutes for the last record of --out with scored checkpoints")  # fmt: skip
    p.add_argument("--matmul", action="store_true", help="measure matmul GFLOP/s (the machine's limit)")
    p.add_argument(
        "--shapes", action="store_true", help="tokens/s of model shapes (width x layers) on random data"
    )
    args = p.parse_args(argv)
    if args.max_new_tokens < 1 or args.n < 1:
        p.error("--n and --max-new-tokens must be at least 1")
    if args.resume_every < 0:
        p.error("--resume-every must be 0 (off) or a number of steps")
    if args.matmul:
        print(json.dumps({"matmul_gflops": matmul_gflops(args.threads), "threads": args.threads}))
    if args.shapes:
        shapes = [(128, 4, 4), (128, 6, 4), (192, 4, 6), (256, 4, 8), (256, 6, 8), (384, 4, 8)]
        result = {"shapes": shape_throughput(shapes, batch=64, seq=100, threads=args.threads),
                  "matmul_gflops": matmul_gflops(args.threads), "load_average": os.getloadavg()}  # fmt: skip
        (HERE / "training_shapes.json").write_text(json.dumps(result, indent=2))
        return 0
    if args.plot:
        records = [json.loads(line) for line in args.out.read_text().splitlines() if line.strip()]
        with_checkpoints = [r for r in records if r.get("checkpoints")]
        if not with_checkpoints:
            p.error(f"no record in {args.out} has scored checkpoints (train with --set save_strategy=steps)")
        plot_checkpoints(with_checkpoints[-1], args.plot)
        print(f"wrote {args.plot}")
        return 0
    if args.table:
        records = [json.loads(line) for line in args.out.read_text().splitlines() if line.strip()]
        print(table(records))
        return 0
    if not args.arm:
        return 0 if args.matmul else p.error("give --arm, --table or --matmul")
    settings = dict(ARMS[args.arm])
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            p.error(f"--set wants KEY=VALUE, got {item!r}")
        try:
            settings[key] = parse_value(value)
        except json.JSONDecodeError as exc:
            p.error(f"--set {key}: not a JSON list ({exc.msg}), e.g. {key}='[\"distributivity:1-2\"]'")
    name = args.name or "+".join([args.arm, *args.set])
    from hf_mathrules.rules import ConfigError

    try:
        record = run_arm(name, settings, args.n, args.model_dir, args.threads, args.max_new_tokens,
                         args.resume_every)  # fmt: skip
    except ConfigError as exc:  # a bad setting (unknown rule, bad levels): one line, no traceback
        p.error(str(exc))
    if record is None:  # a sitting of a resumable run, stopped: nothing to record yet
        return 0
    record["matmul_gflops"] = matmul_gflops(args.threads, seconds=2.0)
    with args.out.open("a") as f:
        f.write(json.dumps(record) + "\n")
    print(table([record]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
