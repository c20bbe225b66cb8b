"""Seed files: every malformed seed fails naming the file, the field and the problem; and the
``mathrules mutate`` command."""

import json
import subprocess
import sys

import pytest

from hf_mathrules.cli import main
from hf_mathrules.mutate.seeds import SEED_DIR, SeedError, load_seeds


def test_builtin_library_has_at_least_forty_distinct_seeds():
    seeds = load_seeds()
    assert len(seeds) >= 40 and len({s.id for s in seeds}) == len(seeds)
    topics = {s.topic for s in seeds}
    for topic in ("percent discount", "simple interest", "distance speed time", "unit conversion", "area"):
        assert topic in topics


GOOD = json.loads((SEED_DIR / "pens_notebook.json").read_text())


def write(tmp_path, data, name="s.json"):
    f = tmp_path / name
    f.write_text(data if isinstance(data, str) else json.dumps(data))
    return f


@pytest.mark.parametrize(
    "change, field, needle",
    [
        (lambda d: d.pop("query"), "query", "missing"),
        (lambda d: d["givens"][0].update(role="colour"), "givens[0].role", "unknown role"),
        (lambda d: d["givens"][0].update(range=[5, 2]), "givens[0].range", "low <= high"),
        (lambda d: d["givens"][0].update(frame="Ana buys pens."), "givens[0].frame", "{v}"),
        (lambda d: d["givens"][0].update(frame="{D} buys {v} pens."), "givens[0].frame", "unknown slot {D}"),
        (
            lambda d: d["givens"][0].update(frame=["{A} buys {v} pens.", "{A} buys pens."]),
            "givens[0].frame",
            "{v}",
        ),
        (lambda d: d["givens"][0].update(frame=[]), "givens[0].frame", "non-empty list"),
        (
            lambda d: d["derived"][1].update(question=["How much?", "How much?"]),
            "derived[1].question",
            "twice",
        ),
        (lambda d: d["derived"][1].update(question="What is 2 more?"), "derived[1].question", "numbers"),
        (lambda d: d.update(intro="Ana has 3 cats."), "intro", "numbers"),
        (lambda d: d["derived"][0].update(expr="n*"), "derived[0].expr", "does not parse"),
        (lambda d: d["derived"][0].update(expr="n*z"), "derived[0].expr", "before it is defined"),
        (lambda d: d["derived"][1].update(expr="c - b - 500"), "query", "not derivable"),
        (lambda d: d["givens"][1].update(name="n"), "givens[1].name", "defined twice"),
        (lambda d: d["derived"][0].pop("range"), "derived[0].range", "plausible range"),
        (lambda d: d["givens"][0].pop("noun"), "givens[0].noun", "missing"),
        (lambda d: d["givens"][0].update(noun="cats"), "givens[0].noun", "not a word of the description"),
        (lambda d: d["givens"][1].update(number="plural"), "givens[1].number", "must be its unit"),
        (
            lambda d: d["givens"][0].update(qualifiers=["on Mars"]),
            "givens[0].qualifiers",
            "unknown qualifier",
        ),
        (lambda d: d["distractors"][0].pop("range"), "distractors[0].range", "missing"),
    ],
)
def test_bad_seed_names_file_field_and_problem(tmp_path, change, field, needle):
    data = json.loads(json.dumps(GOOD))
    change(data)
    f = write(tmp_path, data)
    with pytest.raises(SeedError) as err:
        load_seeds(str(f))
    msg = str(err.value)
    assert str(f) in msg and repr(field) in msg and needle in msg, msg


def test_seed_that_does_not_parse(tmp_path):
    f = write(tmp_path, '{"id": "x",\n "givens": [')
    with pytest.raises(SeedError, match=r"s\.json: does not parse as JSON: .* line 2"):
        load_seeds(str(f))


def test_alternative_wordings_are_drawn_and_each_is_read_back(tmp_path):
    """A frame or question given as a list: instances use every wording, and the text of each is read back
    by the round trip (every row passes the gates)."""
    from hf_mathrules.mutate import MutationEngine

    data = json.loads(json.dumps(GOOD))
    data["givens"][0]["frame"] = ["{A} buys {v} pens.", "{A} picks up {v} pens at the shop."]
    data["derived"][1]["question"] = [
        "How much does {A} spend in total, in dollars?",
        "What does {A} pay, in dollars?",
    ]
    f = write(tmp_path, data)
    eng = MutationEngine(level=1, seeds=str(f), second_opinion="none")
    rows = eng.generate(30)
    texts = " ".join(r["prompt"] for r in rows)
    assert "pens at the shop." in texts and " buys " in texts
    assert "What does" in texts and "spend in total" in texts


def test_a_folder_of_good_seeds_loads(tmp_path):
    write(tmp_path, GOOD, "a.json")
    assert [s.id for s in load_seeds(str(tmp_path))] == ["pens_notebook"]


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "hf_mathrules.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_writes_rows_and_reports_acceptance(tmp_path, capsys):
    out = tmp_path / "m.jsonl"
    assert main(["mutate", "-n", "20", "--level", "2", "-q", "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 20 and all(r["rule"] == "mutated_word_problems" for r in rows)
    err = capsys.readouterr().err
    assert "acceptance" in err and "rejected per gate" in err


def test_cli_explain_shows_the_chain(capsys):
    assert main(["mutate", "--explain", "3", "--level", "3"]) == 0
    out = capsys.readouterr().out
    assert "seed " in out and "formal:" in out and "chosen state" in out


def test_cli_errors_are_one_line(tmp_path):
    bad = write(tmp_path, "{", "bad.json")
    for args, needle in [
        (["mutate", "--level", "9"], "level"),
        (["mutate", "--operators", "warp"], "unknown operator"),
        (["mutate", "--seeds", str(bad)], "bad.json"),
        (["mutate", "--seeds", str(tmp_path / "none")], "no such seed"),
        (["mutate", "--explain", "nosuchid", "--scan", "3"], "no row with this id"),
    ]:
        r = run(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert needle in r.stderr and "Traceback" not in r.stderr, r.stderr
