"""Experiment 6, RL with the checker's reward: from an SFT model (the tiny preset trained on one level),
TRL's ``GRPOTrainer`` on prompts one level above training, in one or more arms from the same SFT model,
with the same budget and seeds:

- ``math``: ``hf_mathrules.rewards.math_reward`` (1 for a correct answer in the target form, else 0);
- ``step``: ``hf_mathrules.rewards.step_reward`` (the share of valid derivation steps, the answer on top);
- ``step+curriculum`` (``--set curriculum=true``): ``step_reward`` on prompts from
  ``hf_mathrules.data.curriculum``, starting at the RL level, whose level follows the success rate.

``--set reward=math|step`` and ``--set curriculum=true`` pick one arm; ``--set arms='["math", "step",
"step+curriculum"]'`` runs several after one SFT.  Reported per arm: the reward curve (mean reward per
step, ``reward_curve``), greedy test accuracy before and after at the SFT level and the RL level with
Wilson intervals (``accuracy_before`` / ``accuracy_after``), the share of sampled completions the checker
decided ``wrong_form`` (right value, wrong form; a reward function of weight 0, which changes nothing in
the update), and for the curriculum its level over time."""

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
    "beta": 0.0,  # KL coefficient against the SFT model (TRL's default 0: no reference model)
    "temperature": 1.0,
    # every dev_every GRPO steps, greedy accuracy on n_dev validation problems per level; the model kept is
    # the one best at the RL level on them (step 0 = the SFT model): early stopping on a dev split, since a
    # run that collapses would otherwise report its last, worst state (0: no dev evaluation, keep the last)
    "dev_every": 0,
    "n_dev": 50,
    "n_eval": 20,
    "max_new_tokens": 96,
    "reward": "math",  # math | step
    "curriculum": False,
    "arms": None,  # several arms after one SFT, e.g. ["math", "step", "step+curriculum"]
    "curriculum_window": 16,  # outcomes at a level that decide a move
    "curriculum_band": [0.4, 0.8],
}
MINI = {"steps": 2, "batch_size": 8, "rows_per_level": 30, "rl_steps": 2, "rl_prompts_per_step": 1,
        "num_generations": 2, "n_eval": 2, "max_new_tokens": 16, "curriculum_window": 2, "n_dev": 2}  # fmt: skip
ARMS = ("math", "step", "step+curriculum")
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
    from ..evaluation.stats import wilson_interval

    cell_rows = common.rows(rule, level, opts.n_eval, seed=opts.seed)
    completions = common.complete(model, tok, [r["prompt"] for r in cell_rows], opts)
    cell = common.public(common.score(cell_rows, completions))
    low, high = wilson_interval(round(cell["accuracy"] * cell["n"]), cell["n"])
    return {**cell, "wilson_low": low, "wilson_high": high}


def arm_names(x: dict[str, Any]) -> list[str]:
    """The arms to run: ``arms``, or the one ``reward`` (+ ``curriculum``) names."""
    arms = x.get("arms")
    if arms:
        arms = [a.strip() for a in arms.split(",")] if isinstance(arms, str) else list(arms)
    else:
        arms = [str(x["reward"]) + ("+curriculum" if x.get("curriculum") else "")]
    bad = [a for a in arms if a not in (*ARMS, "math+curriculum")]
    if bad or len(set(arms)) != len(arms):
        raise ValueError(f"arms: each of {', '.join(ARMS)} (or math+curriculum) at most once, got {arms}")
    return arms


