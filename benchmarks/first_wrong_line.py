"""Where a trained model's wrong completions first leave the reference: for each wrong answer on ``--n`` test
problems of one rule and level, the first line that differs from the generated row's own completion, with
the line before it; for matrices (gaussian_elimination), whether only the constant column differs.

``--teacher-forced`` asks instead for every line of every problem given the reference lines before it (and
the line's own left side, up to its first " = "), greedily: the accuracy of each stage of the completion
(the header line it follows) when nothing before it is wrong, split by whether the line's expected part holds
a number of three or more digits (the sums the constant side makes), and the share of problems whose every
line is right that way (an upper bound on greedy answers made of those steps).

    python benchmarks/first_wrong_line.py outputs/training_recipe/gaussian gaussian_elimination 2 --n 100
    python benchmarks/first_wrong_line.py outputs/training_recipe/linear-systems linear_system 2 --show 10
    python benchmarks/first_wrong_line.py outputs/training_recipe/linear-systems-drill linear_system 2 --teacher-forced
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from hf_mathrules.rules.gaussian_elimination import EVERY_UNKNOWN_HEADER

_BIG_NUMBER = re.compile(r"\d{3,}")
_NUMBER = re.compile(r"-?\d+")
_NAME = re.compile(r"(?<![A-Za-z])[a-z](?![A-Za-z])")
_NAMED_ROW = re.compile(r"^(R\d+) = \[")
# the rule's ``entry_sums``: R2 - 2*R1 = [2 - 2, ...], or with ``fraction_free`` 3*R2 - 2*R1 = [6 - 6, ...]
_ENTRY_SUMS = re.compile(r"^(?:\d+\*)?R\d+ [+-] .*R\d+ = \[")


def kind_of(ref: str, got: str | None) -> str:
    """What the first differing line is: a matrix row (constant column alone or not), an operation, ..."""
    if got is None:
        return "completion ends early"
    if _ENTRY_SUMS.match(ref):
        return "entry sums"
    named = _NAMED_ROW.match(ref)
    if named and got.startswith(named.group(1) + " = ["):  # a row an operation wrote: its entries
        ref, got = ref[named.end(1) + 3 :], got[named.end(1) + 3 :]
    if ref.startswith("[") and got.startswith("["):
        a, b = ref.strip("[]").replace("|", " ").split(), got.strip("[]").replace("|", " ").split()
        if len(a) != len(b):
            return "matrix row: entry count"
        bad = [j for j, (x, y) in enumerate(zip(a, b)) if x != y]
        return "matrix row: constant column only" if bad == [len(a) - 1] else "matrix row: a coefficient"
    if "<-" in ref or ref.startswith("swap"):
        return "row operation"
    if " = " in ref and " = " in got and ref.split(" = ")[0] == got.split(" = ")[0]:
        return "right-hand side"
    return "other line"


def stage_name(line: str) -> str:
    """A header's or a labelled line's stage, its names and numbers made placeholders ("Isolate _ in
    equation N", "Back-substitute into _")."""
    label = line.split(": ")[0].rstrip(":").split(" = ")[0]
    return _NUMBER.sub("N", _NAME.sub("_", label.strip()))


# the rule's ``every_unknown`` lines (``0b - 4p + 3v = -4``): asked whole, not right side given left
_EVERY_UNKNOWN = stage_name(EVERY_UNKNOWN_HEADER)


def row_stage(ref: list[str], i: int) -> str:
    """A matrix row's stage by what it takes to write it, read from the nearest line above that is no row:
    the problem's (read from the equations), a sum (an addition's row), scaled, swapped, or copied (the
    whole matrix written again at the end after only changed rows)."""
    first = i  # the first row of its block
    while first > 0 and ref[first - 1].startswith("["):
        first -= 1
    named = _NAMED_ROW.match(ref[i] if not ref[i].startswith("[") else ref[first - 1] if first else "")
    if named:  # a row written by name: the last operation's (or, before a block, the block is its copy)
        op = next((ln for ln in reversed(ref[:first]) if "<-" in ln or ln.startswith("swap")), "")
        written = named.group(1) in re.findall(r"R\d+", op.split("<-")[0])
        if ref[i].startswith("[") and written:
            return "matrix row: copied"
        if not ref[i].startswith("[") and not written:  # ``R1 = [...]``: the multiple 1*R1 an addition adds
            return "row multiple (R = [...])"
    j = i - 1
    while j >= 0 and (ref[j].startswith("[") or _NAMED_ROW.match(ref[j])):
        j -= 1
    above = ref[j] if j >= 0 else ""
    if above.startswith("swap"):
        return "matrix row: swapped"
    if "<-" in above:  # an addition written without its terms, or a scaling
        return "matrix row: a sum" if re.search(r"R\d+ [+-] ", above) else "matrix row: scaled"
    if " = [" in above:  # the terms or the multiple it adds, on the line above
        return "matrix row: a sum"
    return "matrix row: the problem's"


def forced_lines(row: dict) -> list[tuple[str, str, str]]:
    """``(stage, prefix, expected)`` for each line of ``row``'s reference completion: the text the model is
    given (the prompt, the lines before, the line up to its first " = ") and what it should write next; a
    line's stage is the header it follows, or its own label ("Back-substitute into x = ...: ...")."""
    from hf_mathrules.prompting import model_prompt

    ref = row["completion"].splitlines()
    out, header = [], "(start)"
    for i, line in enumerate(ref):
        if line.startswith("  "):  # the smaller system's prompt block, copied from the line above it
            stage = "(sub-problem block)"
        elif line.startswith("["):  # Gaussian elimination's lines, by shape
            stage = row_stage(ref, i)
        elif "<-" in line or line.startswith("swap"):
            stage = "row operation"
        elif _ENTRY_SUMS.match(line):
            stage = "entry sums (R + cR = [a + b, ...])"
        elif _NAMED_ROW.match(line):  # a row an operation wrote (the rule's ``changed_rows``), or R1's copy
            stage = row_stage(ref, i)
        elif " = [" in line:
            stage = "row multiple (R = [...])"
        elif line.endswith(":"):
            stage = header = stage_name(line)
        elif ": " in line:
            stage = stage_name(line)
        else:
            stage = header
        before = model_prompt(row["prompt"]) + "".join(r + "\n" for r in ref[:i])
        if header == _EVERY_UNKNOWN:  # an equation written again: its left side is what is tested
            out.append((stage, before, line))
            continue
        left, sep, right = line.partition(" = ")
        out.append((stage, before + left + sep, right) if sep else (stage, before, line))
    return out


def teacher_forced(model, tok, rows: list[dict], max_new_tokens: int) -> dict:
    """Every line of ``rows``' reference completions generated greedily after the reference before it
    (``forced_lines``), tallied by ``tally_forced``."""
    import torch

    from hf_mathrules.evaluation.generation import generate

    cases = [(k, *c) for k, row in enumerate(rows) for c in forced_lines(row)]
    with torch.inference_mode():
        got = generate(model, tok, [c[2] for c in cases], max_new_tokens=max_new_tokens, batch_size=64,
                       progress=True, raw=True)  # fmt: skip
    return tally_forced(len(rows), cases, got)


def tally_forced(n_rows: int, cases: list[tuple[int, str, str, str]], got: list[str]) -> dict:
    """Per stage ``[lines, right, lines with a number >= 100, right]`` (a line is right when the text
    generated after its prefix, to its first newline, is the expected part), the wrong lines, and the
    problems (``cases``' first field) with every line right, with a 95% Wilson interval."""
    from hf_mathrules.evaluation.stats import wilson_interval

    stages: dict[str, list[int]] = {}
    all_right = [True] * n_rows
    wrong = []
    kinds: Counter[str] = Counter()
    for (k, stage, prefix, expected), text in zip(cases, got, strict=True):
        line = text.split("\n")[0]
        ok = line == expected
        if not ok:
            wrong.append((stage, expected, line))
            left = prefix.rsplit("\n", 1)[-1]
            kinds[kind_of(left + expected, left + line)] += 1
        all_right[k] &= ok
        big = bool(_BIG_NUMBER.search(expected))
        t = stages.setdefault(stage, [0, 0, 0, 0])
        t[0] += 1
        t[1] += ok
        t[2] += big
        t[3] += big and ok
    whole = sum(all_right)
    lo, hi = wilson_interval(whole, n_rows)
    return {
        "stages": stages,
        "wrong": wrong,
        "wrong_kinds": dict(kinds.most_common()),
        "problems_all_right": whole,
        "n": n_rows,
        "wilson95": [round(lo, 4), round(hi, 4)],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", type=Path, help="a trained model folder")
    p.add_argument("rule")
    p.add_argument("level", type=int)
    p.add_argument("--n", type=int, default=100, help="test problems")
    p.add_argument("--seed", type=int, default=12345, help="12345: the dev problems")
    p.add_argument("--max-new-tokens", type=int, default=1000)
    p.add_argument("--show", type=int, default=0, help="print this many failures in full")
    p.add_argument("--knob", action="append", default=[], metavar="NAME=VALUE",
                   help="a rule knob the model was trained with (repeatable), e.g. changed_rows=true")  # fmt: skip
    p.add_argument("--teacher-forced", action="store_true",
                   help="each line given the reference before it: accuracy per stage (see above)")  # fmt: skip
    args = p.parse_args(argv)
    if not (args.model / "config.json").is_file():
        p.error(f"{args.model} is not a trained model folder (no config.json)")
    if args.n < 1 or args.max_new_tokens < 1:
        p.error("--n and --max-new-tokens must be at least 1")
    import torch

    from hf_mathrules.commands.options import parse_knob
    from hf_mathrules.evaluation.generation import generate
    from hf_mathrules.evaluation.scoring import score_batch
    from hf_mathrules.modeling import load_for_inference
    from hf_mathrules.rules import ConfigError, make_rule

    try:
        knobs = dict(parse_knob(k) for k in args.knob)
    except ValueError as exc:
        p.error(str(exc))
    try:
        rows = make_rule(args.rule, level=args.level, **knobs).generate(args.n, seed=args.seed, split="test")
    except (ConfigError, KeyError, TypeError) as exc:
        p.error(str(exc))
    model, tok = load_for_inference(str(args.model))
    if args.teacher_forced:
        res = teacher_forced(model, tok, rows, min(args.max_new_tokens, 64))
        print(
            f"{args.rule} level {args.level}, each line given the reference before it ({res['n']} problems):"
        )
        print("| stage | lines | right | lines with a number >= 100 | right |\n|---|---|---|---|---|")
        for stage, (n, ok, nb, okb) in res["stages"].items():
            print(
                f"| {stage} | {n} | {ok} ({100 * ok / n:.1f}%) | {nb} | "
                + (f"{okb} ({100 * okb / nb:.1f}%) |" if nb else "- |")
            )
        print("wrong lines by kind: " + ", ".join(f"{k} {n}" for k, n in res["wrong_kinds"].items()))
        for stage, expected, text in res["wrong"][: args.show]:
            print(f"  {stage}: reference {expected!r}, model {text!r}")
        lo, hi = res["wilson95"]
        print(f"every line right: {res['problems_all_right']}/{res['n']} [{100 * lo:.1f}, {100 * hi:.1f}]")
        return 0
    with torch.inference_mode():
        completions = generate(model, tok, [r["prompt"] for r in rows], max_new_tokens=args.max_new_tokens,
                               batch_size=50, progress=True)  # fmt: skip
    kinds: Counter[str] = Counter()
    shown = 0
    for row, completion, score in zip(rows, completions, score_batch(rows, completions)):
        if score.correct:
            continue
        ref, got = row["completion"].splitlines(), completion.splitlines()
        i = next((i for i, (a, b) in enumerate(zip(ref, got)) if a != b), min(len(ref), len(got)))
        if i >= len(ref):
            kinds["completion runs past the reference"] += 1
            continue
        kinds[kind_of(ref[i], got[i] if i < len(got) else None)] += 1
        if shown < args.show:
            shown += 1
            print(
                f"after {ref[i - 1] if i else '(start)'!r}\n  reference: {ref[i]}\n  model:     {got[i] if i < len(got) else None}"
            )
    wrong = sum(kinds.values())
    print(
        f"{args.rule} level {args.level}: {len(rows) - wrong}/{len(rows)} right; first wrong line of the {wrong} wrong:"
    )
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
