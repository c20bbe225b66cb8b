"""A warm pool of worker processes with a hard per-item timeout, usable from any thread.

No signals: each worker is a separate ``python -m hf_mathrules.verify.worker`` process (plain
``subprocess``, so it also works inside daemonic multiprocessing workers and with any start method).
The caller waits on the worker's pipe with ``select`` (wall time, so a loaded machine cannot stretch it);
on timeout the worker gets SIGKILL at once and is reaped, and a replacement started, in the background,
so the caller returns right away and the batch goes on.  The pool keeps ``spare`` warm workers beyond
``size``: a request that follows a killed one finds a started worker instead of waiting for a start-up
(importing SymPy takes seconds on busy cores).  Memory is capped in the worker with RLIMIT_AS.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

_PKG_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class PoolConfig:
    size: int = field(default=0, metadata={"help": "worker processes; 0 = min(4, CPU count)"})
    spare: int = field(default=1, metadata={"help": "warm workers kept beyond size, to replace killed ones"})
    memory_mb: int = field(default=2048, metadata={"help": "RLIMIT_AS of each worker in MiB (0 = none)"})
    fork_server: bool = field(
        default=True, metadata={"help": "fork workers from a warm server (else start each interpreter)"}
    )
    start_timeout: float = field(default=120.0, metadata={"help": "seconds a worker may take to start"})


class WorkerDied(Exception):
    pass


def _env(cfg: PoolConfig) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = _PKG_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["HF_MATHRULES_WORKER_MEMORY_MB"] = str(cfg.memory_mb)
    return env


class _Forked:
    """A worker forked by the zygote (not this process's child): ``Popen``'s kill/poll/wait by pidfd."""

    def __init__(self, pid: int):
        self.pid = pid
        self._gone = False
        try:
            self._pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = None
        else:
            # Closed only when this object goes: the reaper thread's wait and a caller's poll may
            # select on it at the same time, and closing it under one fails the other (EBADF).
            weakref.finalize(self, os.close, self._pidfd)

    def kill(self) -> None:
        if self._gone:
            return
        try:
            if self._pidfd is not None:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass

    def poll(self) -> int | None:
        return -signal.SIGKILL if self._wait(0) else None

    def wait(self, timeout: float | None = None) -> int:
        if not self._wait(timeout):
            raise subprocess.TimeoutExpired("worker", timeout)
        return -signal.SIGKILL

    def _wait(self, timeout: float | None) -> bool:
        """True once the process is gone (the zygote's kernel-side reaping: no zombie lingers)."""
        if self._gone:
            return True
        if self._pidfd is not None:
            if select.select([self._pidfd], [], [], timeout)[0]:
                self._gone = True
            return self._gone
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self._gone = True
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.01)


class _Zygote:
    """The fork server (``worker --zygote``): SymPy imported once, a worker forked per request."""

    def __init__(self, cfg: PoolConfig):
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = _env(cfg)
        env["HF_MATHRULES_ZYGOTE_FD"] = str(child.fileno())
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hf_mathrules.verify.worker", "--zygote"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            pass_fds=[child.fileno()],
        )
        child.close()
        self.sock = parent
        self.lock = threading.Lock()
        ready, _, _ = select.select([parent], [], [], cfg.start_timeout)
        if not ready or parent.recv(1) != b"R":
            self.close()
            raise WorkerDied("fork server did not start")

    def fork(self) -> socket.socket:
        """A connected socket to a newly forked worker (its ready line still to read)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self.lock:
                socket.send_fds(self.sock, [b"f"], [theirs.fileno()])
        except OSError as exc:
            ours.close()
            raise WorkerDied("fork server gone") from exc
        finally:
            theirs.close()
        return ours

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        try:
            self.sock.close()
            self.proc.kill()
            self.proc.wait(timeout=5)
        except Exception:
            pass


class _Worker:
    def __init__(self, cfg: PoolConfig, zygote: _Zygote | None = None):
        self.buf = b""
        self.sock = None
        if zygote is not None:  # forked from the warm server: milliseconds
            self.sock = zygote.fork()
            self.fd = self.sock.fileno()
            self.proc = None
        else:  # a new interpreter: seconds
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "hf_mathrules.verify.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_env(cfg),
                close_fds=True,
            )
            self.fd = self.proc.stdout.fileno()
        try:
            line = self.recv(cfg.start_timeout)
        except WorkerDied:
            line = None
        if line is not None and self.proc is None and line.get("pid"):
            self.proc = _Forked(int(line["pid"]))
        if line is None or not line.get("ready") or self.proc is None:
            self.kill()
            raise WorkerDied("worker did not start")

    def send(self, msg: dict) -> None:
        data = (json.dumps(msg) + "\n").encode()
        try:
            if self.sock is not None:
                self.sock.sendall(data)
            else:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerDied("worker pipe closed") from exc

    def recv(self, timeout: float) -> dict | None:
        """The next message, None on timeout; raises WorkerDied at end of file."""
        deadline = time.monotonic() + timeout
        fd = self.fd
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            try:
                chunk = os.read(fd, 65536)
            except OSError as exc:
                raise WorkerDied("worker channel broken") from exc
            if not chunk:
                raise WorkerDied("worker exited")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return json.loads(line)

    def signal_kill(self) -> None:
        """SIGKILL now, without waiting for the process to go (``kill`` reaps it)."""
        try:
            if self.proc is not None:
                self.proc.kill()
        except Exception:
            pass

    def kill(self) -> None:
        try:
            if self.proc is not None:
                self.proc.kill()
                self.proc.wait(timeout=5)
        except Exception:
            pass
        files = [self.sock] if self.sock is not None else [self.proc.stdin, self.proc.stdout]
        for f in files:
            try:
                f.close()
            except Exception:
                pass


class WorkerPool:
    """``call(request, timeout)`` runs one request in a free worker; thread-safe."""

    def __init__(self, config: PoolConfig | None = None):
        self.config = config or PoolConfig()
        self.size = self.config.size or max(1, min(4, os.cpu_count() or 1))
        self.capacity = self.size + max(0, self.config.spare)  # processes kept: busy + warm spares
        self.pid = os.getpid()
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._count = 0  # started or starting
        self._closed = False
        self._zygote: _Zygote | None = None
        self._zygote_failed = not (self.config.fork_server and hasattr(socket, "send_fds"))
        self._zygote_lock = threading.Lock()

    def _new_worker(self) -> _Worker:
        """A started worker: forked from the warm server, or a new interpreter when there is none."""
        zygote = self._get_zygote()
        if self._closed:  # a replacement racing close() (or interpreter exit) starts nothing
            raise WorkerDied("pool is closed")
        if zygote is not None:
            try:
                return _Worker(self.config, zygote)
            except WorkerDied:
                if zygote.alive():
                    raise
        return _Worker(self.config)

    def _get_zygote(self) -> _Zygote | None:
        with self._zygote_lock:
            if self._zygote_failed or self._closed:
                return None
            if self._zygote is None or not self._zygote.alive():
                try:
                    self._zygote = _Zygote(self.config)
                except Exception:
                    self._zygote, self._zygote_failed = None, True  # no fork server: spawn instead
            return self._zygote

    def _start_replacement(self, dead: _Worker | None = None) -> None:
        """Start one worker in the background (its slot is already counted); ``dead`` is reaped first."""

        def run():
            if dead is not None:
                dead.kill()
            try:
                w = self._new_worker()
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

    def _top_up_locked(self) -> None:
        """Keep the spares: start a worker in the background while fewer than ``capacity`` exist."""
        if not self._closed and self._count < self.capacity and not self._idle:
            self._count += 1
            self._start_replacement()

    def warm(self, n: int | None = None) -> None:
        """Start workers now (blocking) so the first calls do not pay the start-up: ``size`` and the
        spares by default."""
        n = min(self.capacity, n or self.capacity)
        while True:
            with self._cond:
                if self._count >= n:
                    break
                self._count += 1
            try:
                w = self._new_worker()
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
                    w = self._idle.pop()
                    self._top_up_locked()
                    return w
                if self._count < self.capacity:
                    self._count += 1
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)
        try:
            w = self._new_worker()
        except Exception:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise
        with self._cond:
            self._top_up_locked()
        return w

    def _release(self, w: _Worker, healthy: bool) -> None:
        if healthy:
            with self._cond:
                self._idle.append(w)
                self._cond.notify()
            return
        w.signal_kill()  # the caller does not wait for the process to go: reaped in the background
        with self._cond:
            closed = self._closed
            if closed:
                self._count -= 1
        if closed:
            threading.Thread(target=w.kill, name="verify-worker-reap", daemon=True).start()
            return
        self._start_replacement(dead=w)  # keeps _count: the replacement takes this worker's place

    def call(self, request: dict, timeout: float, queue_wait: float = 600.0) -> dict:
        """The worker's verdict dict, or a dict with reason ``timeout`` / ``too_large``.

        ``timeout`` is wall time from the moment a started worker has the request: waiting for a free
        worker (``queue_wait``) is not counted against it."""
        w = self._acquire(queue_wait)
        if w is None:
            return {"equivalent": None, "reason": "timeout", "detail": "no free worker"}
        start = time.monotonic()
        try:
            w.send(request)  # counted: a megabyte of text takes a while to cross on busy cores
            out = w.recv(timeout - (time.monotonic() - start))
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
        with self._zygote_lock:
            if self._zygote is not None:
                self._zygote.close()
                self._zygote = None


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
