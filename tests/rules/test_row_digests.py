"""Every generator's output, pinned: a digest of the rows for fixed seeds, every rule x level, through each
way rows are produced (``Rule.item``, ``Rule.generate``, the out-of-distribution splits, the datasets
builder's shards and the stream).  A refactor must leave these byte-identical; a deliberate change of
the data regenerates the file (``python tests/test_row_digests.py --update``) in its own commit."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from hf_mathrules.data.generation import shard_rows, shard_spec, stream_rows
from hf_mathrules.rules import generate_rows, make_rule, rule_names

GOLDEN = Path(__file__).resolve().parent / "golden" / "row_digests.json"
LEVELS = range(1, 7)
SEED = 7


def _digest(rows) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode())
        h.update(b"\n")
    return h.hexdigest()[:32]


def digests_for(name: str) -> dict[str, str]:
    out = {}
    for level in LEVELS:
        rule = make_rule(name, level=level)
        out[f"L{level} item"] = _digest(rule.item(SEED, i) for i in range(12))
        for split in ("train", "test"):
            out[f"L{level} generate {split}"] = _digest(rule.generate(15, seed=SEED, split=split))
    for split in ("test_ood_level", "test_ood_vocab"):
        out[split] = _digest(generate_rows(name, 10, seed=SEED, split=split))
    spec = shard_spec(name, "train", 20, SEED, (1, 2), None, None, {})
    out["shard L1-2 train"] = _digest(shard_rows(spec))
    stream = stream_rows([spec], [1.0], 0, 2)
    out["stream shard 0/2"] = _digest(next(stream) for _ in range(20))
    return out


@pytest.mark.parametrize("name", rule_names())
def test_rows_byte_identical(name):
    golden = json.loads(GOLDEN.read_text())
    assert digests_for(name) == golden[name]


if __name__ == "__main__" and "--update" in sys.argv:
    GOLDEN.write_text(json.dumps({n: digests_for(n) for n in rule_names()}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
