"""Score model completions against rule rows with our checker: the answer (in the rule's target form)
and, where the rule writes a chain of ``= ...`` steps, the index of the first step that breaks the chain.

Model output is untrusted: it only ever reaches ``hf_mathrules.verify`` (our own parser), never
``eval``/``sympify``/``parse_expr``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..prompting import answer_line, step_lines
from ..rules import get_rule
from ..verify import verify, verify_steps
from ..verify.verdict import OUTCOMES as VERDICT_OUTCOMES

# outcome categories of one completion, in report order: the checker's, plus no Answer: line at all
OUTCOMES = ("correct", "wrong_form", "wrong_answer", "no_answer", "unparsable", "undecided")
assert set(OUTCOMES) == {*VERDICT_OUTCOMES, "no_answer"}


@dataclass(frozen=True)
class Score:
    """How one completion fared: ``outcome`` is one of ``OUTCOMES``; ``first_bad_step`` is the 0-based
    index of the first ``= ...`` step not equivalent to the one before (None: all fine or no chain)."""

    outcome: str
    reason: str
    answer: str | None
    n_steps: int | None
    first_bad_step: int | None

    @property
    def correct(self) -> bool:
        return self.outcome == "correct"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_completion(row: dict[str, Any], completion: str, timeout: float = 5.0) -> Score:
    """Score one ``completion`` for the rule row ``row`` (which gives rule, answer, problem, completion)."""
    rule = get_rule(row["rule"])
    answer = answer_line(completion)
    n_steps = first_bad = None
    if step_lines(row["completion"]):  # the rule writes a chain: check the model's chain step by step
        steps = step_lines(completion)
        n_steps = len(steps)
        if steps:
            first_bad = verify_steps(row["problem"], steps, timeout=timeout).first_bad
    if answer is None:
        return Score("no_answer", "no Answer: line", None, n_steps, first_bad)
    v = verify(row["answer"], answer, form=rule.target_form, timeout=timeout, extract=False)
    return Score(v.outcome, v.reason, answer, n_steps, first_bad)


def score_batch(
    rows: Sequence[dict[str, Any]], completions: Sequence[str], timeout: float = 5.0, progress: bool = False
) -> list[Score]:
    """Scores for many completions, in order (threads feed the checker's worker pool)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as ex:
        it = ex.map(lambda rc: score_completion(rc[0], rc[1], timeout), zip(rows, completions))
        if progress:
            from tqdm import tqdm

            it = tqdm(it, total=len(rows), desc="scoring", unit="answer")
        return list(it)
