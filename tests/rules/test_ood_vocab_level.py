"""``test_ood_vocab`` follows the requested level: ``mathrules generate --level L --split test_ood_vocab`` draws
held-out (word) names at level L, so only the vocabulary changes; at level 3 the rows are the former split's."""

from __future__ import annotations

import hashlib
import json

from hf_mathrules.cli import main
from hf_mathrules.rules import generate_rows
from hf_mathrules.vocab import letters, words


def _variables(row) -> set[str]:
    return set(json.loads(row["meta"])["variables"])


def test_generate_test_ood_vocab_at_the_requested_level(tmp_path):
    word_names, letter_names = set(words().names), set(letters().names)
    for level in (1, 4):
        out = tmp_path / f"ood{level}.jsonl"
        argv = ["generate", "distributivity", "-n", "8", "--level", str(level), "--split", "test_ood_vocab",
                "--validate", "-q", "-o", str(out)]  # fmt: skip
        assert main(argv) == 0
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(rows) == 8 and {r["split"] for r in rows} == {"test_ood_vocab"}
        assert {r["difficulty"] for r in rows} == {level}
        assert {json.loads(r["meta"])["level"] for r in rows} == {level}
        names = set().union(*map(_variables, rows))
        assert names <= word_names and not names & letter_names  # held-out words, not the default letters
    # test_ood_level keeps its own level whatever --level says
    out = tmp_path / "level.jsonl"
    argv = ["generate", "distributivity", "-n", "4", "--level", "1", "--split", "test_ood_level", "-q",
            "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    assert {json.loads(line)["difficulty"] for line in out.read_text().splitlines()} == {6}


def test_level_3_is_the_former_split_byte_for_byte():
    # the digest pinned for distributivity's test_ood_vocab when it was always drawn at level 3
    rows = generate_rows("distributivity", 10, seed=7, split="test_ood_vocab", level=3)
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode() + b"\n")
    assert h.hexdigest()[:32] == "0ff97de7d06d950182502bdacb10e035"
