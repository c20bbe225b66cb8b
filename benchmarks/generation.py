"""Generation speed: examples/s of every rule at levels 1-5, side by side with DeepMind's
mathematics_dataset and reasoning-gym on comparable tasks, measured in one run and reported as ratios.

    python benchmarks/generation.py                 # full run: table, ratios, RESULTS.md section, PNG
    python benchmarks/generation.py --quick         # a smoke run (short budgets, nothing written)
    python benchmarks/generation.py --skip-peers    # our rules only

Our rules run in this process on one core: ``rule.item(seed, i)`` for ``--seconds`` per rule and level,
then ``rule.generate(n, split="train")`` (which adds split filtering and deduplication).  The peers run
in subprocesses, each from its own virtualenv that this script creates on first use under
``benchmarks/.venv-*`` (gitignored): mathematics_dataset 1.0.1 installs only with sympy 1.5.1 and numpy
1.23.5, which must not touch the project's environment.  Rates are examples per CPU second of the
measuring process (``time.process_time``), so other work on a shared machine does not count against
either side.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LEVELS = (1, 2, 3, 4, 5)
SECTION = "## Generation"


@dataclass(frozen=True)
class Peer:
    """A peer library, the virtualenv it runs from and the requirements pip installs there."""

    name: str
    venv: str  # folder under benchmarks/
    requirements: tuple[str, ...]
    system_site_packages: bool  # reuse the project's packages where the versions fit (no downgrades)
    import_name: str


MATHEMATICS_DATASET = Peer(
    "mathematics_dataset",
    ".venv-mathematics-dataset",
    ("mathematics_dataset==1.0.1", "sympy==1.5.1", "numpy==1.23.5"),
    system_site_packages=False,
    import_name="mathematics_dataset",
)
REASONING_GYM = Peer(
    "reasoning-gym",
    ".venv-reasoning-gym",
    ("reasoning-gym==0.1.25",),
    system_site_packages=True,
    import_name="reasoning_gym",
)


@dataclass(frozen=True)
class Comparison:
    """A peer task and our rule, compared at the levels whose problems are the same kind and size as the
    peer's: those whose level table sets ``knob`` to ``value`` (every level when ``knob`` is None)."""

    peer: Peer
    task: str  # mathematics_dataset "module__name"; reasoning-gym dataset name
    ours: str  # our rule
    knob: str | None = None
    value: object = None

    def levels(self, levels: tuple[int, ...]) -> tuple[int, ...]:
        """Our levels comparable with the peer task, read from the rule's LEVEL_KNOBS."""
        if self.knob is None:
            return levels
        from hf_mathrules.rules import get_rule

        table = get_rule(self.ours).config_class.LEVEL_KNOBS
        return tuple(lv for lv in levels if table[lv][self.knob] == self.value)

    def pairing(self) -> str:
        return "all" if self.knob is None else f"{self.knob}={self.value!r}"


# linear_1d / simple_equations are one linear equation in one unknown: our levels that draw only linear
# equations (the others mix in letter formulas); linear_2d is a system in 2 unknowns: our 2-unknown levels.
LINEAR_ONLY = ("subtypes", ("linear",))
TWO_UNKNOWNS = ("n_unknowns", 2)
COMPARISONS = (
    Comparison(MATHEMATICS_DATASET, "polynomials__expand", "distributivity"),
    Comparison(MATHEMATICS_DATASET, "algebra__linear_1d", "isolate_variable", *LINEAR_ONLY),
    Comparison(MATHEMATICS_DATASET, "algebra__linear_2d", "linear_system", *TWO_UNKNOWNS),
    Comparison(MATHEMATICS_DATASET, "algebra__polynomial_roots", "quadratic"),
    Comparison(REASONING_GYM, "polynomial_multiplication", "distributivity"),
    Comparison(REASONING_GYM, "simple_equations", "isolate_variable", *LINEAR_ONLY),
    Comparison(REASONING_GYM, "polynomial_equations", "quadratic"),
)
TARGET_MD_RATIO = 10.0  # at least 10x mathematics_dataset on every comparable task
TARGET_RG_RATIO = 1.0  # ahead of reasoning-gym on every one
TARGET_DISTRIBUTIVITY = 20_000.0  # distributivity examples/s on one core (level 1)

