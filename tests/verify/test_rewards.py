"""The GRPO reward function: TRL's calling convention, conversational input, threads, timeouts."""

import time
from concurrent.futures import ThreadPoolExecutor

from hf_mathrules.rewards import make_math_reward, math_reward
from hf_mathrules.rules import make_rule


def test_reward_on_rule_rows_plain_and_conversational():
    rows = make_rule("distributivity", level=2).generate(6, seed=9)
    answers = [r["answer"] for r in rows]
    rules = [r["rule"] for r in rows]
    good = [r["completion"] for r in rows]
    assert (
        math_reward(prompts=[r["prompt"] for r in rows], completions=good, answer=answers, rule=rules)
        == [1.0] * 6
    )
    # the unexpanded problem is equivalent but not in the rule's form
    convo = [[{"role": "assistant", "content": f"Answer: {r['problem']}"}] for r in rows]
    assert math_reward(completions=convo, answer=answers, rule=rules, completion_ids=None) == [0.0] * 6
    lenient = make_math_reward(form=None)
    assert lenient(completions=convo, answer=answers) == [1.0] * 6


def test_reward_from_threads_with_a_timeout():
    reward = make_math_reward(timeout=0.5, form=None)
    slow = "Answer: ((x+1)^2+y+z)^150"

    def call(i):
        comps = ["Answer: x + 1", slow] if i % 2 else ["Answer: 1 + x", "Answer: 3"]
        return reward(completions=comps, answer=["x + 1", "(x^2+2x+1+y+z)^150"])

    t = time.perf_counter()
    with ThreadPoolExecutor(4) as ex:
        out = list(ex.map(call, range(4)))
    assert out == [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]
    assert time.perf_counter() - t < 30


# --- step_reward ------------------------------------------------------------------------------------------

import pytest  # noqa: E402

from hf_mathrules.rewards import (  # noqa: E402
    StepRewardConfig,
    make_step_reward,
    rule_writes_chain,
    score_steps,
    step_reward,
)

CHAIN_RULES = ["distributivity", "factorization", "commutativity", "simplification"]


def _cols(rows):
    return {"answer": [r["answer"] for r in rows], "problem": [r["problem"] for r in rows],
            "rule": [r["rule"] for r in rows]}  # fmt: skip


def _body(row):
    """The reference chain without its Answer: line."""
    return row["completion"].rsplit("\nAnswer:", 1)[0]


@pytest.mark.parametrize("name", CHAIN_RULES)
def test_step_reward_full_marks_for_reference_chains_at_every_level(name):
    assert rule_writes_chain(name)
    for level in (1, 2, 3, 4, 5):
        rows = make_rule(name, level=level).generate(4, seed=3)
        got = step_reward(prompts=[r["prompt"] for r in rows], completions=[r["completion"] for r in rows],
                          completion_ids=None, **_cols(rows))  # fmt: skip
        assert got == [1.5] * 4, (name, level, got)


def test_step_reward_hacks_earn_nothing():
    rows = make_rule("distributivity", level=2).generate(5, seed=9)
    for row in rows:
        p, ans, body = row["problem"], row["answer"], _body(row)
        steps = [line[2:] for line in body.splitlines() if line.startswith("= ")]
        nothing = {
            "the prompt copied": row["prompt"],
            "the prompt copied, twice": row["prompt"] + "\n" + row["prompt"],
            "the problem repeated as steps": f"= {p}\n= {p}\n= {p}",
            "the problem in other notation": f"= {row['prompt'].splitlines()[-1]}\n= ({p})",
            "the problem as the answer": f"= {p}\nAnswer: {p}",
            "x = x": "= x = x\n= x = x",
            "the problem equals itself": f"= {p} = {p}",
            "padding with + 0 and 1*": f"= {p} + 0\n= 1*({p})\n= ({p})^1",
            "a true step that is not a rewrite": "= x - x",
            "padding with a double minus": f"= -(-({p}))",
            "a wrong answer": "Answer: 7",
        }
        for what, completion in nothing.items():
            s = score_steps(p, completion, ans, rule="distributivity")
            assert s.reward == 0.0 and s.progress == 0, (what, completion, s)
        honest = score_steps(p, row["completion"], ans, rule="distributivity")
        assert honest.reward == 1.5 and honest.progress == len(steps)
        # padding a correct chain with trivially true steps lowers its reward, never raises it
        padded = [
            body.replace("\n", f"\n= {steps[0]}\n", 1) + f"\nAnswer: {ans}",  # the same line again
            f"= {p}\n= {p}\n{body}\nAnswer: {ans}",  # the problem first
            f"{body}\n= {steps[-1]} + 0\n= {steps[-1]}\nAnswer: {ans}",  # + 0, then back again
        ]
        for completion in padded:
            s = score_steps(p, completion, ans, rule="distributivity")
            assert s.correct and 1.0 <= s.reward < honest.reward, (completion, s)
        # a chain that never reaches a correct answer earns at most a capped share
        unfinished = score_steps(p, body, ans, rule="distributivity")
        assert unfinished.step_share == 1.0 and unfinished.reward == 0.5 * 0.5
        wrong_end = score_steps(p, f"{body}\nAnswer: {ans} + 1", ans, rule="distributivity")
        assert wrong_end.answer_outcome == "wrong_answer" and wrong_end.reward == 0.25
        # the chain counts up to the first invalid step only
        broken = score_steps(p, f"= {steps[0]} + 1\n{body}\nAnswer: {ans}", ans, rule="distributivity")
        assert broken.first_bad == 0 and broken.progress == 0 and broken.reward == 1.0


