"""``variants_per_chain``: up to K rows per chain, the chain's final program with its givens redrawn.

Checked on generated rows: every variant solves, re-reads and re-checks with SymPy to its stored answer,
keeps the chain's structure but not its numbers, passes the difficulty window and the number defect
checks; K=1 rows are those of the default config, and the rows for K are a prefix of those for K + 1.
"""

import json

import pytest

from hf_mathrules.cli import main
from hf_mathrules.mutate import MutateConfig, MutationEngine
from hf_mathrules.mutate.defects import number_defects
from hf_mathrules.mutate.engine import redraw, redrawable
from hf_mathrules.mutate.frames import NUMBER, number_text, parse_text
from hf_mathrules.mutate.gates import _sympy_opinion
from hf_mathrules.mutate.mcmc import TARGETS, TOLERANCE
from hf_mathrules.mutate.program import replace
from hf_mathrules.mutate.solution import measures
from hf_mathrules.mutate.solver import solve
from hf_mathrules.rules.common import ConfigError

LEVEL, SEED, ITEMS = 3, 1, 40


@pytest.fixture(scope="module")
def items():
    eng = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=6)
    return eng, [eng.item(SEED, i) for i in range(ITEMS)]


def test_variants_are_valid_problems_each_re_solved_and_re_checked_by_sympy(items):
    eng, its = items
    variants = [v for it in its for v in it.variants]
    assert len(variants) >= ITEMS  # about 2 per chain at level 3; a chain with no row gives none
    target = TARGETS["word"][LEVEL]
    for k, v in enumerate(variants):
        p, row = v.final, v.row
        sol = solve(p, drop=p.query)
        (q,) = p.query
        answer = {q: sol.values[q]}
        assert row["answer"].endswith(number_text(sol.values[q]))
        if k < 10:  # SymPy on the stored problem string (0.1-1.5 s a row here)
            assert _sympy_opinion(p, answer) is None, row["problem"]
        back = parse_text(row["prompt"], eng.seeds)  # the text read back re-solves to the same answer
        assert back.program is not None and not back.problems
        sol2 = solve(back.program, drop=back.program.query)
        assert [sol2.values[x] for x in back.program.query] == [sol.values[q]]
        assert abs(measures(p, sol)["score"] - target) <= TOLERANCE
        assert not number_defects(row["prompt"], row["completion"], list(sol.values.values()))
        assert json.loads(row["meta"])["variant"] >= 1


def test_variants_keep_the_structure_but_not_the_numbers(items):
    _, its = items
    checked = 0
    for it in its:
        if it.row is None or not it.variants:
            continue
        rows = [it.row] + [v.row for v in it.variants]
        problems = [r["problem"] for r in rows]
        assert len(set(problems)) == len(problems)  # every variant differs in its numbers
        numbers = [tuple(NUMBER.findall(r["prompt"])) for r in rows]
        assert len(set(numbers)) == len(numbers)
        sigs = {json.loads(r["meta"])["signature"] for r in rows}
        assert len(sigs) == 1  # the chain's program, only its stated values redrawn
        assert len({r["split"] for r in rows}) == 1  # one seed instance, one split
        # its own people and wording too (final_rename): a fresh sentence variant per row
        assert len({it.final.variant, *(v.final.variant for v in it.variants)}) == len(rows)
        assert len({r["id"] for r in rows}) == len(rows)
        checked += 1
    assert checked >= 10


def test_carried_over_signature_is_the_one_worked_out_afresh(items):
    _, its = items
    import random

    rng = random.Random(0)
    n = 0
    for it in its:
        if it.final is None or not redrawable(it.final):
            continue
        p = redraw(it.final, rng)
        fresh = replace(p)  # nothing cached
        assert "_signature" not in fresh.__dict__
        assert p.signature() == fresh.signature() and p.dependencies(p.query[0]) == fresh.dependencies(
            p.query[0]
        )
        n += 1
    assert n >= 20


def test_k1_is_the_default_and_rows_for_k_are_a_prefix_of_those_for_a_larger_k():
    base = MutationEngine(level=LEVEL, second_opinion="none")
    one = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=1)
    k3 = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=3)
    k5 = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=5)
    for i in range(15):
        a, b, c, d = (e.item(SEED, i) for e in (base, one, k3, k5))
        assert a.rows == b.rows and not a.variants and not b.variants
        assert c.row == a.row  # the chain's own row is unchanged by K
        assert d.rows[: len(c.rows)] == c.rows
        assert len(c.rows) <= 3 and len(d.rows) <= 5


def test_generate_counts_variant_rows_and_keeps_them_distinct():
    from hf_mathrules.mutate import Stats

    eng = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=4)
    stats = Stats()
    rows = eng.generate(60, seed=SEED, split=None, stats=stats)
    assert len(rows) == 60 and len({r["id"] for r in rows}) == 60
    assert stats.variant_rows > 0 and stats.items < 60  # fewer chains than rows
    assert any("variant" in json.loads(r["meta"]) for r in rows)


@pytest.mark.parametrize("bad", [0, -2, 1.5, "4", True, None, 1001])
def test_bad_k_is_a_one_line_error(bad):
    with pytest.raises(ConfigError, match="variants_per_chain must be an integer 1-1000") as exc:
        MutationEngine(MutateConfig(variants_per_chain=bad))
    assert "\n" not in str(exc.value)


