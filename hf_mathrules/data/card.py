"""The dataset card (README.md) of an exported or published dataset: Hub YAML (configs, features,
license, task categories, tags, size category) and prose (the rule, an example row, how the data was
generated and validated, the splits and their leakage guarantee, how to regenerate it, citations).
Never contains a token."""

from __future__ import annotations

import json
from typing import Any

import datasets
from huggingface_hub import DatasetCard, DatasetCardData

from .. import __version__
from ..rules import OOD_SPLITS, get_rule, make_rule
from ..rules.base import SPLIT_BOUNDS
from .config import MathRulesConfig

CITATIONS = """\
```bibtex
@article{gorceix2024learningmathrules,
  title   = {Learning Mathematical Rules with Large Language Models},
  author  = {Gorceix, Antoine and Le Chenadec, Bastien and Rammal, Ahmad and Vadori, Nelson and Veloso, Manuela},
  journal = {arXiv preprint arXiv:2410.16973},
  year    = {2024},
  url     = {https://arxiv.org/abs/2410.16973}
}

@inproceedings{li2024neurosymbolic,
  title     = {Neuro-Symbolic Data Generation for Math Reasoning},
  author    = {Li, Zenan and others},
  booktitle = {Advances in Neural Information Processing Systems (NeurIPS)},
  year      = {2024},
  url       = {https://openreview.net/forum?id=CIcMZGLyZW}
}
```"""

SIZE_CATEGORIES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"))


def size_category(n: int) -> str:
    for bound, label in SIZE_CATEGORIES:
        if n < bound:
            return label
    return "1M<n<10M" if n < 10_000_000 else "10M<n<100M"


def configs_yaml(split_files: dict[str, str]) -> list[dict[str, Any]]:
    """The ``configs:`` entry that makes ``load_dataset(folder_or_repo)`` find every split."""
    return [
        {
            "config_name": "default",
            "data_files": [{"split": s, "path": pattern} for s, pattern in split_files.items()],
            "default": True,
        }
    ]


MUTATED_SECTION = """### `{rule}`

Mutation-generated problems (the neuro-symbolic method of Li et al., NeurIPS 2024, without an LLM):
each row starts from a seed (one of our grade-school seed schemas, or a problem of our own rules),
formalized as a typed program; a projected Metropolis chain applies mutation operators (complication,
simplification, renaming) towards the requested difficulty, projecting touched constants back onto the
valid set; the result must pass every gate (well-formed; exact evaluation with role constraints; the
answer *derived*, unique, never stated; every step re-checked; the text, written with sentence frames,
read back and re-solved to the same answer, no formal tokens, the answer not in the text; different
from its seed; a solver second opinion on a sample).  `meta` holds the seed, the operator chain, the
difficulty measures and the structure signature.  Splits are by a hash of the seed instance.
"""


def _rule_section(rule: str, config: MathRulesConfig) -> str:
    from .config import mutated_names

    if rule in mutated_names():
        section = MUTATED_SECTION.format(rule=rule)
        k = config.rule_knobs(rule).get("variants_per_chain", 1)
        if k > 1:  # the rows are no longer one per chain: say so where users read about the data
            section += (
                f"\nBuilt with `variants_per_chain={k}`: each chain gives up to {k} rows, its own and copies of "
                "its final program with the stated numbers redrawn from their declared ranges, each re-solved "
                "and passed through the same gates. A chain's rows share its structure and its split; "
                "`meta.variant` numbers the copies. More rows per second, fewer distinct structures per row.\n"
            )
        return section
    cls = get_rule(rule)
    r = make_rule(rule, level=config.levels[0], **config.rule_knobs(rule))
    knobs = ", ".join(f"`{k}={v}`" for k, v in r.config.knobs().items())
    kind = "word problems" if cls.word_problem else f"{cls.kind} problems"
    return (
        f"### `{rule}`\n\n{cls.description}\n\n"
        f"- {kind}; the answer is in **{cls.target_form}** form\n"
        f"- knobs at level {config.levels[0]}: {knobs}\n"
    )


