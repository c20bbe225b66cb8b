"""Experiment 6, RL with the checker's reward: from an SFT model (the tiny preset trained on one level),
TRL's ``GRPOTrainer`` with ``hf_mathrules.rewards.math_reward`` on prompts one level above training.
Reported: the reward curve, greedy test accuracy before and after (at the RL level and the SFT level),
and the share of sampled completions the checker decided ``wrong_form`` (right value, wrong form), logged
by a second reward function of weight 0 (it changes nothing in the update)."""

from __future__ import annotations

import time
from typing import Any

from . import common

NAME = "grpo"
DEFAULTS = {
    "rule": "distributivity",
    "sft_level": 1,
    "rl_level": 2,
    "steps": 150,  # SFT
    "batch_size": 32,
    "rows_per_level": 4000,
    "rl_steps": 16,
    "rl_prompts_per_step": 4,
    "num_generations": 4,
    "rl_learning_rate": 2e-4,
    "temperature": 1.0,
    "n_eval": 20,
    "max_new_tokens": 96,
}
MINI = {"steps": 2, "batch_size": 8, "rows_per_level": 30, "rl_steps": 1, "rl_prompts_per_step": 1,
        "num_generations": 2, "n_eval": 2, "max_new_tokens": 16}  # fmt: skip
PAPER = "The paper does not use RL; this experiment shows our checker's reward driving TRL's GRPOTrainer."


def wrong_form_share(completions: list, answer: list, rule: list | None = None, **kwargs: Any) -> list[float]:
    """1.0 where the checker decides ``wrong_form`` (a diagnostic reward of weight 0)."""
    from ..rewards import completion_text
    from ..rules import get_rule
    from ..verify import verify_batch

    rules = rule or [None] * len(completions)
    items = [
        {"gold": str(g), "pred": completion_text(c), "form": get_rule(r).target_form if r else None}
        for c, g, r in zip(completions, answer, rules)
    ]
    return [float(v.outcome == "wrong_form") for v in verify_batch(items)]


def _accuracy(model, tok, rule, level, opts) -> dict[str, Any]:
    cell_rows = common.rows(rule, level, opts.n_eval, seed=opts.seed)
    completions = common.complete(model, tok, [r["prompt"] for r in cell_rows], opts)
    return common.public(common.score(cell_rows, completions))