def test_k_above_one_needs_the_word_family():
    with pytest.raises(ConfigError, match="variants_per_chain > 1 needs the word family"):
        MutationEngine(family="linear", variants_per_chain=2)
    MutationEngine(family="linear", variants_per_chain=1)  # the default: any family


def test_cli_flag(tmp_path, capsys):
    out = tmp_path / "v.jsonl"
    assert (
        main(
            [
                "mutate",
                "-n",
                "12",
                "--level",
                "2",
                "-q",
                "--split",
                "all",
                "--variants-per-chain",
                "4",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    rows = [json.loads(ln) for ln in out.read_text().splitlines()]
    assert len(rows) == 12 and any("variant" in json.loads(r["meta"]) for r in rows)
    assert "with redrawn givens" in capsys.readouterr().err
    assert main(["mutate", "-n", "3", "-q", "--variants-per-chain", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "mathrules mutate: error: variants_per_chain must be an integer 1-1000, got 0"
    assert main(["mutate", "--explain", "3", "--level", "3", "--variants-per-chain", "3"]) == 0
    assert "\nvariant 1: mutated_word_problems-" in capsys.readouterr().out


def test_builder_knob_reaches_the_engine():
    from hf_mathrules.mutate.rows import engine_for, split_rows

    assert engine_for("mutated_word_problems", 3, variants_per_chain=4).config.variants_per_chain == 4
    with pytest.raises(ConfigError, match="variants_per_chain must be an integer"):
        engine_for("mutated_word_problems", 3, variants_per_chain="many")
    rows = list(split_rows("mutated_word_problems", "train", 8, seed=2, knobs={"variants_per_chain": 4}))
    assert len(rows) == 8 and len({r["id"] for r in rows}) == 8


# -- final_rename: one rename at the end of every chain ---------------------------------------------------
def test_final_rename_changes_only_the_wording_and_spreads_the_sentence_variants():
    on = MutationEngine(level=2, second_opinion="none")
    off = MutationEngine(level=2, second_opinion="none", final_rename=False)
    assert on.config.final_rename is True  # the default
    same = differ = 0
    variants_on, variants_off = set(), set()
    for i in range(60):
        a, b = on.item(SEED, i), off.item(SEED, i)
        assert (a.row is None) == (b.row is None) or "round_trip" in (a.rejected, b.rejected)
        if a.row is None or b.row is None:
            continue
        assert a.row["problem"] == b.row["problem"]  # the same chain, the same formal problem and answer
        assert a.row["answer"] == b.row["answer"]
        assert json.loads(a.row["meta"])["operators"][-1] == "rename"
        differ += a.row["prompt"] != b.row["prompt"]
        same += 1
        variants_on.add(a.final.variant)
        variants_off.add(b.final.variant)
    assert same >= 40 and differ >= 0.9 * same
    assert len(variants_off) <= 3  # a rename counts the variant up by one, at most once per chain
    assert len(variants_on) >= 0.9 * same  # each row its own draw of wordings


def test_final_rename_is_a_boolean_and_respects_the_operator_list():
    with pytest.raises(ConfigError, match="final_rename must be true or false"):
        MutationEngine(final_rename="yes")
    eng = MutationEngine(level=2, second_opinion="none", operators=("implicit", "insert_step", "perturb"))
    rows = [it.row for it in (eng.item(SEED, i) for i in range(20)) if it.row is not None]
    assert rows and all("rename" not in json.loads(r["meta"])["operators"] for r in rows)


def test_builder_config_checks_the_knob():
    from hf_mathrules.data.config import MathRulesConfig

    cfg = dict(name="mutated_word_problems", rules=("mutated_word_problems",))
    MathRulesConfig(**cfg, knobs={"variants_per_chain": 4}).validate()
    with pytest.raises(ConfigError, match="variants_per_chain must be an integer 1-1000, got 0"):
        MathRulesConfig(**cfg, knobs={"variants_per_chain": 0}).validate()


def test_the_card_says_when_rows_are_variants():
    from hf_mathrules.data.card import _rule_section
    from hf_mathrules.data.config import MathRulesConfig

    cfg = dict(name="mutated_word_problems", rules=("mutated_word_problems",))
    plain = _rule_section("mutated_word_problems", MathRulesConfig(**cfg))
    varied = _rule_section("mutated_word_problems", MathRulesConfig(**cfg, knobs={"variants_per_chain": 4}))
    assert "variants_per_chain" not in plain
    assert varied.startswith(plain) and "`variants_per_chain=4`: each chain gives up to 4 rows" in varied


def test_rewriter_gets_the_variants_too():
    """``--rewriter`` with K > 1: every row (variants included) is offered to the rewriter and gated."""
    from hf_mathrules.mutate import llm

    class Identity:
        def rewrite(self, text):
            return text

    eng = MutationEngine(level=LEVEL, second_opinion="none", variants_per_chain=4)
    rows, report = llm.rewrite_rows(eng, 12, Identity(), seed=SEED)
    assert len(rows) == 12 and report["rewritten"] == 12  # its own text passes its own gates
    assert any("variant" in json.loads(r["meta"]) for r in rows)
    assert [r["id"] for r in rows] == [
        r["id"] for r in eng.generate(12, seed=SEED)
    ]  # the same rows, in order
