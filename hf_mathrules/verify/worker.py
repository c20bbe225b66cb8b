"""Worker process: reads JSON requests, writes one JSON verdict per line.

Started by ``pool.WorkerPool`` in one of two ways:

* ``python -m hf_mathrules.verify.worker``: one worker on stdin/stdout;
* ``python -m hf_mathrules.verify.worker --zygote``: a fork server.  It imports SymPy and warms the
  caches once, then, for every file descriptor the pool passes over its Unix socket (``SCM_RIGHTS``),
  forks a worker that speaks the same protocol on that socket.  A fork of a warm process is ready in
  milliseconds, where a new interpreter needs seconds on busy cores: a worker killed on timeout is
  replaced before the next request needs it.

A worker's address space is capped with RLIMIT_AS after the imports, so a runaway SymPy computation ends
in MemoryError (reported as too_large) or in the process dying (the pool restarts it); the pool kills it
on timeout.
"""

from __future__ import annotations

import json
import os
import sys


def _warm_up() -> None:
    import sympy  # noqa: F401  warm import before the memory cap

    from .core import decide_request

    decide_request({"gold": "(x+1)**2", "pred": "x^2+2x+1", "settings": {"extract": False}})  # warm caches


def _cap_memory() -> None:
    mem_mb = int(os.environ.get("HF_MATHRULES_WORKER_MEMORY_MB", "0") or 0)
    if mem_mb > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (mem_mb * 2**20, mem_mb * 2**20))


def _serve(infile, write) -> None:
    from .core import decide_request

    for line in infile:
        try:
            req = json.loads(line)
        except ValueError:
            out = {"equivalent": None, "reason": "unsupported", "detail": "bad request"}
        else:
            out = decide_request(req)
        write((json.dumps(out) + "\n").encode())


def _zygote(fd: int) -> int:
    import signal
    import socket

    server = socket.socket(fileno=fd)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the forked workers
    server.sendall(b"R")
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(server, 1, 1)
        except OSError:
            return 0
        if not msg:  # the pool is gone
            return 0
        if not fds:
            continue
        pid = os.fork()
        if pid == 0:  # the worker: its own socket is its protocol, nothing else of the server's
            code = 0
            try:
                server.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                channel = socket.socket(fileno=fds[0])
                _cap_memory()
                channel.sendall((json.dumps({"ready": True, "pid": os.getpid()}) + "\n").encode())
                _serve(channel.makefile("rb"), channel.sendall)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        for f in fds:
            os.close(f)


def main() -> int:
    stdout = os.fdopen(os.dup(1), "wb", buffering=0)
    sys.stdout = sys.stderr  # nothing SymPy prints may corrupt the protocol
    _warm_up()
    if "--zygote" in sys.argv[1:]:
        return _zygote(int(os.environ["HF_MATHRULES_ZYGOTE_FD"]))
    _cap_memory()
    stdout.write(b'{"ready": true}\n')
    _serve(sys.stdin.buffer, stdout.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
