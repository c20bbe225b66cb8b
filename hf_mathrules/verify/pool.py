"""A warm pool of worker processes with a hard per-item timeout, usable from any thread.

No signals: each worker is a separate ``python -m hf_mathrules.verify.worker`` process (plain
``subprocess``, so it also works inside daemonic multiprocessing workers and with any start method).
The caller waits on the worker's pipe with ``select``; on timeout the worker is killed (SIGKILL) and a
replacement starts in the background, so the batch goes on.  Memory is capped in the worker with
RLIMIT_AS.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

_PKG_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class PoolConfig:
    size: int = field(default=0, metadata={"help": "worker processes; 0 = min(4, CPU count)"})
    memory_mb: int = field(default=2048, metadata={"help": "RLIMIT_AS of each worker in MiB (0 = none)"})
    start_timeout: float = field(default=120.0, metadata={"help": "seconds a worker may take to start"})


class WorkerDied(Exception):
    pass


class _Worker:
    def __init__(self, cfg: PoolConfig):
        env = dict(os.environ)
        env["PYTHONPATH"] = _PKG_ROOT + os.pathsep + env.get("PYTHONPATH", "")
        env["HF_MATHRULES_WORKER_MEMORY_MB"] = str(cfg.memory_mb)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hf_mathrules.verify.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        self.buf = b""
        line = self.recv(cfg.start_timeout)
        if line is None or not line.get("ready"):
            self.kill()
            raise WorkerDied("worker did not start")

    def send(self, msg: dict) -> None:
        try:
            self.proc.stdin.write((json.dumps(msg) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerDied("worker pipe closed") from exc

    def recv(self, timeout: float) -> dict | None:
        """The next message, None on timeout; raises WorkerDied at end of file."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                raise WorkerDied("worker exited")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line)

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except Exception:
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except Exception:
                pass


class WorkerPool:
    """``call(request, timeout)`` runs one request in a free worker; thread-safe."""

    def __init__(self, config: PoolConfig | None = None):
        self.config = config or PoolConfig()
        self.size = self.config.size or max(1, min(4, os.cpu_count() or 1))
        self.pid = os.getpid()
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._count = 0  # started or starting
        self._closed = False

    def _start_replacement(self) -> None:
        def run():
            try:
                w = _Worker(self.config)
            except Exception:
                with self._cond:
                    self._count -= 1
                    self._cond.notify()
                return
            with self._cond:
                if self._closed:
                    w.kill()
                    return
                self._idle.append(w)
                self._cond.notify()

        threading.Thread(target=run, name="verify-worker-start", daemon=True).start()

    def warm(self, n: int | None = None) -> None:
        """Start workers now (blocking) so the first calls do not pay the start-up."""
        n = min(self.size, n or self.size)
        while True:
            with self._cond:
                if self._count >= n:
                    break
                self._count += 1
            try:
                w = _Worker(self.config)
            except Exception:
                with self._cond:
                    self._count -= 1
                raise
            with self._cond:
                self._idle.append(w)
                self._cond.notify()

    def _acquire(self, wait: float) -> _Worker | None:
        deadline = time.monotonic() + wait
        with self._cond:
            while True:
                if self._closed:
                    raise WorkerDied("pool is closed")
                if self._idle:
                    return self._idle.pop()
                if self._count < self.size:
                    self._count += 1
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)
        try:
            return _Worker(self.config)
        except Exception:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _release(self, w: _Worker, healthy: bool) -> None:
        if healthy:
            with self._cond:
                self._idle.append(w)
                self._cond.notify()
            return
        w.kill()
        with self._cond:
            closed = self._closed
        if closed:
            with self._cond:
                self._count -= 1
            return
        self._start_replacement()  # keeps _count: the replacement takes this worker's place

    def call(self, request: dict, timeout: float, queue_wait: float = 600.0) -> dict:
        """The worker's verdict dict, or a dict with reason ``timeout`` / ``too_large``."""
        w = self._acquire(queue_wait)
        if w is None:
            return {"equivalent": None, "reason": "timeout", "detail": "no free worker"}
        try:
            w.send(request)
            out = w.recv(timeout)
        except WorkerDied as exc:
            self._release(w, healthy=False)
            return {
                "equivalent": None,
                "reason": "too_large",
                "detail": f"worker died ({exc}); likely memory",
            }
        except BaseException:
            self._release(w, healthy=False)
            raise
        if out is None:
            self._release(w, healthy=False)
            return {"equivalent": None, "reason": "timeout", "detail": f"no answer within {timeout:g} s"}
        self._release(w, healthy=True)
        return out

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for w in idle:
            w.kill()


_POOL: WorkerPool | None = None
_POOL_LOCK = threading.Lock()


def get_pool() -> WorkerPool:
    """The process-wide pool (a fresh one after a fork: pipes are never shared between processes)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL.pid != os.getpid() or _POOL._closed:
            size = int(os.environ.get("HF_MATHRULES_VERIFY_WORKERS", "0") or 0)
            mem = int(os.environ.get("HF_MATHRULES_VERIFY_MEMORY_MB", "2048") or 0)
            _POOL = WorkerPool(PoolConfig(size=size, memory_mb=mem))
        return _POOL


def set_pool(pool: WorkerPool | None) -> None:
    global _POOL
    with _POOL_LOCK:
        _POOL = pool


@atexit.register
def _shutdown() -> None:
    if _POOL is not None and _POOL.pid == os.getpid():
        _POOL.close()
