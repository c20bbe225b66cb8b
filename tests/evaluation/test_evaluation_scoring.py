"""Scoring completions with the checker, the report built from the scores, and the recursive
linear_system evaluation, on rows the rule engine makes."""

import json

import pytest

from hf_mathrules.evaluation import recursion
from hf_mathrules.evaluation.report import aggregate, build_report, to_markdown, write_report
from hf_mathrules.evaluation.scoring import score_batch, score_completion
from hf_mathrules.rules import make_rule, rule_names


@pytest.mark.parametrize("name", rule_names())
def test_reference_completions_score_correct(name):
    rows = make_rule(name, level=2).generate(4, seed=1, split="test")
    scores = score_batch(rows, [r["completion"] for r in rows])
    assert [s.outcome for s in scores] == ["correct"] * 4, [s for s in scores if not s.correct]


def _row():
    return make_rule("distributivity", level=2).generate(1, seed=3, split="test")[0]


def test_wrong_answer_wrong_form_and_missing_answer_are_told_apart():
    row = _row()
    lines = row["completion"].splitlines()
    body = "\n".join(lines[:-1])
    assert score_completion(row, body + "\nAnswer: " + row["answer"] + " + 1").outcome == "wrong_answer"
    # the problem itself is equivalent but not expanded: a form error, not a wrong answer
    assert score_completion(row, body + "\nAnswer: " + row["problem"]).outcome == "wrong_form"
    assert score_completion(row, body).outcome == "no_answer"
    assert score_completion(row, body + "\nAnswer: ((+").outcome == "unparsable"


def test_first_wrong_step_is_located():
    row = _row()
    lines = row["completion"].splitlines()
    assert lines[0].startswith("= ")
    broken = "\n".join([lines[0] + " + 7", *lines[1:]])  # step 1 wrong, later steps equivalent to the truth
    s = score_completion(row, broken)
    assert s.first_bad_step == 0 and s.n_steps == len(lines) - 1
    assert s.correct  # the answer itself is still right: steps and answer are reported separately


def _records():
    recs = []
    for model, corrupt in (("base", True), ("tuned", False)):
        for split in ("test", "test_ood_vocab"):
            rows = make_rule("distributivity", level=1).generate(5, seed=2, split="test")
            comps = [r["completion"] + (" + x" if corrupt and i % 2 else "") for i, r in enumerate(rows)]
            for row, comp, s in zip(rows, comps, score_batch(rows, comps)):
                recs.append(
                    {
                        "model": model,
                        "rule": "distributivity",
                        "split": split,
                        "level": 1,
                        **s.to_dict(),
                        "correct": s.correct,
                        "prompt": row["prompt"],
                        "reference": row["answer"],
                        "completion": comp,
                        "id": row["id"],
                    }
                )
    return recs


def test_report_side_by_side_with_plots(tmp_path):
    recs = _records()
    cells = aggregate(recs)
    acc = {(c["model"], c["split"]): c["accuracy"] for c in cells}
    assert acc[("tuned", "test")] == 1.0 and acc[("base", "test")] == pytest.approx(0.6)
    models = [{"label": "base", "model": "m"}, {"label": "tuned", "model": "m", "adapter": "a"}]
    report = build_report(
        recs,
        {"base": {}, "tuned": {}},
        models,
        {"n": 5, "rules": ["distributivity"], "splits": ["test", "test_ood_vocab"]},
    )
    assert report["overall"]["tuned"]["unseen_vocabulary_accuracy"] == 1.0
    md = to_markdown(report)
    assert "| distributivity | test | 1 | 5 | 60.0% | 100.0% |" in md
    paths = write_report(report, tmp_path)
    for name in ("accuracy", "outcomes", "first_wrong_step"):
        assert paths[name].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((tmp_path / "report.json").read_text())["overall"]["base"]["n"] == 10


def test_linear_system_is_evaluated_recursively(monkeypatch):
    """A scripted 'model' that stops at ``Sub-answer:``: the evaluator must call it on each nested
    sub-problem (itself a prompt of the rule) and splice the sub-answer in before the model finishes."""
    rows = make_rule("linear_system", level=3).generate(3, seed=5, split="test")
    script = {r["prompt"]: r["completion"] for r in rows}
    for r in rows:
        meta = json.loads(r["meta"])
        subs, answers = meta["subproblems"], meta["subanswers"]
        assert len(subs) >= 2
        for k, (sub, ans) in enumerate(zip(subs, answers)):
            if k + 1 < len(subs):
                inner = "\n".join("  " + ln for ln in subs[k + 1].splitlines())
                script[sub] = f"Reduce\nSub-problem:\n{inner}\nSub-answer: {answers[k + 1]}\nAnswer: {ans}"
            else:
                script[sub] = f"Answer: {ans}"
    calls = []

    def scripted_generate(model, tok, prompts, stop_strings=None, raw=False, **kw):
        out = []
        for p in prompts:
            calls.append(p)
            if raw:  # continuation: the spliced prefix must be exactly the script's own text
                prompt, full = next((q, c) for q, c in script.items() if p.startswith(q + "\n"))
                done = p[len(prompt) + 1 :]
                assert full.startswith(done), "the spliced sub-answer is not the sub-problem's answer"
                out.append(full[len(done) :])
                continue
            full = script[p]
            cut = full.find(recursion.STOP)
            out.append(full[: cut + len(recursion.STOP)] if stop_strings and cut >= 0 else full)
        return out

    monkeypatch.setattr(recursion, "generate", scripted_generate)
    completions = recursion.recursive_completions(None, None, [r["prompt"] for r in rows], progress=False)
    assert completions == [r["completion"] for r in rows]
    assert [s.outcome for s in score_batch(rows, completions)] == ["correct"] * 3
    for r in rows:  # every nested sub-problem was posed to the model as a prompt of its own
        assert set(json.loads(r["meta"])["subproblems"]) <= set(calls)
