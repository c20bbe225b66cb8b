"""``mathrules mutate``: mutation-generated problems (formalize -> mutate by projected MCMC -> gates ->
informalize) to JSONL or Parquet, and ``--explain`` to show one item's chain operator by operator."""

from __future__ import annotations

import argparse
import json
import re
import sys

from ..rules.common import SPLITS


def _config(args: argparse.Namespace):
    from ..mutate import MutateConfig

    ops = tuple(o.strip() for o in args.operators.split(",") if o.strip()) if args.operators else None
    return MutateConfig(
        level=args.level, family=args.family, seeds=args.seeds, operators=ops, projection=not args.no_projection,
        second_opinion=args.second_opinion, answer_class=args.answer_class,
        variants_per_chain=args.variants_per_chain,
    )  # fmt: skip


def cmd_mutate(args: argparse.Namespace) -> int:
    from ..mutate import MutationEngine, Stats

    engine = MutationEngine(_config(args))  # every check (seeds, operators, level) before generating
    if args.explain:
        return explain(engine, args)
    if args.n < 1:
        raise ValueError(f"-n must be at least 1, got {args.n}")
    stats = Stats()
    split = None if args.split == "all" else args.split
    if args.rewriter:
        from ..mutate import llm

        rewriter = llm.LocalRewriter(args.rewriter)  # a clear error when the model cannot be loaded
        rows, report = llm.rewrite_rows(engine, args.n, rewriter, seed=args.seed, split=split)
        if len(rows) < args.n:
            raise ValueError(f"only {len(rows)} of {args.n} rows (see --level and --split)")
        print(
            f"rewriter {args.rewriter}: {report['rewritten']} of {report['rows']} texts rewritten and passed the "
            f"gates; {report['kept_frames']} kept their frame-written text (rejected: {report['rejections'] or '{}'})",
            file=sys.stderr,
        )
    else:
        rows = engine.generate(args.n, seed=args.seed, split=split, progress=not args.quiet, stats=stats)
        summary(stats, file=sys.stderr)
    if args.output:
        from ..io import write_rows

        n = write_rows(args.output, rows)
        print(f"wrote {n} rows to {args.output}", file=sys.stderr)
    else:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    return 0


def summary(stats, file=sys.stderr) -> None:
    extra = f" ({stats.variant_rows} of them with redrawn givens)" if stats.variant_rows else ""
    print(
        f"{stats.rows} rows{extra} from {stats.items} chains; rejected per gate: {dict(stats.rejected) or '{}'}",
        file=file,
    )
    table = stats.acceptance_table()
    if table:
        print("operator            proposed  applicable  valid  accepted  acceptance", file=file)
        for t in table:
            print(
                f"{t['operator']:<18} {t['proposed']:>9} {t['applicable']:>11} {t['valid_after_projection']:>6} "
                f"{t['accepted']:>9} {t['acceptance']:>10.1%}",
                file=file,
            )


def explain(engine, args: argparse.Namespace) -> int:
    from ..mutate.frames import informalize

    ident = args.explain.strip()
    seed, index = args.seed, None
    if re.fullmatch(r"\d+", ident):
        index = int(ident)
    elif m := re.fullmatch(r"(\d+):(\d+)", ident):
        seed, index = int(m.group(1)), int(m.group(2))
    else:
        for i in range(args.scan):
            item = engine.item(seed, i)
            if item.row is not None and item.row["id"] == ident:
                index = i
                break
        if index is None:
            raise ValueError(
                f"--explain {ident}: no row with this id among the first {args.scan} items of seed {seed} "
                f"(at level {args.level}, family {args.family}); pass INDEX or SEED:INDEX, or raise --scan"
            )
    item = engine.item(seed, index)
    print(f"item {index} of seed {seed} ({engine.name}, level {args.level})")
    if item.start is None:
        print(f"no chain: {item.reason}")
        return 1
    print(
        f"\nseed {item.start.seed_id}:\n  {informalize(item.start)}\n  formal: {item.start.problem_string()}"
    )
    for k, (op, state) in enumerate(item.log.chain, 1):
        print(f"\n{k}. {op}:\n  {informalize(state)}\n  formal: {state.problem_string()}")
    print(
        f"\nchosen state: {' -> '.join(item.final.history) or '(the seed)'}; difficulty {item.log.score:g} (target {item.log.target:g})"
    )
    if item.row is not None:
        print(
            f"emitted as {item.row['id']} ({item.row['split']})\n\n{item.row['prompt']}\n\n{item.row['completion']}"
        )
    else:
        print(f"not emitted: gate {item.rejected}: {item.reason}")
    for v in item.variants:  # --variants-per-chain K: the same program with its givens redrawn
        print(f"\nvariant {json.loads(v.row['meta'])['variant']}: {v.row['id']}\n\n{v.row['prompt']}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("mutate", help="mutation-generated problems (projected MCMC over formal programs)")
    p.add_argument(
        "--seeds", default="builtin", help="seed schemas: builtin, a folder of *.json, or one file"
    )
    p.add_argument("--family", default="word", choices=["word", "linear", "system", "quadratic", "expression"],
                   help="word problems (seed schemas), or our rules' linear equations / systems, quadratics, "
                        "or expression problems (expand, factor, simplify)")  # fmt: skip
    p.add_argument("--level", type=int, default=3, help="difficulty 1-5 (6: out of distribution)")
    p.add_argument("-n", type=int, default=100, help="number of rows (default 100)")
    p.add_argument("--seed", type=int, default=0, help="seed (items are a hash of seed and index)")
    p.add_argument(
        "--split", default="train", choices=[*SPLITS, "all"], help="split (by hash of the seed instance)"
    )
    p.add_argument(
        "--operators",
        default=None,
        help="comma-separated operators to use (default: all of the family but compose, which joins two "
        "stories by an equality and is used only when named)",
    )
    p.add_argument("--no-projection", action="store_true", help="ablation: no projection onto the valid set")
    p.add_argument("--second-opinion", default="auto", choices=["auto", "z3", "sympy", "none"],
                   help="solver second opinion on a sample: z3 if installed (auto), sympy, or none")  # fmt: skip
    p.add_argument("--answer-class", default="integer", choices=["integer", "decimal", "fraction"])
    p.add_argument("--variants-per-chain", type=int, default=1, metavar="K",
                   help="word family: up to K rows per chain, the chain's program and K - 1 copies with its "
                        "givens redrawn from their ranges, each re-solved and gated (cheaper rows, fewer "
                        "distinct structures per row; default 1)")  # fmt: skip
    p.add_argument("--rewriter", metavar="MODEL_DIR",
                   help="optional: a local transformers causal LM (a folder, nothing downloaded) rewrites each "
                        "text; a rewrite is kept only if it passes the same gates, else the frame text stays")  # fmt: skip
    p.add_argument("-o", "--output", help="output .jsonl or .parquet (stdout if omitted)")
    p.add_argument("--explain", metavar="ID", help="show one item's chain: INDEX, SEED:INDEX or a row id")
    p.add_argument("--scan", type=int, default=5000, help="items searched for a row id with --explain")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_mutate)
