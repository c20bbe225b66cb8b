"""The model card: base model (Hub id only), datasets, training configuration, and verified accuracy as
``model-index`` results (``huggingface_hub`` ``ModelCard`` / ``EvalResult``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATASET_NAMESPACE = "hf_mathrules"  # the rule datasets' Hub namespace (one dataset per rule)

TEMPLATE = """---
{card_data}
---

# {model_name}

{summary}

## Training data

Synthetic step-by-step problems from the hf-mathrules rule engine (every row SymPy-validated):

{mix_table}
{general_line}
## Results

Greedy decoding; an answer counts when our checker finds it equivalent to the reference **and** written
in the rule's target form (`Answer:` line of the completion).

| rule | level | split | n | verified accuracy | form errors |
|---|---|---|---|---|---|
{results_table}

## Training

- method: `{method}`; steps: {steps}; train time: {seconds:.0f} s; throughput: {tps:.0f} tokens/s
- trained with TRL `SFTTrainer` (completion-only loss on `prompt`/`completion` rows)

<details><summary>Training configuration</summary>

```json
{config_json}
```
</details>

## Use

```python
{usage}
```
"""


def _usage(output_name: str, hub_base: str | None, is_adapter: bool) -> str:
    if is_adapter:
        return (
            "from peft import AutoPeftModelForCausalLM\nfrom transformers import AutoTokenizer\n\n"
            f'model = AutoPeftModelForCausalLM.from_pretrained("{output_name}")\n'
            f'tokenizer = AutoTokenizer.from_pretrained("{output_name}")'
        )
    return (
        "from transformers import AutoModelForCausalLM, AutoTokenizer\n\n"
        f'model = AutoModelForCausalLM.from_pretrained("{output_name}")\n'
        f'tokenizer = AutoTokenizer.from_pretrained("{output_name}")'
    )


def build_model_card(
    *,
    model_name: str,
    hub_base: str | None,
    mix: list,
    config: dict[str, Any],
    test_results: list[dict[str, Any]],
    method: str,
    steps: int,
    seconds: float,
    tokens_per_second: float,
    general_dataset: str | None = None,
    is_adapter: bool = False,
):
    """A ``ModelCard`` whose metadata holds ``base_model`` (a Hub id, never a path), ``datasets`` and
    ``model-index`` results."""
    from huggingface_hub import EvalResult, ModelCard, ModelCardData

    datasets = [f"{DATASET_NAMESPACE}/{e.rule}" for e in mix]
    if general_dataset and not Path(general_dataset).exists():
        datasets.append(general_dataset)
    evals = [
        EvalResult(
            task_type="text-generation",
            task_name="Step-by-step math rule application",
            dataset_type=f"{DATASET_NAMESPACE}/{r['rule']}",
            dataset_name=f"{r['rule']} (level {r['level']})",
            dataset_config=f"level{r['level']}",
            dataset_split=r["split"],
            metric_type="accuracy",
            metric_name="verified accuracy",
            metric_value=round(float(r["verified_accuracy"]), 4),
        )
        for r in test_results
    ]
    tags = ["hf-mathrules", "trl", "sft", "math"]
    if is_adapter:
        tags += ["peft", "lora"] + (["qlora"] if method == "qlora" else [])
    data = ModelCardData(
        base_model=hub_base,
        datasets=datasets,
        library_name="peft" if is_adapter else "transformers",
        pipeline_tag="text-generation",
        license="apache-2.0",
        tags=tags,
        model_name=model_name,
        eval_results=evals or None,
    )
    if hub_base:
        kind = f"A {method.upper()} adapter for" if is_adapter else "A fine-tune of"
        summary = f"{kind} [{hub_base}](https://huggingface.co/{hub_base}) ({method})."
    elif is_adapter:
        summary = (
            f"A {method.upper()} adapter ({method}) for a base model given as a local folder (not on the Hub: "
            "`base_model` is left empty; pass `--base_model_hub_id` when training, or "
            "`mathrules push model --base-model-id`, to name it)."
        )
    else:
        summary = (
            "A small Llama-architecture model with a character tokenizer, trained from scratch by the "
            "hf-mathrules `tiny` preset (no pretrained base)."
        )
    mix_table = "\n".join(
        f"- `{e.rule}` levels {', '.join(map(str, e.levels))}: {e.rows * len(e.levels)} rows, levels interleaved"
        + ("; knobs " + ", ".join(f"`{k}={v}`" for k, v in e.knobs) if e.knobs else "")
        for e in mix
    )
    drill = config.get("mathrules", {}).get("arithmetic_rows") or 0
    if drill:
        mix_table += f"\n- {drill} arithmetic drill rows (signed sums, products, quotients below 1000)"
    results_table = (
        "\n".join(
            f"| {r['rule']} | {r['level']} | {r['split']} | {r['n']} | {r['verified_accuracy']:.1%} | "
            f"{r.get('form_errors', 0):.1%} |"
            for r in test_results
        )
        or "| (not evaluated) | | | | | |"
    )
    text = TEMPLATE.format(
        card_data=data.to_yaml(),
        model_name=model_name,
        summary=summary,
        mix_table=mix_table,
        general_line=f"\nGeneral instruction data mixed in: `{general_dataset}`.\n"
        if general_dataset
        else "",
        results_table=results_table,
        method=method,
        steps=steps,
        seconds=seconds,
        tps=tokens_per_second,
        config_json=json.dumps(config, indent=2, default=str),
        usage=_usage(model_name, hub_base, is_adapter),
    )
    return ModelCard(text)


def write_model_card(output_dir: Path, margs, sft, mix, config, test_results, result, hub_base) -> Path:
    """Write ``README.md`` (the card) into ``output_dir``."""
    is_adapter = (Path(output_dir) / "adapter_config.json").is_file()
    name = sft.hub_model_id or Path(output_dir).name
    # the card is public: no local paths in it (output folder by name, base model by Hub id)
    config = json.loads(json.dumps(config, default=str))
    config["sft"]["output_dir"] = Path(output_dir).name
    if config.get("model", {}).get("model_name_or_path"):
        config["model"]["model_name_or_path"] = hub_base
    for key in ("logging_dir",):
        config["sft"].pop(key, None)
    card = build_model_card(
        model_name=name,
        hub_base=hub_base,
        mix=mix,
        config=config,
        test_results=test_results,
        method=margs.resolved_method(),
        steps=result.global_step,
        seconds=result.train_seconds,
        tokens_per_second=result.tokens_per_second,
        general_dataset=margs.general_dataset,
        is_adapter=is_adapter,
    )
    path = Path(output_dir) / "README.md"
    card.save(str(path))
    return path


def rebuild_model_card(folder: Path, model_name: str, hub_base: str | None):
    """The card of a finished output folder, written again from its ``training_config.json`` and
    ``train_results.json`` under a new name and base id (``mathrules push model`` uses it so a folder
    trained on a local base is published naming its base on the Hub)."""
    from .data import parse_mix

    folder = Path(folder)
    cfg_path, res_path = folder / "training_config.json", folder / "train_results.json"
    if not cfg_path.is_file() or not res_path.is_file():
        raise FileNotFoundError(
            f"{folder} is not a finished `mathrules train` folder (training_config.json and "
            "train_results.json are missing)"
        )
    config = json.loads(cfg_path.read_text())
    results = json.loads(res_path.read_text())
    ours = config.get("mathrules", {})
    mix = parse_mix(ours.get("rules") or [], str(ours.get("levels", "1")), int(ours.get("rows_per_level", 1)))
    if config.get("model", {}).get("model_name_or_path"):
        config["model"]["model_name_or_path"] = hub_base
    config.get("sft", {})["output_dir"] = model_name.rsplit("/", 1)[-1]
    return build_model_card(
        model_name=model_name,
        hub_base=hub_base,
        mix=mix,
        config=config,
        test_results=results.get("test") or [],
        method=ours.get("method") or "full",
        steps=int(results.get("global_step", 0)),
        seconds=float(results.get("train_seconds", 0.0)),
        tokens_per_second=float(results.get("tokens_per_second", 0.0)),
        general_dataset=ours.get("general_dataset"),
        is_adapter=(folder / "adapter_config.json").is_file(),
    )
