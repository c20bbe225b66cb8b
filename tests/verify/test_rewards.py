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
