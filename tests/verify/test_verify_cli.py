"""``mathrules verify``: one pair, a JSONL file, and clear errors."""

import json

from hf_mathrules.cli import main


def test_single_pair(capsys):
    assert main(["verify", "x = -2", "2x + 4 = 0"]) == 0
    assert "EQUIVALENT" in capsys.readouterr().out
    assert main(["verify", "-q**2 + q", "q*(1 - q)", "--form", "expanded"]) == 1
    assert "wrong_form" in capsys.readouterr().out


def test_file(tmp_path, capsys):
    f = tmp_path / "preds.jsonl"
    f.write_text(
        "\n".join(
            json.dumps(r) for r in [{"gold": "x+1", "pred": "1+x"}, {"gold": "2", "pred": "__import__('os')"}]
        )
    )
    assert main(["verify", "--file", str(f), "--quiet", "--json"]) == 0
    captured = capsys.readouterr()
    lines = [json.loads(x) for x in captured.out.splitlines()]
    assert [x["reason"] for x in lines] == ["equivalent", "parse_error"]
    assert "1/2 equivalent" in captured.err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"gold": "1"}\n')
    assert main(["verify", "--file", str(bad)]) == 2
    assert "needs the fields" in capsys.readouterr().err
