"""Mutation-generated data (``hf_mathrules.mutate``): validity on an independent re-check, rejections
per gate and operator, difficulty control, diversity next to reasoning-gym's ``gsm_symbolic`` (run in
its own virtualenv, ``benchmarks/.venv-reasoning-gym``, made by ``generation.py``'s helper), throughput with and
without the z3 second opinion, and ablations.

    python benchmarks/mutation.py                 # full run: 10,000 rows, RESULTS.md section, PNG
    python benchmarks/mutation.py --rows 600 --no-write   # a smoke run

Rows are generated at levels 1-6 (an equal share each) in worker processes; the validity re-check
parses every stored ``problem`` and ``answer`` string with SymPy (``sympy.solve`` on the equations,
not our solver) and requires exactly the stored value for the asked quantity.  Throughput is rows per
CPU second of one process (``time.process_time``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generation import REASONING_GYM, Peer, ensure_venv  # noqa: E402  (the peers' virtualenv helper)

SECTION = "## Mutation-generated data"
IMPLICIT = ("affine", "scaled_sum", "part_is", "percent_is", "per_part", "sum_with", "sum3", "ratio_with")
LEVELS = (1, 2, 3, 4, 5, 6)
RG = REASONING_GYM  # one virtualenv for reasoning-gym, shared with generation.py
RG_RUNNER = r"""
import json, sys, time
import reasoning_gym
n = int(sys.argv[1])
t0 = time.process_time()
ds = reasoning_gym.create_dataset("gsm_symbolic", size=n, seed=42)
out = []
for i in range(n):
    it = ds[i]
    out.append({"q": it["question"], "sig": sorted(it["metadata"]["variables"])})
spent = time.process_time() - t0
print(json.dumps({"rows": out, "seconds": spent}))
"""


# general-English scores that neither side's text trained (issue 21, round 5): wordfreq's word frequencies
# (its bundled lists: Wikipedia, subtitles, news, books, web text) and textstat's readability formulas
# (0.7.4: syllables from pyphen's bundled dictionaries; 0.7.13 fetches NLTK's cmudict at run time, which
# cannot work offline).  Their own virtualenv, like reasoning-gym's: never a dependency of the package.
FLUENCY = Peer(
    "wordfreq and textstat",
    ".venv-fluency",
    ("wordfreq==3.1.1", "textstat==0.7.4"),
    system_site_packages=True,
    import_name="wordfreq, textstat",
)
FLUENCY_RUNNER = r"""
import json, re, statistics, sys
import textstat
from wordfreq import zipf_frequency

groups = json.load(sys.stdin)
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
out = {}
for name, texts in groups.items():
    zipfs, rare, ease, grade, wps, rep = [], 0, [], [], [], []
    for t in texts:
        sents = [s for s in re.split(r"(?<=[.?!])\s+", t.strip()) if s]
        for s in sents:
            words = WORD.findall(s)
            wps.append(len(words))
            for w in words:
                if w[0].isupper():  # names and sentence-initial words: the same rule for every text
                    continue
                z = zipf_frequency(w, "en")
                zipfs.append(z)
                rare += z < 3.0
        ease.append(textstat.flesch_reading_ease(t))
        grade.append(textstat.flesch_kincaid_grade(t))
        toks = [("<num>" if w[0].isdigit() else w.lower()) for w in re.findall(r"[A-Za-z']+|[0-9]+(?:[.,][0-9]+)*", t)]
        grams = [tuple(toks[i : i + 4]) for i in range(len(toks) - 3)]
        rep.append(sum(1 for i, g in enumerate(grams) if g in grams[:i]) / max(len(grams), 1))
    out[name] = {
        "texts": len(texts), "sentences": len(wps), "words per sentence": statistics.mean(wps),
        "mean Zipf frequency": statistics.mean(zipfs), "rare words (Zipf < 3)": rare / len(zipfs),
        "Flesch reading ease": statistics.mean(ease), "Flesch-Kincaid grade": statistics.mean(grade),
        "repeated 4-grams within a text": statistics.mean(rep),
    }
