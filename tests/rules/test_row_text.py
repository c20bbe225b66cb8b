"""The row text has one owner (``hf_mathrules.prompting``): on every rule at every level it supports,
writing a problem's prompt and completion and reading them back gives the problem's parts again, reading
then writing gives the text again, and the rows are written by the same functions."""

import pytest

from hf_mathrules.prompting import (
    answer_line,
    read_answer,
    read_completion,
    read_prompt,
    read_step,
    step_lines,
    write_answer,
    write_completion,
    write_prompt,
    write_step,
)
from hf_mathrules.rules import get_rule, make_rule, rule_names
from hf_mathrules.rules.base import item_rng

ITEMS = 12


def _levels(name: str) -> list[int]:
    return sorted(get_rule(name).config_class.LEVEL_KNOBS)


@pytest.mark.parametrize("name", rule_names())
def test_write_then_read_is_the_identity_on_every_level(name):
    for level in _levels(name):
        rule = make_rule(name, level=level)
        for index in range(ITEMS):
            p = rule.sample(item_rng(name, 7, index))
            where = (name, level, index)
            # the prompt: the instruction line, then the problem text (a word problem: its prose alone)
            problem_text = None if rule.word_problem else p.problem_text
            prompt = write_prompt(p.instruction, problem_text)
            assert prompt == rule.prompt(p), where
            assert read_prompt(prompt) == (p.instruction, problem_text), where
            assert write_prompt(*read_prompt(prompt)) == prompt, where
            # the completion: the solution's lines, then the Answer: line
            completion = write_completion(p.step_lines, p.answer)
            assert completion == rule.completion(p), where
            lines, answer = read_completion(completion)
            assert answer == p.answer and answer_line(completion) == p.answer, where
            assert lines == "\n".join(p.step_lines).split("\n"), where
            assert write_completion(lines, answer) == completion, where
            assert read_answer(write_answer(p.answer)) == p.answer, where
            # the "= step" lines: read then written back, each is the line again
            chain = [s for line in lines if (s := read_step(line)) is not None]
            assert step_lines(completion) == chain, where
            for line in lines:
                step = read_step(line)
                if step is not None:
                    assert write_step(step) == line, where


def test_rows_are_written_by_the_row_text_module():
    for name in rule_names():
        row = make_rule(name, level=2).generate(1, seed=3)[0]
        written = read_completion(row["completion"])
        assert written is not None and written.answer == row["answer"]
        instruction, problem_text = read_prompt(row["prompt"])
        assert (problem_text is None) == get_rule(name).word_problem


@pytest.mark.parametrize(
    "completion, answer, steps",
    [
        ("= 2x + 2\nAnswer: 2*x + 2", "2*x + 2", ["2x + 2"]),
        ("  Answer :  x = 1  \nmore text", "x = 1", []),  # models' spacing; not the last line
        ("Answer: 1\nAnswer: 2", "2", []),  # the last one counts
        ("Answer:\n=   3 ", None, ["3"]),  # an empty answer is no answer
        ("The answer is 4.", None, []),
        ("x = 1\n== y", None, ["= y"]),
    ],
)
def test_reading_model_output(completion, answer, steps):
    assert answer_line(completion) == answer
    assert step_lines(completion) == steps
    assert read_completion(completion) is None or answer is not None
