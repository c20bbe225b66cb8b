"""gaussian_elimination: SymPy-valid rows at every level, determinism, knob errors, RREF form check."""

import json
import re
from fractions import Fraction

import pytest

from hf_mathrules.rules import ConfigError, make_rule
from hf_mathrules.validate import validate_row, validate_rows
from hf_mathrules.vocab import from_list

RULE = "gaussian_elimination"


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_rows_validate(level):
    rule = make_rule(RULE, level=level)
    rows = rule.generate(120 if level < 5 else 60, seed=level)
    report = validate_rows(rows, rule)
    assert report.ok, report.failures[:3]
    n = rule.k["n_unknowns"]
    for row in rows[:20]:
        assert len(row["problem"].split("; ")) == n
        assert row["steps"][0].startswith("[[") and row["completion"].endswith("Answer: " + row["answer"])
        assert len(json.loads(row["meta"])["row_operations"]) == len(row["steps"]) - 1


def test_row_operations_are_named_and_reach_rref():
    rule = make_rule(RULE, level=4, p_zero_pivot=1.0)
    row = rule.item(0, 0)
    lines = row["completion"].splitlines()
    assert lines[2].split()[1] == "0"  # the first pivot is zero
    assert "swap R1, R" in row["completion"]
    last = row["steps"][-1]
    values = [v.split(" = ")[1] for v in row["answer"].split(", ")]
    expected = [[("1" if i == j else "0") for j in range(3)] + [values[i]] for i in range(3)]
    assert last == "[" + ", ".join("[" + ", ".join(r) + "]" for r in expected) + "]"


def test_deterministic_and_seed_independent():
    rule = make_rule(RULE, level=3)
    assert rule.generate(30, seed=5) == rule.generate(30, seed=5)
    a = {r["problem"] for r in rule.generate(200, seed=1)}
    b = {r["problem"] for r in rule.generate(200, seed=2)}
    assert len(a & b) < 5


def test_bad_knobs():
    with pytest.raises(ConfigError, match="n_unknowns"):
        make_rule(RULE, n_unknowns=1)
    with pytest.raises(ConfigError, match="p_zero_pivot"):
        make_rule(RULE, p_zero_pivot=1.5)
    with pytest.raises(ConfigError, match="max_denominator"):
        make_rule(RULE, max_denominator=0)
    with pytest.raises(ConfigError, match="n_unknowns=4"):
        make_rule(RULE, level=5, vocab=from_list(["a", "b", "c"]))


def test_form_check_rejects_a_matrix_not_in_rref():
    rule = make_rule(RULE, level=2)
    row = rule.item(0, 1)
    assert validate_row(row, rule) == []
    bad = dict(row, steps=row["steps"][:-1])  # stop one operation early
    errors = validate_row(bad, rule)
    assert any("reduced row echelon" in e for e in errors)


@pytest.mark.parametrize("level", [1, 3])
def test_rows_unpadded_and_products_on_their_own_line(level):
    """Matrices are written unpadded (an entry's width never depends on rows not yet written), and each
    ``R_i <- R_i +- c*R_j`` is followed by ``c*R_j = [...]``, the source row times ``c`` as it stood."""
    from hf_mathrules.experiments.gaussian import _ADD, parse_steps

    rule = make_rule("gaussian_elimination", level=level)
    rows = rule.generate(80, seed=21)
    assert validate_rows(rows, rule).ok
    n_products = 0
    for row in rows:
        lines = row["completion"].splitlines()
        start, steps = parse_steps(row["completion"])
        assert not any("  " in ln or "[ " in ln for ln in lines if ln.startswith("[")), row["completion"]
        ops = [i for i, ln in enumerate(lines) if "<-" in ln or ln.startswith("swap")]
        before = [start] + [m for _, m in steps]  # the matrix each operation starts from
        for k, i in enumerate(ops):
            add = _ADD.match(lines[i])
            if not add:
                assert not lines[i + 1].split(" = ")[0].endswith(("R1", "R2", "R3"))
                continue
            coef, source = add.group(5).rstrip("*") or "1", int(add.group(6)) - 1
            name, _, product = lines[i + 1].partition(" = ")
            assert name == ("" if coef == "1" else coef + "*") + f"R{source + 1}", lines[i + 1]
            got = [Fraction(t) for t in product.strip("[]").replace("|", " ").split()]
            assert got == [Fraction(coef) * v for v in before[k][source]]
            n_products += 1
    assert n_products > len(rows)