def test_step_reward_weights_are_settable_and_checked():
    rows = make_rule("simplification", level=2).generate(3, seed=1)
    half = [_body(r) for r in rows]  # valid chains, no answer
    answer_only = [f"Answer: {r['answer']}" for r in rows]
    reward = make_step_reward(step_weight=1.0, answer_weight=2.0, unfinished_cap=0.25)
    assert reward(completions=half, **_cols(rows)) == [0.25] * 3
    assert reward(completions=answer_only, **_cols(rows)) == [2.0] * 3
    assert reward.success_threshold == 2.0 and step_reward.success_threshold == 1.0
    no_cap = make_step_reward(StepRewardConfig(step_weight=1.0, answer_weight=1.0, unfinished_cap=0.0))
    assert no_cap(completions=half, **_cols(rows)) == [0.0] * 3
    with pytest.raises(ValueError, match="answer_weight must exceed"):
        make_step_reward(step_weight=1.0, answer_weight=0.5, unfinished_cap=1.0)
    with pytest.raises(ValueError, match="unfinished_cap"):
        make_step_reward(unfinished_cap=2.0)
    with pytest.raises(ValueError, match="'problem'"):
        step_reward(completions=half, answer=[r["answer"] for r in rows])


def test_step_reward_conversational_rules_without_chain_and_hostile_text():
    rows = make_rule("distributivity", level=1).generate(2, seed=4)
    convo = [[{"role": "user", "content": r["prompt"]}, {"role": "assistant", "content": r["completion"]}]
             for r in rows]  # fmt: skip
    assert step_reward(completions=convo, **_cols(rows)) == [1.5, 1.5]
    iso = make_rule("isolate_variable", level=2).generate(2, seed=4)
    assert not rule_writes_chain("isolate_variable")
    assert step_reward(completions=[r["completion"] for r in iso], **_cols(iso)) == [1.0, 1.0]
    hostile = ["= " + "(" * 5000 + "\nAnswer: " + "(" * 5000, "= __import__('os').system('true')", "", None]
    cols = _cols(rows[:1] * 4)
    assert step_reward(completions=hostile, **cols) == [0.0] * 4


def test_step_reward_from_threads_with_a_bounded_time():
    reward = make_step_reward(timeout=0.5, form=None)
    slow = "= ((x+1)^2+y+z)^150\n= ((x+1)^2+y+z)^151\nAnswer: ((x+1)^2+y+z)^150"
    cols = {"answer": ["x + 1", "(x^2+2x+1+y+z)^150"], "problem": ["1 + x", "(x^2+2x+1+y+z)^150"]}

    def call(i):
        return reward(completions=["= x + 1\nAnswer: x + 1", slow], **cols)

    t = time.perf_counter()
    with ThreadPoolExecutor(4) as ex:
        out = list(ex.map(call, range(4)))
    assert all(o[0] == 1.5 and o[1] < 1.0 for o in out), out
    assert time.perf_counter() - t < 30
