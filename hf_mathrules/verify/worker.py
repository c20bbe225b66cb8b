"""Worker process: reads JSON requests on stdin, writes one JSON verdict per line.

Started by ``pool.WorkerPool`` with ``python -m hf_mathrules.verify.worker``.  Its address space is capped
with RLIMIT_AS after the imports, so a runaway SymPy computation ends in MemoryError (reported as
too_large) or in the process dying (the pool restarts it); the pool kills it on timeout.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> int:
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    sys.stdout = sys.stderr  # nothing SymPy prints may corrupt the protocol
    import sympy  # noqa: F401  warm import before the memory cap

    from .core import decide_request

    decide_request({"gold": "(x+1)**2", "pred": "x^2+2x+1", "settings": {"extract": False}})  # warm caches
    mem_mb = int(os.environ.get("HF_MATHRULES_WORKER_MEMORY_MB", "0") or 0)
    if mem_mb > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (mem_mb * 2**20, mem_mb * 2**20))
    protocol.write('{"ready": true}\n')
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            out = {"equivalent": None, "reason": "unsupported", "detail": "bad request"}
        else:
            out = decide_request(req)
        protocol.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