def test_layout_knobs_restore_the_aligned_rows():
    old = make_rule("gaussian_elimination", level=1, aligned=True, show_products=False).generate(30, seed=2)
    new = make_rule("gaussian_elimination", level=1).generate(30, seed=2)
    assert [r["steps"] for r in old] == [r["steps"] for r in new]  # the same matrices, written differently
    assert not any(" = [" in r["completion"] for r in old)
    assert all(r["completion"].splitlines()[1].startswith("[ ") for r in old)
    with pytest.raises(ConfigError, match="aligned"):
        make_rule("gaussian_elimination", level=1, aligned="no")


@pytest.mark.parametrize("level", [1, 3, 4])
def test_changed_rows_write_the_same_elimination_shorter(level):
    """``changed_rows``: after each operation only the rows it wrote; the problems, matrices and answers
    are the default rows', both readers (the experiment's and the step checker's) see the same matrices,
    and a 3x3 elimination is shorter (its unchanged rows are not copied)."""
    from hf_mathrules.experiments.gaussian import parse_steps

    knobs = {"p_zero_pivot": 0.5} if level > 1 else {}
    full = make_rule(RULE, level=level, **knobs).generate(40, seed=11)
    rule = make_rule(RULE, level=level, changed_rows=True, **knobs)
    rows = rule.generate(40, seed=11)
    assert validate_rows(rows, rule).ok
    assert [r["steps"] for r in rows] == [r["steps"] for r in full]
    assert [r["answer"] for r in rows] == [r["answer"] for r in full]
    assert all(parse_steps(r["completion"]) == parse_steps(f["completion"]) for r, f in zip(rows, full))
    assert all(json.loads(r["meta"])["changed_rows"] is True for r in rows)
    assert not any("changed_rows" in json.loads(f["meta"]) for f in full)  # older rows stay byte-identical
    if level > 1:
        assert sum(map(len, (r["completion"] for r in rows))) < 0.9 * sum(len(f["completion"]) for f in full)
        assert any("swap R" in r["completion"] for r in rows)


def test_step_checker_reads_a_changed_row_into_its_matrix():
    from hf_mathrules.rules import get_rule
    from hf_mathrules.verify.steps import check_completion

    rule = make_rule(RULE, level=3, p_zero_pivot=1.0, changed_rows=True)
    row = next(r for r in rule.generate(10, seed=4) if "swap R1, R2" in r["completion"])
    args = (get_rule(RULE), row["problem"])
    good = check_completion(*args, row["completion"], row["prompt"], row["answer"])
    assert good.correct and all(ln.ok for ln in good.lines if ln.kind == "step")
    # a swap writes two rows: the first alone is no matrix to check, the second completes it
    lines = [ln.text for ln in good.lines]
    i = lines.index("swap R1, R2")
    assert good.lines[i + 1].kind == "text" and good.lines[i + 2].kind == "step"
    # one wrong entry in a row written alone is the first wrong step, and the answer line is unaffected
    completion = row["completion"].split("\n")
    k = next(j for j, ln in enumerate(completion) if ln.startswith("R3 = ["))
    left, _, constant = completion[k].partition("| ")
    completion[k] = f"{left}| {Fraction(constant.rstrip(']')) + 1}]"
    bad = check_completion(*args, "\n".join(completion), row["prompt"], row["answer"])
    assert bad.lines[bad.first_bad].text == completion[k] and bad.lines[bad.first_bad].ok is False
    assert bad.answer_ok and not bad.correct  # the answer line was left right; a step is not


