"""lighteval custom tasks: ``custom|mathrules:<rule>|0`` scores any model on a rule's test split with our
checker (the answer in the rule's target form, as ``mathrules evaluate`` scores it).

    lighteval accelerate "model_name=PATH" "custom|mathrules:distributivity|0" \\
        --custom-tasks hf_mathrules/lighteval_tasks.py
    python -m hf_mathrules.lighteval_tasks accelerate ...   # the same, offline (see ``only_custom_tasks``)

Data: with ``MATHRULES_LIGHTEVAL_DATA=DIR`` set, ``DIR/<rule>/test-*.parquet`` (``write_task_data`` writes
it; ``mathrules experiment lighteval`` does so); otherwise the Hub-style id ``hf_mathrules/<rule>``
(``mathrules build <rule>`` puts it in the datasets cache; load it with ``HF_HUB_OFFLINE=1``).

lighteval 0.13 pins ``latex2sympy2_extended==1.0.6`` (and ``termcolor``, ``nltk``, ``aenum``) where
math-verify 0.9 (our ``bench`` extra) pins ``latex2sympy2_extended==1.11.0``: install it in its own
environment (``pip install "hf-mathrules[lighteval]"`` there), never next to the ``dev`` extras.  Our checker
needs neither package.  This module imports lighteval only when lighteval loads it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

TASK_PREFIX = "mathrules"
DATA_ENV = "MATHRULES_LIGHTEVAL_DATA"
ROW_COLUMNS = ("id", "rule", "difficulty", "prompt", "completion", "problem", "answer")


def dataset_path(rule: str) -> str:
    """Where the task reads ``rule``'s rows: a local folder under ``$MATHRULES_LIGHTEVAL_DATA``, else the
    Hub-style id."""
    root = os.environ.get(DATA_ENV)
    return str(Path(root) / rule) if root else f"hf_mathrules/{rule}"


def write_task_data(root: str | Path, rule: str, rows: list[dict[str, Any]]) -> Path:
    """``root/<rule>/test-00000-of-00001.parquet`` from rule rows (the columns the task reads)."""
    from datasets import Dataset

    folder = Path(root) / rule
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "test-00000-of-00001.parquet"
    Dataset.from_list([{k: r[k] for k in ROW_COLUMNS} for r in rows]).to_parquet(str(path))
    return path


def prompt_doc(line: dict[str, Any], task_name: str | None = None):
    """A row as lighteval's ``Doc``: the prompt exactly as training formats it, the row kept for scoring."""
    from lighteval.tasks.requests import Doc

    from hf_mathrules.prompting import model_prompt

    row = {k: line[k] for k in ROW_COLUMNS if k in line}
    return Doc(
        task_name=task_name,
        query=model_prompt(line["prompt"]),
        choices=[str(line["answer"])],
        gold_index=0,
        specific={"row": row},
    )


def score_sample(model_response=None, doc=None, **kwargs) -> dict[str, float]:
    """Our checker on one generation: verified accuracy and the outcome it falls in."""
    from hf_mathrules.evaluation.scoring import score_completion

    text = model_response.text[0] if model_response is not None and model_response.text else ""
    score = score_completion(doc.specific["row"], text)
    return {
        "verified_accuracy": float(score.correct),
        "wrong_form": float(score.outcome == "wrong_form"),
        "no_answer": float(score.outcome == "no_answer"),
    }


def _metric():
    import numpy as np
    from lighteval.metrics.metrics_sample import SampleLevelComputation
    from lighteval.metrics.utils.metric_utils import SampleLevelMetricGrouping
    from lighteval.tasks.requests import SamplingMethod

    class MathRulesChecker(SampleLevelComputation):
        def compute(self, doc, model_response, **kwargs) -> dict[str, float]:
            return score_sample(model_response=model_response, doc=doc)

    names = ["verified_accuracy", "wrong_form", "no_answer"]
    return SampleLevelMetricGrouping(
        metric_name=names,
        higher_is_better={"verified_accuracy": True, "wrong_form": False, "no_answer": False},
        category=SamplingMethod.GENERATIVE,
        sample_level_fn=MathRulesChecker(),
        corpus_level_fn=dict.fromkeys(names, np.mean),
    )


def task_configs(rules: list[str] | None = None, generation_size: int = 512) -> list:
    """One ``LightevalTaskConfig`` per rule (every registered rule by default)."""
    from lighteval.tasks.lighteval_task import LightevalTaskConfig

    from hf_mathrules.rules import rule_names

    metric = _metric()
    return [
        LightevalTaskConfig(
            name=f"{TASK_PREFIX}:{rule}",
            prompt_function=prompt_doc,
            hf_repo=dataset_path(rule),
            hf_subset="default",
            hf_avail_splits=["test"],
            evaluation_splits=["test"],
            few_shots_split=None,
            few_shots_select=None,
            generation_size=int(os.environ.get("MATHRULES_LIGHTEVAL_MAX_NEW_TOKENS", generation_size)),
            metrics=[metric],
            stop_sequence=[],
            version=0,
        )
        for rule in rules or rule_names()
    ]


def only_custom_tasks() -> None:
    """Make lighteval's registry load the ``--custom-tasks`` module alone.  lighteval 0.13 imports every
    built-in task module on start; offline two of them fail: ``tiny_benchmarks`` downloads a pickle from
    GitHub at import, and a judge metric calls ``HfApi.list_models(model_name=...)``, an argument
    huggingface_hub 1.x removed (our stack has 2.x)."""
    from lighteval.tasks.registry import Registry

    Registry._load_from_files = staticmethod(lambda files, module_prefix: {})
    Registry._load_from_subdirs = staticmethod(lambda subdirs: {})


def main() -> None:
    """``python -m hf_mathrules.lighteval_tasks accelerate ...``: lighteval's own command line, with only
    the custom tasks loaded (``only_custom_tasks``); arguments exactly as for ``lighteval``."""
    import sys

    from lighteval.__main__ import app

    only_custom_tasks()
    sys.argv[0] = "lighteval"
    sys.exit(app())


try:  # lighteval reads TASKS_TABLE when it loads this file; importing it elsewhere needs no lighteval
    TASKS_TABLE = task_configs()
except ImportError:
    TASKS_TABLE = []


if __name__ == "__main__":
    main()
