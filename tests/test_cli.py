import json
import subprocess
import sys

from hf_mathrules.cli import main


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "hf_mathrules.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_generate_writes_jsonl_and_validates(tmp_path):
    out = tmp_path / "d.jsonl"
    assert (
        main(["generate", "distributivity", "-n", "50", "--level", "2", "--validate", "-q", "-o", str(out)])
        == 0
    )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 50 and all(r["split"] == "train" for r in rows)


def test_generate_parquet_is_byte_identical_across_runs(tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    assert main(["generate", "distributivity", "-n", "30", "--seed", "5", "-o", str(a)]) == 0
    assert main(["generate", "distributivity", "-n", "30", "--seed", "5", "-o", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_user_errors_are_one_line_without_traceback(tmp_path):
    for args, needle in [
        (["generate", "nope"], "unknown rule"),
        (["generate", "distributivity", "--knob", "n_vars=99"], "n_vars"),
        (["generate", "distributivity", "--knob", "oops"], "NAME=VALUE"),
        (["generate", "distributivity", "-o", str(tmp_path / "x.csv")], "unknown output format"),
        (["generate", "distributivity", "-o", str(tmp_path / "missing" / "x.jsonl")], "does not exist"),
        (["generate", "distributivity", "--vocab", "list:a,b", "--level", "2"], "n_vars"),
    ]:
        r = run(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert needle in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_failed_write_keeps_previous_file(tmp_path):
    out = tmp_path / "d.jsonl"
    out.write_text("precious\n")
    r = run("generate", "distributivity", "--knob", "n_vars=99", "-o", str(out))
    assert r.returncode == 2 and out.read_text() == "precious\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_list_and_show(capsys):
    assert main(["list"]) == 0
    assert "distributivity" in capsys.readouterr().out
    assert main(["show", "distributivity", "-n", "2", "--level", "3"]) == 0
    assert capsys.readouterr().out.count("Answer:") == 2
