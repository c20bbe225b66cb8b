"""``mathrules verify``: check one GOLD/PRED pair, or every row of a JSONL file, with the safe checker."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from ..verify import FORMS, KINDS, Verdict, verify, verify_batch


def _line(v: Verdict) -> str:
    state = {True: "EQUIVALENT", False: "NOT EQUIVALENT", None: "UNDECIDED"}[v.equivalent]
    detail = f" ({v.detail})" if v.detail else ""
    return f"{state}: {v.reason}{detail} [kind={v.kind}, {v.seconds * 1000:.1f} ms]"


def cmd_verify(args: argparse.Namespace) -> int:
    if args.file:
        if args.gold is not None or args.pred is not None:
            raise ValueError("give either GOLD PRED or --file, not both")
        return _verify_file(args)
    if args.gold is None or args.pred is None:
        raise ValueError("give GOLD and PRED, or --file preds.jsonl")
    v = verify(args.gold, args.pred, kind=args.kind, form=args.form, timeout=args.timeout)
    print(json.dumps(v.to_dict(), ensure_ascii=False) if args.json else _line(v))
    return 0 if v.equivalent else 1


def _verify_file(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    items = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict) or args.gold_field not in row or args.pred_field not in row:
                raise ValueError(f"{path}:{n}: needs the fields {args.gold_field!r} and {args.pred_field!r}")
            items.append(
                {
                    "gold": str(row[args.gold_field]),
                    "pred": str(row[args.pred_field]),
                    "kind": row.get("kind", args.kind),
                    "form": row.get("form", args.form),
                }
            )
    verdicts = verify_batch(items, timeout=args.timeout, progress=not args.quiet)
    for i, v in enumerate(verdicts, 1):
        print(json.dumps({"line": i, **v.to_dict()}, ensure_ascii=False) if args.json else f"{i}: {_line(v)}")
    counts = Counter(v.reason for v in verdicts)
    ok = sum(v.equivalent is True for v in verdicts)
    total = len(verdicts)
    print(
        f"{ok}/{total} equivalent ({100.0 * ok / max(total, 1):.1f}%); "
        + ", ".join(f"{k}={counts[k]}" for k in sorted(counts)),
        file=sys.stderr,
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="check predicted answers against references (safe, bounded)")
    p.add_argument("gold", nargs="?", help="reference answer (plain, SymPy-style or LaTeX)")
    p.add_argument("pred", nargs="?", help="predicted answer or a full completion")
    p.add_argument("--file", help="JSONL file with one {gold, pred[, kind, form]} object per line")
    p.add_argument("--gold-field", default="gold", help="field of the reference in --file rows")
    p.add_argument("--pred-field", default="pred", help="field of the prediction in --file rows")
    p.add_argument("--kind", default="auto", choices=[*KINDS, "number"], help="answer kind (default: detect)")
    p.add_argument("--form", default=None, choices=FORMS, help="also require this form of the prediction")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds per pair (hard limit, default 5)")
    p.add_argument("--json", action="store_true", help="print verdicts as JSON lines")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_verify)