# Run inside a peer's virtualenv: times its generator for a CPU-time budget, prints one JSON line.
# Problems that raise are counted and skipped (a long mathematics_dataset run can hit an AssertionError).
PEER_RUNNER = r"""
import json, sys, time
peer, task, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
if peer == "mathematics_dataset":
    from mathematics_dataset.modules import modules
    group, name = task.split("__", 1)
    fn = modules.train(lambda entropy: entropy)[group][name]  # the full training entropy range
    def make(i):
        p = fn()
        return str(p.question), str(p.answer)
else:
    import reasoning_gym
    ds = reasoning_gym.create_dataset(task, size=10**9, seed=42)
    def make(i):
        item = ds[i]
        return item["question"], item["answer"]
example = make(0)
n = failures = 0
start = time.process_time()
while True:
    try:
        make(n + failures + 1)
        n += 1
    except Exception:
        failures += 1
    spent = time.process_time() - start
    if spent >= seconds and n >= 3:
        break
print(json.dumps({"n": n, "seconds": spent, "failures": failures, "example": example}))
"""


@dataclass
class Measurement:
    rule: str
    level: int
    item_rate: float | None = None  # rule.item per CPU second
    generate_rate: float | None = None  # rule.generate(n, split="train") rows per CPU second
    note: str = ""


@dataclass
class PeerResult:
    comparison: Comparison
    rate: float | None = None
    failures: int = 0
    example: tuple[str, str] | None = None
    error: str = ""
    ours: dict[int, float] = field(default_factory=dict)  # our item rate per level


# -- virtualenvs ------------------------------------------------------------------------------------
def venv_python(path: Path) -> Path:
    return path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(peer: Peer, log=print) -> tuple[Path | None, str]:
    """The peer's interpreter, creating and filling its virtualenv when needed; ``(None, reason)`` when
    that fails.  Idempotent: a marker file records what was installed, and a broken or outdated venv
    is rebuilt from scratch."""
    path = HERE / peer.venv
    python = venv_python(path)
    marker = path / ".hf-mathrules-requirements"
    wanted = "\n".join(peer.requirements)
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        check = subprocess.run(
            [str(python), "-c", f"import {peer.import_name}"], capture_output=True, text=True
        )
        if check.returncode == 0:
            return python, ""
        log(f"{peer.venv}: existing venv cannot import {peer.import_name}; rebuilding it")
    if path.exists():
        shutil.rmtree(path)
    log(f"creating {path.relative_to(HERE.parent)} for {peer.name} ({', '.join(peer.requirements)}) ...")
    cmd = [sys.executable, "-m", "venv", str(path)]
    if peer.system_site_packages:
        cmd.insert(3, "--system-site-packages")
    made = subprocess.run(cmd, capture_output=True, text=True)
    if made.returncode != 0:
        return None, f"python -m venv failed: {_tail(made.stderr)}"
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", *peer.requirements]
    installed = subprocess.run(pip, capture_output=True, text=True)
    if installed.returncode != 0:
        reason = (
            f"pip install {' '.join(peer.requirements)} failed: {_tail(installed.stderr or installed.stdout)}"
        )
        shutil.rmtree(path, ignore_errors=True)  # never leave a half-filled venv that looks usable
        return None, reason
    marker.write_text(wanted)
    return python, ""


def _tail(text: str, lines: int = 3) -> str:
    useful = [line for line in text.strip().splitlines() if line.strip() and "is ignored" not in line]
    return " | ".join(useful[-lines:]) or "(no output)"


# -- measuring ---------------------------------------------------------------------------------------
def measure_items(rule, seconds: float) -> float:
    """``rule.item(0, i)`` for i = 0, 1, ... for ``seconds`` of CPU time (after a short warm-up)."""
    for i in range(20):
        rule.item(1, i)
    n, start, clock = 0, time.process_time(), time.process_time
    while True:
        for _ in range(32):
            rule.item(0, n)
            n += 1
        spent = clock() - start
        if spent >= seconds:
            return n / spent


