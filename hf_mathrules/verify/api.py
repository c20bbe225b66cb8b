"""Public functions: ``verify``, ``verify_steps``, ``verify_batch``.  Results, never exceptions."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from .core import Settings, fast_decide, prepare
from .limits import Limits, VerifyError
from .pool import WorkerPool, get_pool
from .verdict import Verdict, refusal

DEFAULT_TIMEOUT = 5.0
# texts longer than this (gold + pred, characters) are searched and parsed in the worker, under its
# wall-clock timeout, not here: ~1 MB of answer search is a second of CPU on busy cores, which no kill
# could bound in the caller
IN_WORKER_CHARS = 32_768


def _settings(kind, form, rel_tol, extract, limits) -> Settings:
    return Settings(kind=kind, form=form, rel_tol=rel_tol, extract=extract, limits=limits or Limits())


def verify(
    gold: str,
    pred: str,
    *,
    kind: str = "auto",
    form: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    rel_tol: float = 1e-6,
    extract: bool = True,
    limits: Limits | None = None,
    pool: WorkerPool | None = None,
) -> Verdict:
    """Is ``pred`` equivalent to ``gold`` (and, with ``form``, written in that form)?

    Parsing and the exact rational fast path run here (bounded by ``limits``); anything that needs SymPy
    runs in a worker process killed when ``timeout`` seconds of wall time have passed since this call
    began (the parsing here counts; waiting for a free worker when every one is busy does not).
    Thread-safe; never raises on bad input.
    """
    t0 = time.perf_counter()
    try:
        s = _settings(kind, form, rel_tol, extract, limits)
        if isinstance(gold, str) and isinstance(pred, str) and len(gold) + len(pred) > IN_WORKER_CHARS:
            req = {"gold": gold, "pred": pred, "settings": s.to_dict()}  # text in: parsed in the worker
            out = (pool or get_pool()).call(req, timeout=timeout)
            return _worker_verdict(out, kind, form, "", "", t0)
        try:
            prep = prepare(gold, pred, s)
        except VerifyError as exc:
            return refusal(
                exc.reason, str(exc), kind=kind, form=form, path="fast", seconds=time.perf_counter() - t0
            )
        fast = fast_decide(prep, s)
        if fast is not None:
            return replace(fast, seconds=time.perf_counter() - t0)
        req = {  # the parsed trees travel: the worker never parses the text again
            "prepared": prep.to_dict(),
            "settings": {**replace(s, extract=False).to_dict(), "kind": prep.kind},
        }
        left = timeout - (time.perf_counter() - t0)  # the worker gets what the parsing left
        if left <= 0:
            return refusal(
                "timeout",
                f"no time left for the comparison after {time.perf_counter() - t0:.2f} s of parsing",
                kind=prep.kind,
                form=form,
                path="fast",
                seconds=time.perf_counter() - t0,
            )
        out = (pool or get_pool()).call(req, timeout=left)
        return _worker_verdict(out, prep.kind, form, prep.gold_text, prep.pred_text, t0)
    except (MemoryError, RecursionError) as exc:
        return refusal(
            "too_large", type(exc).__name__, kind=kind, form=form, seconds=time.perf_counter() - t0
        )
    except Exception as exc:  # a bug must not take down an RL loop: report it as undecided
        return refusal(
            "unsupported",
            f"{type(exc).__name__}: {str(exc)[:200]}",
            kind=kind,
            form=form,
            seconds=time.perf_counter() - t0,
        )


def _worker_verdict(out: dict, kind: str, form, gold: str, pred: str, t0: float) -> Verdict:
    out.setdefault("kind", kind)
    out.setdefault("gold", gold)
    out.setdefault("pred", pred)
    out.setdefault("form", form)
    out["path"] = "worker"
    return replace(Verdict.from_dict(out), seconds=time.perf_counter() - t0)


@dataclass(frozen=True)
class StepsResult:
    """``first_bad`` is the 0-based index of the first step not equivalent to the one before it (step 0 is
    compared with the problem), or None when every step checks out."""

    first_bad: int | None
    verdicts: list[Verdict]

    @property
    def ok(self) -> bool:
        return self.first_bad is None


def verify_steps(
    problem: str,
    steps: Sequence[str],
    *,
    kind: str = "auto",
    timeout: float = DEFAULT_TIMEOUT,
    stop_at_first: bool = True,
    **kwargs,
) -> StepsResult:
    """Check a derivation: each step against the one before (the first against the problem)."""
    verdicts: list[Verdict] = []
    first_bad = None
    chain = [problem, *steps]
    for i in range(1, len(chain)):
        v = verify(chain[i - 1], chain[i], kind=kind, timeout=timeout, extract=False, **kwargs)
        verdicts.append(v)
        if v.equivalent is not True and first_bad is None:
            first_bad = i - 1
            if stop_at_first:
                break
    return StepsResult(first_bad, verdicts)


def verify_batch(
    pairs: Iterable,
    *,
    kind: str = "auto",
    form: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int | None = None,
    progress: bool = False,
    **kwargs,
) -> list[Verdict]:
    """Verdicts for many ``(gold, pred)`` pairs or ``{"gold", "pred"[, "kind", "form"]}`` dicts, in order.

    Threads feed the warm worker pool; an item that times out is killed and the batch continues.
    """
    items = list(pairs)
    pool = get_pool() if kwargs.get("pool") is None else kwargs["pool"]
    n_threads = workers or pool.size

    def one(item) -> Verdict:
        if isinstance(item, dict):
            return verify(
                item.get("gold"),
                item.get("pred"),
                kind=item.get("kind", kind),
                form=item.get("form", form),
                timeout=timeout,
                **{k: v for k, v in kwargs.items() if k != "pool"},
                pool=pool,
            )
        gold, pred = item
        return verify(
            gold,
            pred,
            kind=kind,
            form=form,
            timeout=timeout,
            pool=pool,
            **{k: v for k, v in kwargs.items() if k != "pool"},
        )

    with ThreadPoolExecutor(max_workers=max(1, n_threads)) as ex:
        it = ex.map(one, items)
        if progress:
            from tqdm import tqdm

            it = tqdm(it, total=len(items), desc="verifying", unit="pair")
        return list(it)