def run(opts: common.ExperimentOptions) -> dict[str, Any]:
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    from ..prompting import model_prompt
    from ..rewards import math_reward
    from ..train.config import apply_cpu_threads, quiet_sft_config_warnings

    t0 = time.perf_counter()
    opts = opts.with_defaults(DEFAULTS, MINI)
    x = opts.extra
    rule, sft_level, rl_level = x["rule"], x["sft_level"], x["rl_level"]
    folder, trained = common.train_model(opts, "sft", [f"{rule}:{sft_level}"])
    model, tok = common.load_trained(opts, folder)
    before = {lv: _accuracy(model, tok, rule, lv, opts) for lv in (sft_level, rl_level)}

    n_prompts = x["rl_steps"] * x["rl_prompts_per_step"]
    rl_rows = common.rows(rule, rl_level, n_prompts, split="train", seed=opts.seed + 1)
    ds = Dataset.from_list(
        [{"prompt": model_prompt(r["prompt"]), "answer": r["answer"], "rule": r["rule"]} for r in rl_rows]
    )
    quiet_sft_config_warnings()
    apply_cpu_threads(opts.cpu_threads)
    config = GRPOConfig(
        output_dir=str(opts.output_dir / "models" / "grpo"),
        max_steps=x["rl_steps"],
        per_device_train_batch_size=x["rl_prompts_per_step"] * x["num_generations"],
        num_generations=x["num_generations"],
        max_completion_length=opts.max_new_tokens,
        learning_rate=x["rl_learning_rate"],
        temperature=x["temperature"],
        reward_weights=[1.0, 0.0],
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
        seed=opts.seed,
        bf16=False,
    )
    model.train()
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=[math_reward, wrong_form_share],
        args=config,
        train_dataset=ds,
        processing_class=tok,
    )
    t_rl = time.perf_counter()
    trainer.train()
    rl_seconds = time.perf_counter() - t_rl
    curve = [
        {
            "step": int(h["step"]) if "step" in h else i + 1,
            "reward": h.get("reward"),
            "math_reward": h.get("rewards/math_reward/mean"),
            "wrong_form_share": h.get("rewards/wrong_form_share/mean"),
            # groups whose samples all got the same reward: GRPO's advantage is 0 there (no signal)
            "frac_reward_zero_std": h.get("frac_reward_zero_std"),
            "clipped_ratio": h.get("completions/clipped_ratio"),
        }
        for i, h in enumerate(r for r in trainer.state.log_history if "reward" in r)
    ]
    model = trainer.model
    model.eval()
    tok.padding_side = "left"
    after = {lv: _accuracy(model, tok, rule, lv, opts) for lv in (sft_level, rl_level)}
    shares = [c["wrong_form_share"] for c in curve if c["wrong_form_share"] is not None]
    rewards = [c["math_reward"] for c in curve if c["math_reward"] is not None]
    summary = {
        "rl_steps": len(curve),
        "rl_seconds": round(rl_seconds, 1),
        "completions_scored": len(curve) * config.per_device_train_batch_size,
        "mean_reward_first_quarter": _mean(rewards[: max(1, len(rewards) // 4)]),
        "mean_reward_last_quarter": _mean(rewards[-max(1, len(rewards) // 4) :]),
        "wrong_form_share": _mean(shares),
        "frac_reward_zero_std": _mean(
            [c["frac_reward_zero_std"] for c in curve if c["frac_reward_zero_std"] is not None]
        ),
    }
    body = [
        [f"level {lv}" + (" (RL prompts)" if lv == rl_level else " (SFT level)"), before[lv]["n"],
         common.pct(before[lv]["accuracy"]), common.pct(after[lv]["accuracy"]),
         common.pct(before[lv]["frac_wrong_form"]), common.pct(after[lv]["frac_wrong_form"])]
        for lv in (sft_level, rl_level)
    ]  # fmt: skip
    table = common.markdown_table(
        [
            "greedy test accuracy",
            "n",
            "after SFT",
            "after GRPO",
            "wrong form after SFT",
            "wrong form after GRPO",
        ],
        body,
    )
    table += (
        f"\nGRPO: {summary['rl_steps']} steps, {x['rl_prompts_per_step']} prompts x {x['num_generations']} "
        f"samples per step, {summary['rl_seconds']:.0f} s; mean math_reward first quarter "
        f"{_fmt(summary['mean_reward_first_quarter'])}, last quarter {_fmt(summary['mean_reward_last_quarter'])}; "
        f"share of sampled completions decided wrong_form: {common.pct(summary['wrong_form_share'])}; "
        f"groups with one reward for all samples (no GRPO signal): {common.pct(summary['frac_reward_zero_std'])}.\n"
    )
    plot(curve, opts)
    results = {"training": trained, "before": before, "after": after, "curve": curve, "summary": summary}
    return common.write_outputs(opts, NAME, results, table, t0)


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def plot(curve, opts) -> None:
    plt = common.pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    steps = [c["step"] for c in curve]
    ax.plot(steps, [c["math_reward"] or 0 for c in curve], "-o", ms=3, label="math_reward (mean per step)")
    ax.plot(steps, [c["wrong_form_share"] or 0 for c in curve], "--", label="share decided wrong_form")
    ax.set_xlabel("GRPO step")
    ax.set_ylabel("mean over the step's samples")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title("GRPO with hf_mathrules.rewards.math_reward")
    ax.legend(fontsize=8)
    common.save_figure(fig, opts.output_dir / "grpo.png")