def run(opts: common.ExperimentOptions) -> dict[str, Any]:
    t0 = time.perf_counter()
    opts = opts.with_defaults(DEFAULTS, MINI)
    x = opts.extra
    arms = arm_names(x)
    if not (
        type(x["dev_every"]) is int and x["dev_every"] >= 0 and type(x["n_dev"]) is int and x["n_dev"] >= 1
    ):
        raise ValueError(
            f"dev_every must be an integer >= 0 and n_dev >= 1, got {x['dev_every']!r}, {x['n_dev']!r}"
        )
    rule, sft_level, rl_level = x["rule"], x["sft_level"], x["rl_level"]
    folder, trained = common.train_model(opts, "sft", [f"{rule}:{sft_level}"])
    model, tok = common.load_trained(opts, folder)
    before = {lv: _accuracy(model, tok, rule, lv, opts) for lv in (sft_level, rl_level)}
    del model
    results_arms = {}
    for arm in arms:
        results_arms[arm] = run_arm(arm, opts, folder, before)
    first = results_arms[arms[0]]
    table = _table(arms, results_arms, before, x)
    plot(results_arms, opts)
    results = {
        "training": trained,
        "arms": results_arms,
        # the first arm's, where experiment 6's readers found them before there were arms
        "before": before,
        "after": first["accuracy_after"],
        "curve": first["curve"],
        "summary": first["summary"],
    }
    return common.write_outputs(opts, NAME, results, table, t0)