def render_card(
    config: MathRulesConfig,
    dataset: datasets.DatasetDict,
    repo_id: str,
    split_files: dict[str, str],
    validation: dict[str, str] | None = None,
) -> str:
    """The full README.md text."""
    rules = config.rule_list()
    total = sum(len(d) for d in dataset.values())
    info = next(iter(dataset.values())).info
    features_yaml = info._to_yaml_dict()["features"]
    splits_yaml = [
        {"name": s, "num_bytes": d.info.splits[s].num_bytes, "num_examples": len(d)}
        for s, d in dataset.items()
    ]
    from .config import mutated_names

    word = any(
        r == "mutated_word_problems" or (r not in mutated_names() and get_rule(r).word_problem) for r in rules
    )
    data = DatasetCardData(
        license="apache-2.0",
        language=["en"],
        pretty_name=f"hf-mathrules: {', '.join(rules)}",
        task_categories=["text-generation", "question-answering"],
        tags=["math", "synthetic", "step-by-step", "sympy", "hf-mathrules", *rules]
        + (["word-problems"] if word else []),
        size_categories=[size_category(total)],
        configs=configs_yaml(split_files),
        dataset_info={"config_name": "default", "features": features_yaml, "splits": splits_yaml},
    )
    first = next(iter(dataset.values()))[0]
    example = json.dumps(first, indent=2, ensure_ascii=False)
    split_table = "\n".join(f"| `{s}` | {len(d):,} |" for s, d in dataset.items())
    train_pct, val_pct = SPLIT_BOUNDS[0][0] // 10, (SPLIT_BOUNDS[1][0] - SPLIT_BOUNDS[0][0]) // 10
    test_pct = (SPLIT_BOUNDS[2][0] - SPLIT_BOUNDS[1][0]) // 10
    mix = ""
    if len(rules) > 1:
        weights = config.weights or [1] * len(rules)
        mix = "Mixture weights: " + ", ".join(f"`{r}` {w}" for r, w in zip(rules, weights)) + ".\n\n"
    checked = ""
    if validation:
        checked = "Checked with SymPy when this card was written:\n\n" + "\n".join(
            f"- `{s}`: {summary}" for s, summary in validation.items()
        )
    params = json.dumps(config.params(), indent=2)
    rules_arg = " ".join(rules)
    if len(rules) > 1:
        rules_arg += f" --mix {repo_id.split('/')[-1]}"
        if config.weights:
            rules_arg += " --weights " + " ".join(f"{w:g}" for w in config.weights)
    regen_py = (
        f"load({rules[0]!r}, n_train={config.n_train}, n_validation={config.n_validation}, "
        f"n_test={config.n_test}, n_ood={config.n_ood}, seed={config.seed}, levels={list(config.levels)}"
        + (f", vocab={config.vocab!r}" if config.vocab else "")
        + (f", knobs={config.knobs!r}" if config.knobs else "")
        + (f", rules={list(rules)!r}, weights={list(config.weights or [])!r}" if len(rules) > 1 else "")
        + ")"
    )
    body = f"""
# {repo_id}

Synthetic, step-by-step math problems that teach one mathematical rule each, as in *Learning
Mathematical Rules with Large Language Models* (arXiv 2410.16973). Every row has a prompt, a
step-by-step completion ending with the line `Answer: <answer>`, and the problem, steps and answer in
machine (SymPy-style) syntax for automatic checking.

## The rule{"s" if len(rules) > 1 else ""}

{"".join(_rule_section(r, config) for r in rules)}
{mix}## Example row

```json
{example}
```

Fields: `id` (rule and a hash of the problem), `rule`, `split`, `difficulty` (level 1-5, 6 = harder than
any training level), `prompt`, `completion`, `problem`, `answer`, `steps` (list of machine-syntax
intermediate results), `meta` (JSON: knobs, level, vocabulary, variables, seed, item index).

## How it was generated and validated

Rows come from hf-mathrules {__version__}: problems are built as expression trees with overloaded
operators, and each solution step is an explicit rewrite of the tree (no SymPy in the generator), rendered
in textbook syntax for the prompt and completion and in SymPy syntax for `problem`, `steps` and `answer`.
Item `i` of seed `s` is a pure function of (configuration, `s`, `i`): its random generator is seeded from
a hash of (rule, seed, index), so different seeds share no more items than unrelated ones. Duplicates
within a split are dropped. Every row can be re-checked independently with SymPy
(`hf_mathrules.validate.validate_row`): each step is equivalent to the one before, the answer solves the
problem, and the answer has the rule's target form.

{checked}

Generation parameters:

```json
{params}
```

## Splits and their leakage guarantee

| split | rows |
|---|---|
{split_table}

Split membership is decided by a hash of the problem itself (rule name and problem text):
{train_pct}% of problem hashes go to `train`, {val_pct}% to `validation`, {test_pct}% to `test`. The same problem
can therefore never appear in two splits, whatever the sizes, seeds or levels requested, and no test
problem can leak into training data generated later with other parameters. The out-of-distribution
test sets ({", ".join(f"`{s}`" for s in OOD_SPLITS)}) are drawn from the test hash bucket too:
`test_ood_level` uses level 6, harder than any training level; `test_ood_vocab` is drawn at this
config's levels ({", ".join(map(str, config.levels))}), like `test`, with variable names held out of
the training vocabulary, so only the names change.

## How to regenerate it

```bash
pip install "hf-mathrules[hub]"
mathrules build {rules_arg} --n-train {config.n_train} --n-validation {config.n_validation} --n-test {config.n_test} \\
    --n-ood {config.n_ood} --seed {config.seed} --level {" ".join(map(str, config.levels))}
HF_HUB_OFFLINE=1 python -c 'from datasets import load_dataset; print(load_dataset("{repo_id}"))'
```

or in Python: `from hf_mathrules.data import load; ds = {regen_py}`. The same parameters and
package version give the same rows, byte for byte, whatever the number of processes.

## Citation

{CITATIONS}
"""
    return DatasetCard(f"---\n{data.to_yaml()}\n---\n{body}").content
