"""Trainer callbacks: a generation-based evaluation scored by our checker, and a clean stop on
Ctrl-C/SIGTERM that leaves a resumable checkpoint."""

from __future__ import annotations

import random
import signal
import time
from typing import Any

from transformers import TrainerCallback


class GenerationEvalCallback(TrainerCallback):
    """Every ``every`` steps (and at the end), greedily generate answers for a fixed sample of validation
    prompts, score them with our checker, and log ``eval/verified_accuracy`` (and form errors) through
    the trainer, so every ``report_to`` integration (tensorboard, ...) receives it."""

    def __init__(
        self,
        rows: list[dict[str, Any]],
        tokenizer,
        every: int = 200,
        samples: int = 64,
        max_new_tokens: int = 256,
        batch_size: int = 64,
        seed: int = 0,
    ) -> None:
        self.rows = random.Random(seed).sample(rows, min(samples, len(rows)))
        self.tokenizer = tokenizer
        self.every = every
        self.max_new_tokens = max_new_tokens
        self.batch_size = batch_size
        self.trainer = None  # set after the trainer exists, to log through it
        self.history: list[dict[str, float]] = []
        self._t0 = time.perf_counter()
        self._last_step = -1

    def on_train_begin(self, args, state, control, **kwargs):
        self._t0 = time.perf_counter()

    def evaluate(self, model, step: int) -> dict[str, float]:
        from ..evaluation.generation import generate
        from ..evaluation.scoring import score_batch

        t_eval = time.perf_counter()
        completions = generate(
            model,
            self.tokenizer,
            [r["prompt"] for r in self.rows],
            max_new_tokens=self.max_new_tokens,
            batch_size=self.batch_size,
            progress=False,
        )
        scores = score_batch(self.rows, completions)
        n = max(1, len(scores))
        metrics = {
            "eval/verified_accuracy": sum(s.correct for s in scores) / n,
            "eval/form_errors": sum(s.outcome == "wrong_form" for s in scores) / n,
            "eval/no_answer": sum(s.outcome == "no_answer" for s in scores) / n,
        }
        # wall time of training only: the evaluation's own time is taken out of the clock
        self.history.append({"step": step, "train_seconds": t_eval - self._t0, **metrics})
        self._t0 += time.perf_counter() - t_eval
        self._last_step = step
        return metrics

    def _run(self, state, model) -> None:
        if not state.is_world_process_zero or model is None or not self.rows:
            return
        if self.trainer is not None:
            model = self.trainer.accelerator.unwrap_model(model)
        metrics = self.evaluate(model, state.global_step)
        if self.trainer is not None:
            self.trainer.log(metrics)

    def on_step_end(self, args, state, control, model=None, **kwargs):
        if self.every and state.global_step % self.every == 0:
            self._run(state, model)

    def on_train_end(self, args, state, control, model=None, **kwargs):
        if self.every and state.global_step != self._last_step:
            self._run(state, model)


class GracefulStopCallback(TrainerCallback):
    """On SIGINT/SIGTERM finish the current step, save a full checkpoint (weights, optimizer, scheduler,
    RNG) and stop; a rerun of the same command resumes from it.  A second Ctrl-C aborts at once."""

    def __init__(self) -> None:
        self.requested = False
        self.stopped_at: int | None = None
        self._previous: dict[int, Any] = {}

    def request_stop(self, signum=None, frame=None) -> None:
        if self.requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.requested = True

    def on_train_begin(self, args, state, control, **kwargs):
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self._previous[sig] = signal.signal(sig, self.request_stop)
            except ValueError:  # not the main thread: leave signals alone
                pass

    def on_step_end(self, args, state, control, **kwargs):
        if self.requested:
            control.should_save = True
            control.should_training_stop = True
            self.stopped_at = state.global_step

    def on_train_end(self, args, state, control, **kwargs):
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()


class WallClockCallback(TrainerCallback):
    """Records tokens seen and wall time at each log, for throughput figures."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.log_rows: list[dict[str, float]] = []

    def on_train_begin(self, args, state, control, **kwargs):
        self.t0 = time.perf_counter()

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs:
            self.log_rows.append(
                {
                    "step": state.global_step,
                    "seconds": time.perf_counter() - self.t0,
                    "loss": float(logs["loss"]),
                    "tokens": float(getattr(state, "num_input_tokens_seen", 0) or 0),
                }
            )