@pytest.mark.parametrize("changed", [False, True])
def test_entry_sums_write_each_sum_before_the_row_it_gives(changed):
    """``entry_sums``: before each row an addition writes, ``R2 - 2*R1 = [2 - 2, 4 + 4 | -15 + 28]``, whose
    sums are that row's entries; the problems, matrices and answers are the rows' without it, both readers
    see the same matrices, and the step checker reads the sums line as text, not a step."""
    from hf_mathrules.experiments.gaussian import parse_steps
    from hf_mathrules.rules import get_rule
    from hf_mathrules.verify.steps import check_completion

    knobs = {"p_zero_pivot": 0.5, "changed_rows": changed}
    plain = make_rule(RULE, level=3, **knobs).generate(30, seed=5)
    rule = make_rule(RULE, level=3, entry_sums=True, **knobs)
    rows = rule.generate(30, seed=5)
    assert validate_rows(rows, rule).ok
    assert [r["steps"] for r in rows] == [r["steps"] for r in plain]
    assert [r["answer"] for r in rows] == [r["answer"] for r in plain]
    assert all(parse_steps(r["completion"]) == parse_steps(p["completion"]) for r, p in zip(rows, plain))
    n_sums = 0
    for row in rows:
        lines = row["completion"].splitlines()
        ops = [ln for ln in lines if "<-" in ln and " + " in ln or "<-" in ln and " - " in ln]
        sums = [(i, ln) for i, ln in enumerate(lines) if ln.startswith("R") and " = [" in ln and "," in ln]
        assert len(sums) == len(ops) and [s.split(" = ")[0] for _, s in sums] == [
            o.split(" <- ")[1] for o in ops
        ]
        for i, ln in sums:
            cells = ln.split(" = [", 1)[1].rstrip("]").replace(" | ", ", ").split(", ")
            got = [Fraction(a) + (1 if op == "+" else -1) * Fraction(b) for a, op, b in map(str.split, cells)]
            target = int(ln[1]) - 1
            after = lines[i + 1] if changed else lines[i + 1 + target]  # the row written, or the matrix's
            assert [Fraction(x) for x in after.split("[", 1)[1].rstrip("]").replace("|", " ").split()] == got
            n_sums += 1
        checked = check_completion(
            get_rule(RULE), row["problem"], row["completion"], row["prompt"], row["answer"]
        )
        assert checked.correct and all(c.ok for c in checked.lines if c.kind == "step")
        assert all(c.kind == "text" for c in checked.lines if c.text in dict(sums).values())
    assert n_sums >= 30 * 4
    assert not any("entry_sums" in json.loads(p["meta"]) for p in plain)  # older rows stay byte-identical
    with pytest.raises(ConfigError, match="entry_sums"):
        make_rule(RULE, level=1, entry_sums="yes")


@pytest.mark.parametrize("level", [1, 2, 3, 4, 6])
def test_fraction_free_rows_stay_integer_and_reach_the_same_answer(level):
    """``fraction_free``: ``R2 <- 3*R2 - 2*R1`` and division by a row's common factor; the problems and
    answers are the plain rows', every matrix but those after the last scalings is integer (all of them
    for an integer solution), each operation as the experiment reads it gives the matrix written after it,
    each sums line adds up to the row it precedes, and the step checker passes every step."""
    from hf_mathrules.experiments.gaussian import _SCALE, apply_op, parse_steps
    from hf_mathrules.rules import get_rule
    from hf_mathrules.verify.steps import check_completion

    knobs = {"p_zero_pivot": 0.5} if level > 1 else {}
    n = 40 if level < 5 else 15
    plain = make_rule(RULE, level=level, **knobs).generate(n, seed=8)
    rule = make_rule(RULE, level=level, changed_rows=True, entry_sums=True, fraction_free=True, **knobs)
    rows = rule.generate(n, seed=8)
    assert validate_rows(rows, rule).ok
    assert [r["answer"] for r in rows] == [p["answer"] for p in plain]
    n_scaled_first = 0
    for row in rows:
        start, steps = parse_steps(row["completion"])
        before = start
        for op, after in steps:
            assert apply_op(op, before) == after, (op, row["completion"])
            before = after
        integer = [all(v.denominator == 1 for r in m for v in r) for _, m in steps]
        last_scalings = len(steps) - max(
            (k + 1 for k, (op, _) in enumerate(steps) if not _SCALE.match(op)), default=0
        )
        assert all(integer[: len(steps) - last_scalings]), row["completion"]
        assert all(integer) or "/" in row["answer"]
        lines = row["completion"].splitlines()
        for i, ln in enumerate(lines):
            if " = [" in ln and "," in ln:  # a sums line, then the row it gives
                cells = ln.split(" = [", 1)[1].rstrip("]").replace(" | ", ", ").split(", ")
                got = [
                    Fraction(a) + (1 if o == "+" else -1) * Fraction(b) for a, o, b in map(str.split, cells)
                ]
                written = lines[i + 1].split("[", 1)[1].rstrip("]").replace("|", " ").split()
                assert [Fraction(x) for x in written] == got
        n_scaled_first += any(re.search(r"<- \d+\*R", ln) for ln in lines)
        checked = check_completion(
            get_rule(RULE), row["problem"], row["completion"], row["prompt"], row["answer"]
        )
        assert checked.correct and all(c.ok for c in checked.lines if c.kind == "step"), row["completion"]
    assert n_scaled_first > 0  # a target row scaled by an integer, where the plain rows hold fractions:
    assert any("/" in m for p in plain for m in p["steps"][1:-1])
    assert not any("fraction_free" in json.loads(p["meta"]) for p in plain)  # older rows stay byte-identical
    with pytest.raises(ConfigError, match="fraction_free"):
        make_rule(RULE, level=1, fraction_free=1)