def measure_generate(rule, item_rate: float, seconds: float) -> tuple[float | None, str]:
    """Rows/s of ``rule.generate(n, split="train")`` with ``n`` sized to take about ``seconds``."""
    from hf_mathrules.rules import ConfigError

    n = max(20, int(item_rate * seconds * 0.7))
    while n >= 20:
        start = time.process_time()
        try:
            rows = rule.generate(n, seed=0, split="train")
        except ConfigError:
            n //= 4  # the level has fewer distinct training problems than asked for
            continue
        return len(rows) / max(time.process_time() - start, 1e-9), "" if n >= 200 else f"n={n}"
    return None, "too few distinct problems"


def measure_peer(python: Path, comparison: Comparison, seconds: float) -> PeerResult:
    result = PeerResult(comparison)
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # some peer generators depend on it
    env.pop("PYTHONPATH", None)
    try:
        proc = subprocess.run(
            [str(python), "-c", PEER_RUNNER, comparison.peer.name, comparison.task, str(seconds)],
            capture_output=True,
            text=True,
            env=env,
            timeout=seconds * 20 + 120,
        )
    except subprocess.TimeoutExpired:
        result.error = "timed out"
        return result
    if proc.returncode != 0:
        result.error = _tail(proc.stderr, 2)
        return result
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    result.rate = data["n"] / data["seconds"]
    result.failures = data["failures"]
    result.example = tuple(data["example"])
    return result


# -- report ------------------------------------------------------------------------------------------
def fmt(rate: float | None) -> str:
    if rate is None:
        return "-"
    return f"{rate:,.0f}" if rate >= 10 else f"{rate:.1f}"


def ratio_text(ours: float | None, peer: float | None) -> str:
    return "-" if not ours or not peer else f"{ours / peer:,.1f}x"


def our_table(measurements: list[Measurement], rules: list[str], levels: tuple[int, ...]) -> list[str]:
    by = {(m.rule, m.level): m for m in measurements}
    head = "| rule | " + " | ".join(f"L{lv} item / generate" for lv in levels) + " |"
    lines = [head, "|---|" + "---|" * len(levels)]
    for rule in rules:
        cells = []
        for lv in levels:
            m = by.get((rule, lv))
            if m is None or m.note == "missing":
                cells.append("missing")
            else:
                extra = f" ({m.note})" if m.note else ""
                cells.append(f"{fmt(m.item_rate)} / {fmt(m.generate_rate)}{extra}")
        lines.append(f"| {rule} | " + " | ".join(cells) + " |")
    return lines


def ratio_table(peers: list[PeerResult], levels: tuple[int, ...]) -> list[str]:
    """Ours at every level, the comparable levels (see ``Comparison``) and the worst ratio over them,
    which the target is judged on; the worst ratio over all levels is shown too."""
    lines = [
        "| peer task | peer ex/s | our rule | "
        + " | ".join(f"ours L{lv}" for lv in levels)
        + " | comparable levels | min ratio (comparable) | min ratio (all levels) | target |",
        "|---|---|---|" + "---|" * len(levels) + "---|---|---|---|",
    ]
    for p in peers:
        c = p.comparison
        target = TARGET_MD_RATIO if c.peer is MATHEMATICS_DATASET else TARGET_RG_RATIO
        peer_cell = fmt(p.rate) if p.rate else f"unavailable ({p.error})"
        ours = [p.ours.get(lv) for lv in levels]
        paired = c.levels(levels)
        comparable = [p.ours[lv] for lv in paired if p.ours.get(lv)]
        known = [r for r in ours if r]
        worst = min(comparable) / p.rate if comparable and p.rate else None
        worst_all = min(known) / p.rate if known and p.rate else None
        verdict = "-" if worst is None else ("met" if worst >= target else "NOT met")
        if not comparable:
            verdict = "missing"
        lines.append(
            f"| {c.peer.name} {c.task} | {peer_cell} | {c.ours} | "
            + " | ".join(fmt(r) if r else "missing" for r in ours)
            + f" | {', '.join(f'L{lv}' for lv in paired)} ({c.pairing()})"
            + f" | {'-' if worst is None else f'{worst:,.1f}x'}"
            + f" | {'-' if worst_all is None else f'{worst_all:,.1f}x'}"
            + f" | >= {target:g}x: {verdict} |"
        )
    return lines


