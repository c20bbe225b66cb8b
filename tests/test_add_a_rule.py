"""Adding a rule is one module, one test and one registry line: a throwaway rule defined here and
registered opens in the Space (its functions, no browser), checks out in the metric's app and appears in
the data report, with nothing else told about it; then it is unregistered."""

import importlib.util
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hf_mathrules.prompting import write_step
from hf_mathrules.rules import REGISTRY, Problem, Rule, RuleConfig, get_rule, make_rule, register, rule_names
from hf_mathrules.rules.base import LEVELS, OOD_LEVEL, check_int
from hf_mathrules.validate import validate_row
from hf_mathrules.verify import steps

ROOT = Path(__file__).resolve().parents[1]
NAME = "test_scaled_sum"


@dataclass(frozen=True)
class ScaledSumConfig(RuleConfig):
    max_coeff: int | None = None

    LEVEL_KNOBS = {lv: {"max_coeff": 3 + 2 * lv} for lv in (*LEVELS, OOD_LEVEL)}

    def validate_knobs(self, k: dict[str, Any]) -> None:
        check_int("max_coeff", k["max_coeff"], 2, 99)


class ScaledSum(Rule):
    """``a(x + b)``, expanded: the whole rule, as a new rule module would write it."""

    name = NAME
    config_class = ScaledSumConfig
    target_form = "expanded"
    kind = "expression"
    instruction = "Multiply out:"
    typed_example = "3(y + 4)"
    description = "Multiply a sum by a number (a throwaway rule of the tests)."

    def sample(self, rng: random.Random) -> Problem:
        (v,) = self.config.vocab.sample(rng, 1)
        a, b = rng.randint(2, self.k["max_coeff"]), rng.randint(1, self.k["max_coeff"])
        answer = f"{a}*{v} + {a * b}"
        return Problem(
            instruction=self.instruction,
            problem_text=f"{a}({v} + {b})",
            problem=f"{a}*({v} + {b})",
            answer=answer,
            steps=[f"{a}*{v} + {a}*{b}", answer],
            step_lines=[write_step(f"{a}{v} + {a}*{b}"), write_step(f"{a}{v} + {a * b}")],
            variables=[v],
        )


@pytest.fixture(scope="module")
def new_rule():
    register(ScaledSum)  # the one registry line
    try:
        yield get_rule(NAME)
    finally:
        del REGISTRY[NAME]
    assert NAME not in rule_names()


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_the_new_rule_opens_in_the_space(new_rule):
    app = _load(ROOT / "spaces" / "app.py", "mathrules_space_app_new_rule")
    assert new_rule.typed_example in app.placeholder(NAME)
    loaded = app.Loaded(None, None, None, app.ModelInfo("test/base", {NAME: {1}}), None)
    assert (f"{NAME} — base knows it (level 1)", NAME) in app.rule_choices(loaded)
    assert "trained on" in app.knowledge_note(loaded, NAME, 1)
    app.build_demo(loaded)  # the typed examples and the rule dropdown list every registered rule
    # a typed problem: the rule's own instruction is added, and a solution is checked step by step
    typed = steps.read_typed(new_rule, new_rule.typed_example)
    assert typed.prompt == "Multiply out:\n3(y + 4)" and typed.problem == "3(y + 4)"
    good = steps.check_completion(new_rule, typed.problem, "= 3y + 3*4\n= 3y + 12\nAnswer: 3*y + 12")
    assert good.correct and good.n_steps == 2
    bad = steps.check_completion(new_rule, typed.problem, "= 3y + 4\nAnswer: 3*y + 4")
    assert bad.first_bad == 0 and bad.answer_ok is False
    # a generated problem, and its reference solution, as the Space's New problem gives them
    row = make_rule(NAME, level=2).generate(1, seed=1000, split="test")[0]
    checked = steps.check_completion(
        new_rule, row["problem"], row["completion"], row["prompt"], row["answer"]
    )
    assert checked.correct, [(ln.text, ln.ok, ln.note) for ln in checked.lines]
    assert "verified correct" in app.headline(checked)


def test_the_new_rule_checks_out_in_the_metric_app(new_rule, monkeypatch):
    monkeypatch.setenv("HF_EVALUATE_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    metric_app = _load(ROOT / "metrics" / "sympy_equivalence" / "app.py", "mathrules_metric_app_new_rule")
    assert new_rule.target_form in metric_app.FORMS
    row = make_rule(NAME, level=3).generate(1, seed=4)[0]
    headline, table, verdict = metric_app.check(
        row["answer"], row["completion"], new_rule.target_form, "auto"
    )
    assert verdict["equivalent"] is True, headline
    headline, _, verdict = metric_app.check(row["answer"], row["problem"], new_rule.target_form, "auto")
    assert verdict["reason"] == "wrong_form", headline


def test_the_new_rule_is_in_the_data_report(new_rule):
    from hf_mathrules.data_report import format_report, rule_data_report

    results = rule_data_report(n_per_level=4, names=[NAME])
    assert all(r["valid"] == r["rows"] == 4 for r in results[NAME].values())
    assert NAME in format_report(results)
    for level in (*LEVELS, OOD_LEVEL):
        for row in make_rule(NAME, level=level).generate(3, seed=level):
            assert validate_row(row) == [], row