@pytest.mark.parametrize("level", [1, 3, 6])
def test_every_unknown_writes_each_equation_in_column_order_before_the_matrix(level):
    """``every_unknown``: the completion opens with each equation again, every unknown in the prompt's
    column order with its coefficient (0 and 1 written); those numbers are the first matrix's rows, the rest
    of the completion is the rows without the knob, the step checker passes each equation line and fails
    one whose 0 moved to another column (the error § 4j's probe found in reading rows)."""
    from hf_mathrules.rules import get_rule
    from hf_mathrules.rules.gaussian_elimination import EVERY_UNKNOWN_HEADER, every_unknown_line
    from hf_mathrules.verify.steps import check_completion

    knobs = {"p_zero_pivot": 0.5, "changed_rows": True} if level > 1 else {}
    plain = make_rule(RULE, level=level, **knobs).generate(30, seed=9)
    rule = make_rule(RULE, level=level, every_unknown=True, **knobs)
    rows = rule.generate(30, seed=9)
    assert validate_rows(rows, rule).ok
    term = re.compile(r"(-?)(\d+)([a-z])")
    moved = 0
    for row, p in zip(rows, plain):
        assert (row["prompt"], row["answer"], row["steps"]) == (p["prompt"], p["answer"], p["steps"])
        names = re.search(r"order (.*?)\)", row["prompt"]).group(1).split(", ")
        lines = row["completion"].splitlines()
        n = len(names)
        assert lines[0] == EVERY_UNKNOWN_HEADER
        assert "\n".join(lines[1 + n :]) == p["completion"]
        checked = check_completion(
            get_rule(RULE), p["problem"], row["completion"], row["prompt"], row["answer"]
        )
        assert checked.correct and all(line.ok for line in checked.lines[1 : 1 + n]), row["completion"]
        for k, (eq, matrix_row) in enumerate(zip(lines[1 : 1 + n], lines[2 + n : 2 + 2 * n])):
            left, rhs = eq.split(" = ")
            terms = term.findall(left.replace("- ", "-").replace("+ ", ""))
            assert [v for _, _, v in terms] == names, eq
            cells = [int(s + c) for s, c, _ in terms]
            assert matrix_row == "[" + " ".join(map(str, cells)) + " | " + rhs + "]"
            if 0 in cells and not moved:  # the 0 swapped with its neighbour's coefficient
                z = cells.index(0)
                cells[z], cells[(z + 1) % n] = cells[(z + 1) % n], 0
                bad = lines[: 1 + k] + [every_unknown_line(cells, names, int(rhs))] + lines[2 + k :]
                checked = check_completion(get_rule(RULE), p["problem"], "\n".join(bad), row["prompt"])
                assert checked.lines[1 + k].ok is False, bad[1 + k]
                moved += 1
    assert moved or level == 1  # levels 3 and 6 draw equations without an unknown
    with pytest.raises(ConfigError, match="every_unknown"):
        make_rule(RULE, level=1, every_unknown="yes")
