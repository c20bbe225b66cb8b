"""The row text: how a rule row's prompt and completion are written and read, and how a row becomes
model text.  One contract shared by the rules (writing), validation, scoring, rewards, the checker's
answer extraction, training and the Space (reading), so all of them agree.

- A prompt is the instruction line, then the problem text (``write_prompt`` / ``read_prompt``); a word
  problem is its prose alone.
- A completion is the solution's lines, then ``Answer: <answer>`` as the last line
  (``write_completion`` / ``read_completion``).  Among the lines, a derivation step is written
  ``= <expression>`` (``write_step`` / ``read_step``).
- Readers of model output take the last ``Answer:`` line anywhere (``answer_line``) and the ``= ...``
  lines (``step_lines``); both go line by line, linear in the text.

TRL concatenates ``prompt + completion`` for prompt/completion rows, so the prompt carries its own
separator (a newline) and generation starts exactly where the completion starts in training."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

PROMPT_SEPARATOR = "\n"
ANSWER_WORD = "Answer"
ANSWER_PREFIX = ANSWER_WORD + ": "
STEP_PREFIX = "= "
# a line ``Answer: x`` (spaces around the word and the colon allowed, as models write it); the answer is
# the rest of the line, trimmed; an empty answer is no answer
_ANSWER = re.compile(r"[^\S\n]*" + ANSWER_WORD + r"[^\S\n]*:[^\S\n]*(\S.*?)\s*")
_STEP = re.compile(r"[^\S\n]*=[^\S\n]*(\S.*?)\s*")


class Completion(NamedTuple):
    """A completion read back: its lines before the ``Answer:`` line, and the answer."""

    lines: list[str]
    answer: str


# -- writing --------------------------------------------------------------------------------------------


def write_prompt(instruction: str, problem_text: str | None = None) -> str:
    """The instruction line, then the problem text (a word problem's prose: the instruction alone)."""
    return instruction if problem_text is None else f"{instruction}\n{problem_text}"


def write_step(expression: str) -> str:
    """A derivation step's line: ``= 3x + 3``."""
    return STEP_PREFIX + expression


def write_answer(answer: str) -> str:
    """The last line of every completion: ``Answer: x = 2``."""
    return ANSWER_PREFIX + answer


def write_completion(lines: Sequence[str], answer: str) -> str:
    """The solution's lines, then the ``Answer:`` line."""
    return "\n".join([*lines, ANSWER_PREFIX + answer])


# -- reading --------------------------------------------------------------------------------------------


def read_prompt(prompt: str) -> tuple[str, str | None]:
    """``(instruction, problem text)`` of a prompt; the problem text is None for a prompt of one line."""
    instruction, sep, problem_text = prompt.partition("\n")
    return instruction, (problem_text if sep else None)


def read_answer(line: str) -> str | None:
    """The answer of an ``Answer:`` line (trimmed), or None for any other line."""
    m = _ANSWER.fullmatch(line)
    return m.group(1) if m else None


def read_step(line: str) -> str | None:
    """The expression of a ``= ...`` step line (trimmed), or None for any other line."""
    m = _STEP.fullmatch(line)
    return m.group(1) if m else None


def read_completion(completion: str) -> Completion | None:
    """A completion as written by ``write_completion``: its lines and its answer; None when the last line
    is not ``Answer: <answer>`` exactly."""
    head, sep, last = completion.rpartition("\n")
    if not last.startswith(ANSWER_PREFIX) or len(last) == len(ANSWER_PREFIX):
        return None
    return Completion(head.split("\n") if sep else [], last[len(ANSWER_PREFIX) :])


def answer_line(completion: str) -> str | None:
    """The answer of the last ``Answer:`` line of a (model) completion, or None."""
    for line in reversed(completion.split("\n")):
        if ANSWER_WORD in line:
            answer = read_answer(line)
            if answer is not None:
                return answer
    return None


def step_lines(completion: str) -> list[str]:
    """The expressions of the ``= ...`` lines of a completion (the expression rules' derivation chain)."""
    return [s for line in completion.split("\n") if "=" in line and (s := read_step(line)) is not None]


def answer_and_steps(completion: str) -> tuple[str | None, list[str]]:
    """``(answer_line(completion), step_lines(completion))``."""
    return answer_line(completion), step_lines(completion)


# -- model text -----------------------------------------------------------------------------------------


def model_prompt(prompt: str) -> str:
    """The text a model sees for a rule prompt (the prompt plus the separator)."""
    return prompt if prompt.endswith(PROMPT_SEPARATOR) else prompt + PROMPT_SEPARATOR


def sft_row(row: dict[str, Any]) -> dict[str, str]:
    """A rule row as a TRL prompt/completion row."""
    return {"prompt": model_prompt(row["prompt"]), "completion": row["completion"]}