def plot(measurements: list[Measurement], peers: list[PeerResult], levels, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 5.5), gridspec_kw={"width_ratios": [3, 2]})
    rules = sorted({m.rule for m in measurements if m.item_rate})
    width = 0.8 / len(levels)
    for k, lv in enumerate(levels):
        rates = {m.rule: m.item_rate for m in measurements if m.level == lv and m.item_rate}
        xs = [i + (k - (len(levels) - 1) / 2) * width for i in range(len(rules))]
        ax1.bar(xs, [rates.get(r, 0) for r in rules], width, label=f"level {lv}")
    ax1.axhline(TARGET_DISTRIBUTIVITY, color="k", ls="--", lw=0.8, label="20k ex/s (distributivity target)")
    ax1.set_xticks(range(len(rules)), rules, rotation=35, ha="right")
    ax1.set_yscale("log")
    ax1.set_ylabel("examples / CPU second (rule.item)")
    ax1.set_title("Our rules, one core")
    ax1.legend(fontsize=7, ncol=2)

    labels, ours_best, ours_worst, theirs = [], [], [], []
    for p in peers:
        known = [p.ours[lv] for lv in p.comparison.levels(levels) if p.ours.get(lv)]
        if not p.rate or not known:
            continue
        labels.append(f"{p.comparison.task}\nvs {p.comparison.ours}")
        ours_best.append(max(known))
        ours_worst.append(min(known))
        theirs.append(p.rate)
    xs = range(len(labels))
    ax2.bar([x - 0.27 for x in xs], ours_worst, 0.27, label="ours, slowest comparable level")
    ax2.bar(list(xs), ours_best, 0.27, label="ours, fastest comparable level")
    ax2.bar([x + 0.27 for x in xs], theirs, 0.27, label="peer")
    ax2.set_xticks(list(xs), labels, rotation=35, ha="right", fontsize=7)
    ax2.set_yscale("log")
    ax2.set_title("Comparable tasks (same run)")
    ax2.legend(fontsize=7)
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, path)
    plt.close(fig)


