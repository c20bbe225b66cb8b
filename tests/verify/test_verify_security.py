"""Untrusted text never executes, time and memory are bounded from any thread, and a batch survives a
killed item."""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hf_mathrules.verify import get_pool, verify, verify_batch

# equal, within the parser limits, but expanding the difference takes SymPy far too long
SLOW_GOLD, SLOW_PRED = "(x^2+2x+1+y+z)^150", "((x+1)^2+y+z)^150"


def payloads(canary: Path) -> list[str]:
    c = str(canary)
    return [
        f"__import__('os').system('touch {c}')",
        f"().__class__.__base__.__subclasses__()[0]('touch {c}')",
        f"(lambda: __import__('os').system('touch {c}'))()",
        f"eval(\"__import__('os').system('touch {c}')\")",
        f"exec('import os; os.system(\"touch {c}\")')",
        f"Symbol('x').__class__.__init__.__globals__['os'].system('touch {c}')",
        f"\\boxed{{__import__('os').system('touch {c}')}}",
        f"Answer: __import__('os').system('touch {c}')",
    ]


def test_payloads_never_run(tmp_path):
    canary = tmp_path / "CANARY"
    for gold in ("2", "x + 1", "x = 1"):
        for v in verify_batch([(gold, p) for p in payloads(canary)]):
            assert v.equivalent is not True
    assert not canary.exists()


def test_timeout_kills_and_the_batch_continues():
    t = time.perf_counter()
    out = verify_batch([(SLOW_GOLD, SLOW_PRED), ("x+1", "1+x"), ("x = -2", "2x + 4 = 0")], timeout=1.0)
    assert out[0].reason == "timeout" and out[0].equivalent is None
    assert out[1].equivalent and out[2].equivalent
    assert time.perf_counter() - t < 15


def test_timeout_works_from_threads():
    def one(_):
        t = time.perf_counter()
        v = verify(SLOW_GOLD, SLOW_PRED, timeout=0.5)
        return v, time.perf_counter() - t

    with ThreadPoolExecutor(2) as ex:
        results = list(ex.map(one, range(2)))
    for v, seconds in results:
        assert v.reason == "timeout"
        assert seconds < 0.5 + 10  # includes waiting for a free (restarting) worker on 2 busy cores


@pytest.mark.skipif(not Path("/proc/self/limits").exists(), reason="needs /proc")
def test_workers_have_a_memory_cap():
    pool = get_pool()
    w = pool._acquire(60)
    pool._release(w, healthy=True)
    limits = Path(f"/proc/{w.proc.pid}/limits").read_text()
    line = next(x for x in limits.splitlines() if x.startswith("Max address space"))
    assert line.split()[3] != "unlimited"
    assert int(line.split()[3]) <= pool.config.memory_mb * 2**20
    assert w.proc.pid != os.getpid()