def run_arm(arm: str, opts: common.ExperimentOptions, sft_folder, before: dict) -> dict[str, Any]:
    """GRPO from the SFT model with one arm's reward and prompts; its curve and accuracy after."""
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    from ..data.curriculum import Curriculum, CurriculumConfig
    from ..prompting import model_prompt
    from ..rewards import math_reward, step_reward
    from ..train.config import apply_cpu_threads, quiet_sft_config_warnings

    x = opts.extra
    rule, sft_level, rl_level = x["rule"], x["sft_level"], x["rl_level"]
    reward_name, _, with_curriculum = arm.partition("+")
    reward_fn = {"math": math_reward, "step": step_reward}[reward_name]
    model, tok = common.load_trained(opts, sft_folder)  # every arm starts from the same SFT model
    curriculum = None
    if with_curriculum:
        curriculum = Curriculum(
            CurriculumConfig(
                rules=(rule,),
                start_level=rl_level,
                window=x["curriculum_window"],
                band=tuple(x["curriculum_band"]),
                seed=opts.seed + 1,
            )  # fmt: skip
        )
        ds = curriculum.dataset()
        reward_fn = curriculum.wrap(reward_fn)
    else:
        n_prompts = x["rl_steps"] * x["rl_prompts_per_step"]
        rl_rows = common.rows(rule, rl_level, n_prompts, split="train", seed=opts.seed + 1)
        ds = Dataset.from_list(
            [
                {
                    "prompt": model_prompt(r["prompt"]),
                    "answer": r["answer"],
                    "rule": r["rule"],
                    "problem": r["problem"],
                    "level": rl_level,
                }
                for r in rl_rows
            ]  # fmt: skip
        )
    quiet_sft_config_warnings()
    apply_cpu_threads(opts.cpu_threads)
    config = GRPOConfig(
        output_dir=str(opts.output_dir / "models" / ("grpo-" + arm.replace("+", "-"))),
        max_steps=x["rl_steps"],
        per_device_train_batch_size=x["rl_prompts_per_step"] * x["num_generations"],
        num_generations=x["num_generations"],
        max_completion_length=opts.max_new_tokens,
        learning_rate=x["rl_learning_rate"],
        beta=x["beta"],
        temperature=x["temperature"],
        reward_weights=[1.0, 0.0],
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        disable_tqdm=True,
        seed=opts.seed,
        bf16=False,
        shuffle_dataset=curriculum is None,  # a buffered shuffle would draw curriculum rows far ahead
    )
    dev = (
        DevSelection(tok, rule, (sft_level, rl_level), rl_level, x["n_dev"], opts) if x["dev_every"] else None
    )
    if dev is not None:
        dev.evaluate(model, 0)
    model.train()
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=[reward_fn, wrong_form_share],
        args=config,
        train_dataset=ds,
        processing_class=tok,
        callbacks=[dev.callback(x["dev_every"])] if dev is not None else None,
    )
    t_rl = time.perf_counter()
    trainer.train()
    rl_seconds = time.perf_counter() - t_rl
    if dev is not None:
        dev.restore_best(trainer.model)
    name = reward_fn.__name__
    curve = [
        {
            "step": int(h["step"]) if "step" in h else i + 1,
            "reward": h.get(f"rewards/{name}/mean"),
            name: h.get(f"rewards/{name}/mean"),
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
    rewards = [c["reward"] for c in curve if c["reward"] is not None]
    summary = {
        "reward": name,
        "rl_steps": len(curve),
        "rl_seconds": round(rl_seconds, 1),
        "completions_scored": len(curve) * config.per_device_train_batch_size,
        "mean_reward_first_quarter": _mean(rewards[: max(1, len(rewards) // 4)]),
        "mean_reward_last_quarter": _mean(rewards[-max(1, len(rewards) // 4) :]),
        "wrong_form_share": _mean(shares),
        "frac_reward_zero_std": _mean(
            [c["frac_reward_zero_std"] for c in curve if c["frac_reward_zero_std"] is not None]
        ),
        "gain_at_rl_level": after[rl_level]["accuracy"] - before[rl_level]["accuracy"],
    }
    out = {
        "arm": arm,
        "reward": name,
        "curriculum": curriculum is not None,
        "reward_curve": [c["reward"] for c in curve],
        "accuracy_before": before,
        "accuracy_after": after,
        "curve": curve,
        "summary": summary,
    }
    if dev is not None:
        out["dev_curve"] = dev.curve
        out["dev_best_step"] = dev.best_step
        summary["dev_best_step"] = dev.best_step
    if curriculum is not None:
        out["curriculum_state"] = curriculum.state()
        out["level_over_time"] = curriculum.level_series(rule)
        curriculum.save(opts.output_dir / f"curriculum-{arm.replace('+', '-')}.json")
    del trainer, model
    return out


class DevSelection:
    """Greedy accuracy on validation problems (never the test split) during GRPO, and the weights of the
    step best at the RL level, restored after training."""

    def __init__(self, tok, rule: str, levels: tuple[int, ...], select_level: int, n: int, opts) -> None:
        self.tok, self.opts, self.select_level = tok, opts, select_level
        self.rows = {lv: common.rows(rule, lv, n, split="validation", seed=opts.seed + 2) for lv in levels}
        self.curve: list[dict[str, Any]] = []
        self.best_step, self.best_accuracy, self.best_state = 0, -1.0, None

    def evaluate(self, model, step: int) -> None:
        was_training, side = model.training, self.tok.padding_side
        model.eval()
        self.tok.padding_side = "left"
        accuracy = {}
        for lv, cell_rows in self.rows.items():
            completions = common.complete(model, self.tok, [r["prompt"] for r in cell_rows], self.opts)
            accuracy[lv] = common.score(cell_rows, completions)["accuracy"]
        self.tok.padding_side = side
        model.train(was_training)
        self.curve.append({"step": step, "accuracy": accuracy})
        if accuracy[self.select_level] > self.best_accuracy:  # ties keep the earlier (closer to SFT) step
            self.best_step, self.best_accuracy = step, accuracy[self.select_level]
            self.best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}

    def callback(self, every: int):
        from transformers import TrainerCallback

        selection = self

        class DevEvaluation(TrainerCallback):
            def on_step_end(self, args, state, control, model=None, **kwargs):
                if state.global_step % every == 0 or state.global_step == state.max_steps:
                    selection.evaluate(model, state.global_step)

        return DevEvaluation()

    def restore_best(self, model) -> None:
        if self.best_state is not None:
            model.load_state_dict(self.best_state)


def _table(arms, results_arms, before, x) -> str:
    sft_level, rl_level = x["sft_level"], x["rl_level"]

    def acc(cell):
        return f"{common.pct(cell['accuracy'])} [{common.pct(cell['wilson_low'])}, {common.pct(cell['wilson_high'])}]"

    body = []
    for lv in (sft_level, rl_level):
        label = f"level {lv}" + (" (RL prompts)" if lv == rl_level else " (SFT level)")
        body.append(
            [label, "after SFT", before[lv]["n"], acc(before[lv]), common.pct(before[lv]["frac_wrong_form"])]
        )
        for arm in arms:
            cell = results_arms[arm]["accuracy_after"][lv]
            body.append(
                [label, f"after GRPO, {arm}", cell["n"], acc(cell), common.pct(cell["frac_wrong_form"])]
            )
    table = common.markdown_table(
        ["greedy test accuracy", "model", "n", "accuracy [95% Wilson]", "wrong form"], body
    )
    for arm in arms:
        sm = results_arms[arm]["summary"]
        table += (
            f"\nGRPO {arm}: {sm['rl_steps']} steps, {x['rl_prompts_per_step']} prompts x {x['num_generations']} "
            f"samples per step, {sm['rl_seconds']:.0f} s; mean {sm['reward']} first quarter "
            f"{_fmt(sm['mean_reward_first_quarter'])}, last quarter {_fmt(sm['mean_reward_last_quarter'])}; "
            f"decided wrong_form: {common.pct(sm['wrong_form_share'])}; groups with one reward for all "
            f"samples (no GRPO signal): {common.pct(sm['frac_reward_zero_std'])}."
        )
        dev_curve = results_arms[arm].get("dev_curve")
        if dev_curve:
            per_level = "; ".join(
                f"level {lv}: " + " ".join(f"{100 * d['accuracy'][lv]:.0f}" for d in dev_curve)
                for lv in dev_curve[0]["accuracy"]
            )
            table += (
                f" Greedy dev accuracy (%) at steps {' '.join(str(d['step']) for d in dev_curve)}: {per_level};"
                f" kept the model of step {results_arms[arm]['dev_best_step']}."
            )
        levels = results_arms[arm].get("level_over_time")
        if levels:
            table += f" Curriculum level per step: {' '.join(str(lv) for _, lv in levels)}."
        table += "\n"
    return table


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def plot(results_arms: dict[str, Any], opts) -> None:
    """``grpo.png``: each arm's mean reward per step (and the share decided wrong_form); with a curriculum,
    ``grpo_levels.png``: its level per step."""
    plt = common.pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for arm, res in results_arms.items():
        curve = res["curve"]
        steps = [c["step"] for c in curve]
        ax.plot(
            steps,
            [c["reward"] or 0 for c in curve],
            "-o",
            ms=3,
            label=f"{arm}: {res['reward']} (mean per step)",
        )
        ax.plot(
            steps, [c["wrong_form_share"] or 0 for c in curve], "--", lw=0.8, label=f"{arm}: share wrong_form"
        )
    ax.set_xlabel("GRPO step")
    ax.set_ylabel("mean over the step's samples")
    ax.set_ylim(-0.03, 1.53)
    ax.set_title("GRPO rewards per arm (math_reward in [0, 1], step_reward in [0, 1.5])")
    ax.legend(fontsize=7)
    common.save_figure(fig, opts.output_dir / "grpo.png")
    with_dev = {arm: res["dev_curve"] for arm, res in results_arms.items() if res.get("dev_curve")}
    if with_dev:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        for arm, curve in with_dev.items():
            for lv in curve[0]["accuracy"]:
                ax.plot([d["step"] for d in curve], [d["accuracy"][lv] for d in curve], "-o", ms=3,
                        label=f"{arm}, level {lv}")  # fmt: skip
        ax.set_xlabel("GRPO step")
        ax.set_ylabel("greedy dev accuracy")
        ax.set_ylim(-0.03, 1.03)
        ax.set_title("Validation accuracy during GRPO (the best step at the RL level is kept)")
        ax.legend(fontsize=7)
        common.save_figure(fig, opts.output_dir / "grpo_dev.png")
    with_levels = {
        arm: res["level_over_time"] for arm, res in results_arms.items() if res.get("level_over_time")
    }
    if with_levels:
        fig, ax = plt.subplots(figsize=(6, 3))
        for arm, series in with_levels.items():
            ax.step([b for b, _ in series], [lv for _, lv in series], where="post", label=arm)
        ax.set_xlabel("GRPO step (reward calls)")
        ax.set_ylabel("curriculum level")
        ax.set_yticks(range(1, 6))
        ax.set_title("Curriculum level over time")
        ax.legend(fontsize=8)
        common.save_figure(fig, opts.output_dir / "grpo_levels.png")