def write_section(path: Path, body: list[str]) -> None:
    """Replace (or append) only the ``## Generation`` section of RESULTS.md, atomically."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == SECTION), None)
    if start is None:
        new = lines + ([""] if lines and lines[-1].strip() else []) + body
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        new = lines[:start] + body + ([""] if end < len(lines) else []) + lines[end:]
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text("\n".join(new).rstrip() + "\n")
    os.replace(tmp, path)


# -- main --------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short budgets, levels 1 and 5, writes nothing")
    ap.add_argument("--seconds", type=float, default=None, help="CPU seconds per measurement (default 2)")
    ap.add_argument("--skip-peers", action="store_true", help="measure our rules only")
    ap.add_argument("--rules", default=None, help="comma-separated rules (default: all registered)")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md", help="RESULTS.md to update")
    ap.add_argument("--plot", type=Path, default=HERE / "generation.png", help="PNG to write")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md and the PNG")
    args = ap.parse_args(argv)
    if args.seconds is not None and args.seconds <= 0:
        ap.error("--seconds must be positive")
    seconds = args.seconds or (0.3 if args.quick else 2.0)
    levels = (1, 5) if args.quick else LEVELS
    write = not (args.quick or args.no_write)

    from tqdm import tqdm

    from hf_mathrules.rules import make_rule, rule_names

    registered = rule_names()
    wanted = args.rules.split(",") if args.rules else list(registered)
    for c in COMPARISONS:
        if c.ours not in wanted and not args.rules:
            wanted.append(c.ours)
    peers_todo = [] if args.skip_peers else list(COMPARISONS)

    measurements: list[Measurement] = []
    peer_results: list[PeerResult] = []
    bar = tqdm(total=len(wanted) * len(levels) + len(peers_todo), desc="benchmark", unit="task")
    for rule_name in wanted:
        for lv in levels:
            bar.set_postfix_str(f"{rule_name} L{lv}")
            if rule_name not in registered:
                measurements.append(Measurement(rule_name, lv, note="missing"))
                bar.update(1)
                continue
            rule = make_rule(rule_name, level=lv)
            m = Measurement(rule_name, lv, item_rate=measure_items(rule, seconds))
            m.generate_rate, m.note = measure_generate(rule, m.item_rate, seconds / 2)
            measurements.append(m)
            bar.update(1)

    pythons: dict[str, tuple[Path | None, str]] = {}
    for c in peers_todo:
        bar.set_postfix_str(f"{c.peer.name} {c.task}")
        if c.peer.name not in pythons:
            pythons[c.peer.name] = ensure_venv(c.peer, log=tqdm.write)
        python, reason = pythons[c.peer.name]
        if python is None:
            tqdm.write(f"{c.peer.name}: unavailable: {reason}")
            result = PeerResult(c, error=reason)
        else:
            result = measure_peer(python, c, seconds)
            if result.error:
                tqdm.write(f"{c.peer.name} {c.task}: {result.error}")
        result.ours = {m.level: m.item_rate for m in measurements if m.rule == c.ours and m.item_rate}
        peer_results.append(result)
        bar.update(1)
    bar.close()

    ours_lines = our_table(measurements, wanted, levels)
    print("\nOur rules (examples / CPU second: item / generate(train)):")
    print("\n".join(ours_lines))
    ratio_lines: list[str] = []
    if peer_results:
        ratio_lines = ratio_table(peer_results, levels)
        print("\nComparable tasks (ratio = ours / peer, same run):")
        print("\n".join(ratio_lines))
    dist = next((m.item_rate for m in measurements if m.rule == "distributivity" and m.level == 1), None)
    verdict = "-" if dist is None else ("met" if dist >= TARGET_DISTRIBUTIVITY else "NOT met")
    dist_line = f"distributivity level 1: {fmt(dist)} ex/s on one core (target >= 20,000: {verdict})"
    print("\n" + dist_line)

    if write:
        command = "python benchmarks/generation.py" + (f" --seconds {args.seconds:g}" if args.seconds else "")
        if args.skip_peers:
            command += " --skip-peers"
        examples = [
            f"- {p.comparison.peer.name} {p.comparison.task}: `{p.example[0]}` -> `{p.example[1]}`"
            + (f" ({p.failures} generator exceptions skipped)" if p.failures else "")
            for p in peer_results
            if p.example
        ]
        body = [
            SECTION,
            "",
            f"Command ({platform.python_version()}, {os.cpu_count()} shared CPU cores, one process per side):",
            "",
            f"    {command}",
            "",
            "Examples per CPU second of the measuring process (`time.process_time`; other work on the "
            "machine does not count). Ours: `rule.item(0, i)` in this process, and `rule.generate(n, "
            'split="train")` (split filter + dedup). Peers in subprocesses from their own virtualenvs '
            "(mathematics_dataset 1.0.1 with sympy 1.5.1 / numpy 1.23.5, module functions from "
            "`modules.train(...)` over the full training entropy range, question and answer turned into "
            "strings; reasoning-gym 0.1.25 default configs, `create_dataset(name, seed=42)[i]`).",
            "",
            "### Our rules",
            "",
            *ours_lines,
            "",
        ]
        if ratio_lines:
            body += [
                "### Against the peers (ratio = ours / peer, measured in the same run)",
                "",
                "Each target is judged on our levels of the same kind and size as the peer task, read from "
                "the rule's level table: mathematics_dataset `algebra__linear_1d` and reasoning-gym "
                "`simple_equations` (one linear equation, one unknown) against isolate_variable's levels that "
                "draw only linear equations (`subtypes=('linear',)`; the higher levels mix in letter formulas "
                "such as `1/R = 1/a + 1/b`); `algebra__linear_2d` (2 unknowns) against linear_system's "
                "2-unknown levels (`n_unknowns=2`; levels 3-4 have 3 unknowns, level 5 has 4). The other "
                "tasks are compared with every level. The worst ratio over all levels is shown as well.",
                "",
                *ratio_lines,
                "",
            ]
            body += ["Peer examples from this run:", "", *examples, ""]
        body += [dist_line, "", "![generation speed](generation.png)", ""]
        write_section(args.results, body)
        plot(measurements, peer_results, levels, args.plot)
        print(f"\nwrote the '{SECTION}' section of {args.results} and {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