print(json.dumps(out))
"""


def fluency_scores(groups: dict[str, list[str]]) -> tuple[dict | None, str]:
    """FLUENCY_RUNNER's scores per group of texts, run in the helper virtualenv; ``(None, reason)`` when
    it cannot be made (no network to PyPI) or fails."""
    from tqdm import tqdm

    python, reason = ensure_venv(FLUENCY, log=tqdm.write)
    if python is None:
        return None, reason
    r = subprocess.run(
        [str(python), "-c", FLUENCY_RUNNER],
        input=json.dumps(groups),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if r.returncode != 0:
        return None, r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed"
    return json.loads(r.stdout.strip().splitlines()[-1]), ""


def seed_problems(n: int) -> list[str]:
    """The seeds' own problems as written (intro, value sentences, question), n draws over the library in
    turn: the hand-written reference for scores of whole problems."""
    from hf_mathrules.mutate.frames import informalize
    from hf_mathrules.mutate.seeds import load_seeds

    seeds, rng = load_seeds(), random.Random(7)
    return [informalize(seeds[i % len(seeds)].instantiate(rng)) for i in range(n)]


# -- generation ----------------------------------------------------------------------------------------
def gen_level(args: tuple) -> tuple[list[dict], dict]:
    level, n, seed, kwargs = args
    from hf_mathrules.mutate import MutationEngine, Stats

    eng = MutationEngine(level=level, **kwargs)
    stats = Stats()
    rows = eng.generate(n, seed=seed, split=None, stats=stats)
    return rows, {
        "rejected": dict(stats.rejected), "rejected_by_op": dict(stats.rejected_by_op), "items": stats.items,
        "acceptance": stats.acceptance_table(), "gaps": stats.gaps,
    }  # fmt: skip


def generate(total: int, procs: int, **kwargs) -> tuple[dict[int, list[dict]], dict[int, dict]]:
    per = {lv: total // len(LEVELS) + (1 if i < total % len(LEVELS) else 0) for i, lv in enumerate(LEVELS)}
    jobs = [(lv, per[lv], 0, kwargs) for lv in LEVELS]
    with ProcessPoolExecutor(procs) as ex:
        results = list(ex.map(gen_level, jobs))
    return {lv: r[0] for lv, r in zip(LEVELS, results)}, {lv: r[1] for lv, r in zip(LEVELS, results)}


# -- independent re-check ------------------------------------------------------------------------------
def recheck(row: dict) -> str | None:
    import sympy

    from hf_mathrules.rules.statements import parse_statement

    try:
        eqs = [parse_statement(part).expr for part in row["problem"].split("; ")]
        ans = parse_statement(row["answer"]).assign
        syms = sorted(set().union(*(e.free_symbols for e in eqs)), key=str)
        sols = sympy.solve(eqs, syms, dict=True)
        q = list(ans)
        meta = json.loads(row["meta"])
        if meta.get("family") == "word":  # every word quantity is positive: drop roots that are not
            sols = [s for s in sols if all((not v.is_number) or v > 0 for v in s.values())]
        if not sols:
            return "no solution"
        got = {tuple(s.get(k) for k in q) for s in sols}
        want = tuple(ans[k] for k in q)
        return None if got == {want} else f"sympy finds {got}, row says {want}"
    except Exception as exc:  # a row that cannot be re-checked counts as a failure
        return f"{type(exc).__name__}: {exc}"


def recheck_all(rows: list[dict], procs: int) -> list[tuple[str, str]]:
    from tqdm import tqdm

    with ProcessPoolExecutor(procs) as ex:
        verdicts = list(
            tqdm(ex.map(recheck, rows, chunksize=50), total=len(rows), desc="sympy re-check", unit="row")
        )
    return [(r["id"], v) for r, v in zip(rows, verdicts) if v]


# -- diversity -----------------------------------------------------------------------------------------
def ngrams(tokens: list[str], n: int) -> list[tuple]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def tokens(text: str) -> list[str]:
    import re

    return re.findall(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]", text.lower())


def distinct_n(texts: list[str], n: int) -> float:
    grams = [g for t in texts for g in ngrams(tokens(t), n)]
    return len(set(grams)) / max(len(grams), 1)


def self_bleu(texts: list[str], hyps: int = 200, refs: int = 1000, seed: int = 0) -> float:
    """Mean BLEU-4 of ``hyps`` texts against ``refs`` other texts of the same set (higher: more alike)."""
    rng = random.Random(seed)
    hyps = min(hyps, len(texts) // 4)
    idx = list(range(len(texts)))
    rng.shuffle(idx)
    hyp, ref = [texts[i] for i in idx[:hyps]], [texts[i] for i in idx[hyps : hyps + refs]]
    maxref = [Counter() for _ in range(5)]
    for t in ref:
        tk = tokens(t)
        for n in range(1, 5):
            for g, c in Counter(ngrams(tk, n)).items():
                if c > maxref[n][g]:
                    maxref[n][g] = c
    ref_lens = sorted(len(tokens(t)) for t in ref)
    scores = []
    for t in hyp:
        tk = tokens(t)
        logp = 0.0
        for n in range(1, 5):
            cnt = Counter(ngrams(tk, n))
            total = sum(cnt.values())
            clipped = sum(min(c, maxref[n][g]) for g, c in cnt.items())
            logp += math.log((clipped + 1) / (total + 1)) / 4
        r = min(ref_lens, key=lambda x: abs(x - len(tk)))
        bp = 1.0 if len(tk) > r else math.exp(1 - r / max(len(tk), 1))
        scores.append(bp * math.exp(logp))
    return sum(scores) / len(scores)


def entropy(counts: Counter) -> float:
    total = sum(counts.values())
    return -sum(c / total * math.log2(c / total) for c in counts.values() if c)


def diversity(texts: list[str], sigs: list[str], seed_sigs: set[str], opseqs: list[tuple] | None) -> dict:
    return {
        "rows": len(texts),
        "distinct_structures": len(set(sigs)),
        "novel_vs_seeds": sum(1 for s in sigs if s not in seed_sigs) / len(sigs) if seed_sigs else None,
        "distinct_2": distinct_n(texts, 2),
        "distinct_3": distinct_n(texts, 3),
        "self_bleu": self_bleu(texts),
        "op_entropy": entropy(Counter(opseqs)) if opseqs else None,
    }


# -- throughput ----------------------------------------------------------------------------------------
def throughput(level: int, seconds: float, **kwargs) -> float:
    from hf_mathrules.mutate import MutationEngine

    eng = MutationEngine(level=level, **kwargs)
    eng.item(99, 0)
    rows, i, t0 = 0, 0, time.process_time()
    while time.process_time() - t0 < seconds:
        rows += eng.item(1, i).row is not None
        i += 1
    return rows / (time.process_time() - t0)


def gsm_symbolic(n: int) -> tuple[dict | None, str]:
    from tqdm import tqdm

    python, reason = ensure_venv(RG, log=tqdm.write)
    if python is None:
        return None, reason
    r = subprocess.run([str(python), "-c", RG_RUNNER, str(n)], capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        return None, r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed"
    return json.loads(r.stdout.strip().splitlines()[-1]), ""


# -- quality (what a person reads) -------------------------------------------------------------------------
STOCK_DISTRACTORS = (
    "the number of windows in the classroom", "the age of the oldest tree in the park",
    "the length of the school corridor", "the number of buses that stop at the corner each hour",
    "the height of the town hall", "the number of days until the holidays", "the temperature outside",
    "the number of pages in the shop's catalogue",
)  # fmt: skip
_PLURAL_SUBJECT = re.compile(
    r"(?:^|[.?!] )The (?:[a-z]+ )?([a-z]+[^s\W]s)\b(?! of\b)(?: [a-z']+){0,6}? (?:is|exceeds|falls short|amounts|equals|makes up)\b"
)
_PLURAL_QUESTION = re.compile(r"\b(?:What|How much) is the (?:[a-z]+ )?([a-z]+[^s\W]s)\b(?! of\b)")
_RIGID = (
    "side",
    "length",
    "width",
    "ratio",
    "score",
    "average",
    "area",
    "perimeter",
    "capacity",
    "size",
    "share",
)
_UNIT_WORDS = ("minutes", "hours", "days", "weeks", "seconds", "cents", "dollars", "meters", "grams")
_STOP = {"the", "of", "a", "number", "amount", "in", "on", "at", "per", "each", "one", "to", "is"}


def family_row_defects(it, seeds, family: str) -> set[str]:
    """``row_defects``, and for the symbolic families a step ``verify_steps`` does not accept."""
    from hf_mathrules.verify import verify_steps

    found = row_defects(it, seeds)
    if family != "word" and verify_steps(it.row["problem"], it.row["steps"]).first_bad is not None:
        found.add("step not equivalent (verify_steps)")
    return found


def row_defects(it, seeds) -> set[str]:
    """Automatic checks for the defect table of issue 21, on one emitted item (its row and program)."""
    from hf_mathrules.mutate.defects import round3_defects, row_text_defects
    from hf_mathrules.mutate.seeds import QUALIFIERS
    from hf_mathrules.mutate.solution import needed_steps
    from hf_mathrules.mutate.solver import solve

    text, p, out = it.row["prompt"], it.final, set()
    if p.family == "word":
        out |= row_text_defects(text, it.row["completion"], p)
        if _PLURAL_SUBJECT.search(text) or _PLURAL_QUESTION.search(text):
            out.add("agreement")
        for x in p.quantities:
            q = next((t for t in QUALIFIERS if x.desc.endswith(" " + t)), None)
            if q and any(w in x.desc.split() for w in _RIGID):
                out.add("odd qualifier")
            if x.conversion and any(w in x.desc.split() for w in _UNIT_WORDS):
                out.add("name contradicts unit")
        if any(d in text for d in STOCK_DISTRACTORS):
            out.add("stock distractor")
        for r in p.relations:
            if r.kind == "same_as" and r.target.split("_")[0] != r.source.split("_")[0]:
                a = set(p.q(r.target).desc.split()) - _STOP
                b = set(p.q(r.source).desc.split()) - _STOP
                if not a & b:
                    out.add("unrelated stories joined")
        sol = solve(p, drop=p.query)
        out |= round3_defects(it.row, p, list(sol.values.values()))
        shown = needed_steps(sol, p.query)
        lines = [ln for ln in it.row["completion"].splitlines() if not ln.startswith(("So ", "Answer:"))]
        if len(shown) < len({s.name for s in sol.steps if s.how != "given"}) and len(lines) > len(shown):
            out.add("dead sub-problem solved")
        for name, v in sol.values.items():
            x = p.by_name.get(name)
            if x is not None and x.lo is not None and not x.lo <= v <= x.hi:
                out.add("implausible value")
            if (v * 100).denominator != 1:
                out.add("implausible value")
    else:
        for r in p.relations:
            if hasattr(r.lhs, "terms") and hasattr(r.rhs, "terms") and set(r.lhs.terms) & set(r.rhs.terms):
                out.add("padding that cancels")
        if len(it.row["steps"]) < 1:
            out.add("no rule steps")
        out |= round3_defects(it.row, p)
    return out


class NGramLM:
    """Interpolated absolute-discounting trigram LM over words (numbers -> <num>, people -> <name>)."""

    def __init__(self, texts: list[str], d: float = 0.75) -> None:
        self.d = d
        self.c = [Counter(), Counter(), Counter()]
        self.ctx = [Counter(), Counter()]
        self.follow = [Counter(), Counter()]
        for t in texts:
            w = ["<s>", "<s>", *self.norm(t), "</s>"]
            for i in range(2, len(w)):
                self.c[0][w[i]] += 1
                self.c[1][(w[i - 1], w[i])] += 1
                self.c[2][(w[i - 2], w[i - 1], w[i])] += 1
        for (a, _b), k in self.c[1].items():
            self.ctx[0][a] += k
            self.follow[0][a] += 1
        for (a, b, _c), k in self.c[2].items():
            self.ctx[1][(a, b)] += k
            self.follow[1][(a, b)] += 1
        self.total = sum(self.c[0].values())
        self.vocab = len(self.c[0]) + 1

    @staticmethod
    def norm(text: str) -> list[str]:
        from hf_mathrules.mutate.seeds import NAMES

        names = set(NAMES)
        toks = re.findall(r"[A-Za-z']+|\d+(?:\.\d+)?(?:/\d+)?|[^\sA-Za-z\d]", text)
        return [
            "<num>"
            if t[0].isdigit()
            else "<name>"
            if t in names or t.istitle() and t not in ("The", "A", "How", "What") and False
            else t.lower()
            for t in toks
        ]

    def prob(self, a: str, b: str, c: str) -> float:
        p1 = (self.c[0][c] + 1) / (self.total + self.vocab)
        n2 = self.ctx[0][b]
        p2 = p1 if not n2 else max(self.c[1][(b, c)] - self.d, 0) / n2 + self.d * self.follow[0][b] / n2 * p1
        n3 = self.ctx[1][(a, b)]
        return (
            p2
            if not n3
            else max(self.c[2][(a, b, c)] - self.d, 0) / n3 + self.d * self.follow[1][(a, b)] / n3 * p2
        )

    def perplexity(self, texts: list[str]) -> float:
        lp, n = 0.0, 0
        for t in texts:
            w = ["<s>", "<s>", *self.norm(t), "</s>"]
            for i in range(2, len(w)):
                lp += math.log(self.prob(w[i - 2], w[i - 1], w[i]))
                n += 1
        return math.exp(-lp / max(n, 1))


def seed_texts() -> list[str]:
    """What people wrote: every seed's intro, value sentences, questions and distractor sentences, with
    people named and values filled in (the LM's training text)."""
    from hf_mathrules.mutate.seeds import load_seeds, variants

    out = []
    rng = random.Random(0)
    for s in load_seeds():
        who = {p: n for p, n in zip("ABC", rng.sample(["Ana", "Ben", "Mia"], 3))}

        def fill(t: str, who: dict = who) -> str:
            return re.sub(r"\{([ABC])\}", lambda m: who[m.group(1)], t).replace(
                "{v}", str(rng.randint(2, 90))
            )

        out.append(fill(s.intro))
        for q in (*s.givens, *s.derived, *s.distractors):
            out += [fill(f) for f in variants(q.get("frame"))] + [
                fill(f) for f in variants(q.get("question"))
            ]
    return out


def quality_items(n: int) -> dict[tuple[str, int], list]:
    """The items --quality reads: n word rows over the levels, and max(10, n/20) linear and system rows
    at levels 1, 3, 5 (seed 0, at most 60 tries per row wanted)."""
    from hf_mathrules.mutate import MutationEngine

    items = {}
    for fam, levels in (("word", LEVELS), ("linear", (1, 3, 5)), ("system", (1, 3, 5))):
        for lv in levels:
            k = n // len(LEVELS) if fam == "word" else max(10, n // 20)
            eng = MutationEngine(level=lv, family=fam, second_opinion="none")
            items[(fam, lv)] = eng.items_with_rows(k, seed=0, max_tries=60 * k)
    return items


def quality(n: int, skip_peer: bool) -> list[str]:
    """Defect shares per level and family, verify_steps on symbolic rows, and n-gram perplexity next to
    gsm_symbolic (same LM, trained on the seed texts; held-out seed sentences as the reference)."""
    from hf_mathrules.mutate.seeds import load_seeds

    seeds = load_seeds()
    items = quality_items(n)
    lines = ["| family | level | rows | rows with any defect | defects found |", "|---|---|---|---|---|"]
    all_word, any_word = 0, 0
    for (fam, lv), its in items.items():
        found = Counter()
        bad = 0
        for it in its:
            d = family_row_defects(it, seeds, fam)
            found.update(d)
            bad += bool(d)
        if fam == "word":
            all_word += len(its)
            any_word += bad
        lines.append(
            f"| {fam} | {lv} | {len(its)} | {bad} ({100 * bad / max(len(its), 1):.1f}%) | {dict(found) or '-'} |"
        )
    word_items = [it for (fam, _), its in items.items() if fam == "word" for it in its]
    from hf_mathrules.mutate.defects import repeated_descriptions

    # style, apart from the defects above (issue 21 round 6): one description of 5+ words in two
    # consecutive sentences ("... filled the week before is 7. Taking 1 away from the number of trays Omar
    # filled the week before leaves ...")
    repeated = sum(bool(repeated_descriptions(it.row["prompt"], it.final)) for it in word_items)
    from hf_mathrules.mutate.defects import round8_style

    # round 8's style checks (apart too): a generic opener said twice, one occasion opening two sentences
    # in a row
    style8 = Counter(k for it in word_items for k in round8_style(it.row, it.final))
    affine = sum(1 for it in word_items if any(r.kind == "affine" for r in it.final.relations))
    shapes = Counter(k for it in word_items for k in {r.kind for r in it.final.relations})
    implicit = Counter(k for it in word_items for k in {r.kind for r in it.final.relations} if k in IMPLICIT)
    texts = seed_texts()
    rng = random.Random(1)
    rng.shuffle(texts)
    held, train = texts[: len(texts) // 10], texts[len(texts) // 10 :]
    lm = NGramLM(train)
    ours = [it.row["prompt"] for (fam, _), its in items.items() if fam == "word" for it in its]

    def per_sentence(ts: list[str]) -> list[str]:
        return [s for t in ts for s in re.split(r"(?<=[.?!])\s+", t) if s]

    ppl = {
        "held-out seed sentences": lm.perplexity(held),
        "hf_mathrules mutate": lm.perplexity(per_sentence(ours)),
    }
    peer = ""
    cross: dict[str, float] = {}
    fluency, why = None, "left out (--skip-peer)"
    if not skip_peer:
        rg, reason = gsm_symbolic(2 * len(ours))
        if rg is not None:
            qs = [r["q"] for r in rg["rows"]]
            ppl["gsm_symbolic"] = lm.perplexity(per_sentence(qs[: len(ours)]))
            # the other way round: a trigram LM trained on gsm_symbolic's other half (the peer's own
            # English, which favours it as the seed-trained LM favours us); the two bracket the comparison
            lm_rg = NGramLM(per_sentence(qs[len(ours) :]))
            cross = {
                "gsm_symbolic (held-out half)": lm_rg.perplexity(per_sentence(qs[: len(ours)])),
                "hf_mathrules mutate": lm_rg.perplexity(per_sentence(ours)),
                "seed sentences": lm_rg.perplexity(texts),
            }
            groups = {
                "seed problems as written": seed_problems(len(ours)),
                "held-out seed sentences": held,
                "hf_mathrules mutate": ours,
                "gsm_symbolic": qs[: len(ours)],
            }
            fluency, why = fluency_scores(groups)
        else:
            peer = f" (gsm_symbolic not available here: {reason})"
    lines += [
        "",
        f"Word rows with any defect: **{any_word}/{all_word} ({100 * any_word / max(all_word, 1):.1f}%)** (target <= 5%); "
        f"rows with a `k1*x + k2 = k3` relation: {affine}/{all_word} ({100 * affine / max(all_word, 1):.1f}%); "
        f"rows with a description of 5+ words in two consecutive sentences (style, not counted above): "
        f"{repeated}/{all_word} ({100 * repeated / max(all_word, 1):.1f}%); round 8's style checks: "
        f"{dict(style8) or 'none'}.",
        "",
        "Relation shapes (rows containing each; a row may hold several): "
        + ", ".join(f"{k} {v} ({100 * v / max(all_word, 1):.1f}%)" for k, v in shapes.most_common())
        + f". Implicit shapes (solved for their unknown): {sum(implicit.values())} relations in {len(implicit)} shapes; "
        + "the dominant one, "
        + (
            f"{implicit.most_common(1)[0][0]}, in {100 * implicit.most_common(1)[0][1] / max(all_word, 1):.1f}% of rows."
            if implicit
            else "none."
        ),
        "",
        f"Readability: perplexity per word of a trigram LM (absolute discounting) trained on the seeds' own sentences{peer}:",
        "",
        "| text | perplexity (lower: closer to the seed English) |",
        "|---|---|",
        *[f"| {k} | {v:.1f} |" for k, v in ppl.items()],
    ]
    if cross:
        lines += [
            "",
            "The same trigram LM trained instead on gsm_symbolic's other half (its own English):",
            "",
            "| text | perplexity (lower: closer to gsm_symbolic's English) |",
            "|---|---|",
            *[f"| {k} | {v:.1f} |" for k, v in cross.items()],
        ]
    lines += [
        "",
        f"Scores that neither side trained ({', '.join(FLUENCY.requirements)} in `benchmarks/{FLUENCY.venv}`):",
    ]
    if fluency is None:
        lines.append(f"not available here: {why}")
    else:
        cols = list(next(iter(fluency.values())))
        lines += [
            "",
            "| text | " + " | ".join(cols) + " |",
            "|---|" + "---|" * len(cols),
            *[
                f"| {k} | "
                + " | ".join(f"{v[c]:,}" if isinstance(v[c], int) else f"{v[c]:.3g}" for c in cols)
                + " |"
                for k, v in fluency.items()
            ],
        ]
    return lines


def symbolic(n: int) -> list[str]:
    """The symbolic families (``quadratic``, ``expression``): validity on an independent SymPy re-check
    (``sympy.solve`` on the stored equation; ``sympy.simplify(problem - answer)``), ``verify_steps`` on the
    rule steps, and diversity next to the seed rules' own rows (same count, same structure signature)."""
    import sympy

    from hf_mathrules.mutate import MutationEngine
    from hf_mathrules.mutate.expressions import seed_problem, signature
    from hf_mathrules.rules.statements import parse_statement
    from hf_mathrules.verify import verify_steps

    lines = [
        "| family | level | rows | valid (SymPy re-check) | steps accepted by verify_steps | distinct structures | seeds' structures (same count) | distinct-3 | seed rules' distinct-3 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for fam in ("quadratic", "expression"):
        for lv in LEVELS:
            eng = MutationEngine(level=lv, family=fam, second_opinion="none")
            rows = eng.generate(n, seed=11)
            valid = steps_ok = 0
            for r in rows:
                task = json.loads(r["meta"])["task"]
                if task == "quadratic":
                    eq = parse_statement(r["problem"]).expr
                    var = sympy.Symbol(r["answer"].split("=")[0].strip())
                    want = {sympy.Rational(a.split("=")[1]) for a in r["answer"].split(" or ")}
                    valid += set(sympy.solve(eq, var)) == want
                    chain = r["steps"][:-1]  # the roots line: verify_steps reads "x = a or x = b" apart
                else:
                    p, a = parse_statement(r["problem"]).expr, parse_statement(r["answer"]).expr
                    valid += sympy.simplify(p - a) == 0
                    chain = r["steps"]
                steps_ok += verify_steps(r["problem"], chain).first_bad is None
            rng = random.Random(lv)
            seeds = [x for x in (seed_problem(fam, rng, lv) for _ in range(2 * n)) if x is not None][:n]
            from hf_mathrules.rules import family_rules, make_rule

            names = family_rules(fam)
            rule_rows = [
                make_rule(names[i % len(names)], level=min(max(lv - 1, 1), 3)).item(3, i)
                for i in range(len(rows))
            ]
            sigs = {json.loads(r["meta"])["signature"] for r in rows}
            lines.append(
                f"| {fam} | {lv} | {len(rows)} | {valid}/{len(rows)} | {steps_ok}/{len(rows)} | {len(sigs)} | "
                f"{len({signature(x) for x in seeds})} | {distinct_n([r['prompt'] for r in rows], 3):.3f} | "
                f"{distinct_n([r['prompt'] for r in rule_rows], 3):.3f} |"
            )
    return lines


# -- report ----------------------------------------------------------------------------------------------
def fmt(x, pct=False, digits=3) -> str:
    if x is None:
        return "-"
    return f"{100 * x:.1f}%" if pct else (f"{x:,.{digits}f}" if isinstance(x, float) else f"{x:,}")


def plot(steps_by_level: dict, curve_ours: list, curve_rg: list, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    levels = sorted(steps_by_level)
    a.boxplot([steps_by_level[lv] for lv in levels], tick_labels=[str(lv) for lv in levels])
    a.plot(
        range(1, len(levels) + 1),
        [sum(v) / len(v) for v in (steps_by_level[lv] for lv in levels)],
        "o-",
        color="tab:red",
        label="mean",
    )
    a.set_xlabel("level (6 = out of distribution)")
    a.set_ylabel("gold solution steps")
    a.set_title("Difficulty control")
    a.legend()
    b.plot([x for x, _ in curve_ours], [y for _, y in curve_ours], "o-", label="hf_mathrules mutate")
    if curve_rg:
        b.plot([x for x, _ in curve_rg], [y for _, y in curve_rg], "s-", label="reasoning-gym gsm_symbolic")
    b.set_xscale("log")
    b.set_yscale("log")
    b.set_xlabel("rows")
    b.set_ylabel("distinct structures")
    b.set_title("Diversity vs number of rows")
    b.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_section(path: Path, body: list[str]) -> None:
    import generation
    from generation import write_section as _w  # same replace-or-append of one section

    old = generation.SECTION
    generation.SECTION = SECTION
    try:
        _w(path, body)
    finally:
        generation.SECTION = old


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--rows", type=int, default=10_000, help="rows of the main run (levels 1-6, equal shares)"
    )
    ap.add_argument("--ablation-rows", type=int, default=600, help="rows per ablation and level")
    ap.add_argument("--seconds", type=float, default=15.0, help="CPU seconds per throughput measurement")
    ap.add_argument("--procs", type=int, default=2, help="worker processes for generation and re-check")
    ap.add_argument("--skip-peer", action="store_true", help="leave out reasoning-gym")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md and the PNG")
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--plot", type=Path, default=HERE / "mutation.png")
    ap.add_argument(
        "--throughput-only",
        action="store_true",
        help="print rows/s per level (1, 3, 5, one core, no z3) and stop",
    )
    ap.add_argument(
        "--quality",
        action="store_true",
        help="defect checks (issue 21's table), verify_steps on symbolic rows, n-gram readability; print and stop",
    )
    ap.add_argument(
        "--symbolic",
        action="store_true",
        help="the symbolic families (quadratic, expression): validity, verify_steps, diversity; print and stop",
    )
    ap.add_argument(
        "--yield-only",
        type=int,
        metavar="ITEMS",
        help="word rows per item at each level 1-6 (items 0..ITEMS-1 of seed 7, no z3); print and stop",
    )
    args = ap.parse_args(argv)
    if args.yield_only:
        from hf_mathrules.mutate import MutationEngine

        for lv in LEVELS:
            eng = MutationEngine(level=lv, second_opinion="none")
            got = sum(eng.item(7, i).row is not None for i in range(args.yield_only))
            print(
                f"level {lv}: {got}/{args.yield_only} = {got / args.yield_only:.2f} rows per item", flush=True
            )
        return 0
    if args.symbolic:
        print("\n".join(symbolic(args.rows)))
        return 0
    if args.quality:
        print("\n".join(quality(args.rows, args.skip_peer)))
        return 0
    if args.throughput_only:
        for level in (1, 3, 5):
            print(f"level {level}: {throughput(level, args.seconds, second_opinion='none'):,.0f} rows/s")
        return 0
    if args.rows < 60:
        ap.error("--rows must be at least 60")
    from tqdm import tqdm

    from hf_mathrules.mutate import MutationEngine

    t0 = time.time()
    tqdm.write(f"generating {args.rows} rows at levels 1-6 ...")
    by_level, info = generate(args.rows, args.procs, second_opinion="none")
    rows = [r for lv in LEVELS for r in by_level[lv]]
    failures = recheck_all(rows, args.procs)
    metas = [json.loads(r["meta"]) for r in rows]
    steps = {lv: [json.loads(r["meta"])["difficulty"]["steps"] for r in by_level[lv]] for lv in LEVELS}
    seed_sigs = set(MutationEngine().seed_signatures)
    random.Random(0).shuffle(order := list(range(len(rows))))
    texts = [rows[i]["prompt"] for i in order]
    sigs = [metas[i]["signature"] for i in order]
    ops = [tuple(metas[i]["operators"]) for i in order]
    ours = diversity(texts, sigs, seed_sigs, ops)
    curve_ours = [(n, len(set(sigs[:n]))) for n in (100, 300, 1000, 3000, len(sigs)) if n <= len(sigs)]

    rg, rg_reason, curve_rg = None, "skipped", []
    if not args.skip_peer:
        got, rg_reason = gsm_symbolic(len(rows))
        if got is not None:
            rtexts = [x["q"] for x in got["rows"]]
            rsigs = [json.dumps(x["sig"]) for x in got["rows"]]
            rg = diversity(rtexts, rsigs, set(), None)
            rg["rate"] = len(rtexts) / got["seconds"]
            curve_rg = [(n, len(set(rsigs[:n]))) for n, _ in curve_ours]
    tqdm.write("throughput ...")
    rate_plain = throughput(3, args.seconds, second_opinion="none")
    try:
        import z3  # noqa: F401

        rate_z3_sample = throughput(3, args.seconds, second_opinion="z3")
        rate_z3_all = throughput(3, args.seconds, second_opinion="z3", second_opinion_rate=1.0)
    except ImportError:
        rate_z3_sample = rate_z3_all = None

    tqdm.write("ablations ...")
    abl = {}
    for name, kw in (
        ("full", {}),
        ("no projection", {"projection": False}),
        ("no complication", {"complication": False}),
        ("no unseen-structure term", {"gamma": 0.0}),
    ):
        from hf_mathrules.mutate import Stats

        res = {}
        for lv in (1, 3, 5):
            eng = MutationEngine(level=lv, second_opinion="none", **kw)
            st = Stats()
            got_rows, valid_final = [], 0
            for i in range(args.ablation_rows):
                it = eng.item(2, i)
                st.add(it)
                if it.final is not None:
                    from hf_mathrules.mutate.mcmc import feasible

                    valid_final += feasible(it.final, "integer") is not None
                if it.row:
                    got_rows.append(it.row)
            acc = sum(st.accepted.values()) / max(sum(st.proposed.values()), 1)
            ms = [json.loads(r["meta"])["difficulty"]["steps"] for r in got_rows]
            res[lv] = {
                "acceptance": acc, "valid_before_gates": valid_final / args.ablation_rows,
                "yield": len(got_rows) / args.ablation_rows, "mean_steps": sum(ms) / len(ms) if ms else None,
                "distinct_structures": len({json.loads(r["meta"])["signature"] for r in got_rows}),
            }  # fmt: skip
        abl[name] = res

    # -- print / write -------------------------------------------------------------------------------
    rej = Counter()
    rej_op = Counter()
    acc_table: dict[str, Counter] = {}
    for lv in LEVELS:
        rej.update(info[lv]["rejected"])
        rej_op.update(info[lv]["rejected_by_op"])
        for t in info[lv]["acceptance"]:
            c = acc_table.setdefault(t["operator"], Counter())
            c.update({k: t[k] for k in ("proposed", "applicable", "valid_after_projection", "accepted")})
    items = sum(info[lv]["items"] for lv in LEVELS)
    mean_steps = {lv: sum(v) / len(v) for lv, v in steps.items()}
    increasing = all(mean_steps[a] < mean_steps[b] for a, b in zip(LEVELS, LEVELS[1:]))
    lines = [
        SECTION, "",
        f"Command ({platform.python_version()}, {os.cpu_count()} shared CPU cores; generation and re-check in {args.procs} processes, "
        f"throughput on one core, wall time of the whole run {time.time() - t0:.0f} s):", "",
        f"    python benchmarks/mutation.py --rows {args.rows} --ablation-rows {args.ablation_rows} --seconds {args.seconds:g}", "",
        f"**Validity on an independent re-check** (SymPy `solve` on each stored `problem`, compared with the stored `answer`): "
        f"{len(rows) - len(failures):,}/{len(rows):,} rows ({100 * (len(rows) - len(failures)) / len(rows):.2f}%).", "",
        f"Rows came from {items:,} chains; rejections per gate: "
        + ", ".join(f"{g} {n:,}" for g, n in rej.most_common()) + "; per last operator of the rejected chain: "
        + ", ".join(f"{o} {n:,}" for o, n in rej_op.most_common(8)) + ".", "",
        "Acceptance per operator (all levels):", "",
        "| operator | proposed | applicable | valid after projection | accepted | acceptance |", "|---|---|---|---|---|---|",
    ]  # fmt: skip
    for op in sorted(acc_table):
        c = acc_table[op]
        lines.append(
            f"| {op} | {c['proposed']:,} | {c['applicable']:,} | {c['valid_after_projection']:,} | {c['accepted']:,} | {100 * c['accepted'] / max(c['proposed'], 1):.1f}% |"
        )
    lines += ["", f"**Difficulty control** (gold solution steps per row; strictly increasing 1 to 6: {'yes' if increasing else 'NO'}):", "",
              "| level | rows | mean steps | histogram of steps |", "|---|---|---|---|"]  # fmt: skip
    for lv in LEVELS:
        h = Counter(steps[lv])
        lines.append(
            f"| {lv} | {len(steps[lv]):,} | {mean_steps[lv]:.2f} | "
            + ", ".join(f"{k}: {h[k]}" for k in sorted(h))
            + " |"
        )
    lines += ["", f"**Diversity at {len(rows):,} rows**, same run (reasoning-gym 0.1.25 `gsm_symbolic` in `benchmarks/.venv-reasoning-gym`; its structure = the template's variable set):", "",
              "| measure | hf_mathrules mutate | gsm_symbolic |", "|---|---|---|"]  # fmt: skip
    for key, label in (
        ("distinct_structures", "distinct structures"),
        ("novel_vs_seeds", "structures not among the seeds'"),
        ("distinct_2", "distinct-2"),
        ("distinct_3", "distinct-3"),
        ("self_bleu", "self-BLEU-4 (lower: more varied)"),
        ("op_entropy", "operator-sequence entropy (bits)"),
    ):
        lines.append(
            f"| {label} | {fmt(ours[key], pct=key == 'novel_vs_seeds')} | {fmt(rg[key], pct=key == 'novel_vs_seeds') if rg else '-'} |"
        )
    if rg is None:
        lines.append(f"\ngsm_symbolic unavailable: {rg_reason}")
    else:
        ratio = ours["distinct_structures"] / max(rg["distinct_structures"], 1)
        lines.append(f"\nDistinct structures: {ratio:.1f}x gsm_symbolic (goal >= 10x: {'met' if ratio >= 10 else 'NOT met'}); "
                     f"self-BLEU lower: {'yes' if ours['self_bleu'] < rg['self_bleu'] else 'NO'}.")  # fmt: skip
    lines += ["", "**Throughput** (rows emitted per CPU second, one process, level 3, after every gate):", "",
              f"- without z3: {rate_plain:,.0f} rows/s (goal >= 1,000: {'met' if rate_plain >= 1000 else 'NOT met'})",
              f"- z3 second opinion on the default 2% sample: {fmt(rate_z3_sample, digits=0)} rows/s; on every row: {fmt(rate_z3_all, digits=0)} rows/s",
              f"- gsm_symbolic, same run: {fmt(rg['rate'] if rg else None, digits=0)} rows/s (it fills templates; no solver, no gates)",
              "", f"**Ablations** ({args.ablation_rows} chains per level; acceptance = accepted / proposed; valid = the chain's final state passes exact evaluation with role constraints, before the other gates):", "",
              "| variant | level | acceptance | valid before gates | rows / chain | mean steps | distinct structures |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, res in abl.items():
        for lv, r in res.items():
            lines.append(
                f"| {name} | {lv} | {100 * r['acceptance']:.1f}% | {100 * r['valid_before_gates']:.1f}% | {r['yield']:.2f} | {fmt(r['mean_steps'], digits=2)} | {r['distinct_structures']} |"
            )
    if failures:
        lines += ["", "Re-check failures (first 5): " + "; ".join(f"{i}: {v}" for i, v in failures[:5])]
    lines += ["", f"![steps per level and diversity vs rows]({args.plot.name})"]
    print("\n".join(lines))
    if not args.no_write:  # the figures first: a plotting problem must not lose a long run
        write_section(args.results, lines)
        raw = {"steps": steps, "curve_ours": curve_ours, "curve_rg": curve_rg}
        args.plot.with_suffix(".json").write_text(json.dumps(raw))
        plot(steps, curve_ours, curve_rg, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
