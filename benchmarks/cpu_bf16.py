"""What bf16 costs on this CPU, side by side in one run: a matmul, Muon's Newton-Schulz iteration, and a
training step of the linear-systems recipe's model (12 packed rows of 512 tokens, Muon + AdamW) three ways:

- float32, Newton-Schulz in float32 (what ``MuonWithAdamW`` does on a CPU without hardware bf16),
- float32, Newton-Schulz in bf16 (``torch.optim.Muon`` as shipped),
- bf16 autocast (``--bf16 true``), Newton-Schulz in bf16 (the recipe on a CPU with AVX512-BF16 or AMX).

On a CPU with hardware bf16 the last is the fastest (RESULTS: 1.31-1.69x); on one without (AVX2 only), bf16
is emulated and both bf16 paths are many times slower, which is why ``--bf16 true`` is dropped there and
the iteration runs in float32.

    python benchmarks/cpu_bf16.py            # one thread; --threads 2 on two quiet cores
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this tree's hf_mathrules, also from a worktree


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def rate(fn, seconds: float) -> float:
    """Calls of ``fn`` per second over about ``seconds`` (after one warm-up call)."""
    fn()
    count, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fn()
        count += 1
    return count / (time.perf_counter() - t0)


def matmul(seconds: float) -> dict[str, float]:
    import torch

    out = {}
    for dtype in (torch.float32, torch.bfloat16):
        a, b = torch.randn(512, 512, dtype=dtype), torch.randn(512, 512, dtype=dtype)
        out[str(dtype).removeprefix("torch.")] = round(
            2 * 512**3 * rate(lambda a=a, b=b: a @ b, seconds) / 1e9, 2
        )
    return out


def newton_schulz(seconds: float) -> dict[str, float]:
    import torch
    import torch.optim._muon as torch_muon

    from hf_mathrules.train.optimizers import newton_schulz_float32

    grad, coefficients = torch.randn(256, 128), (3.4445, -4.7750, 2.0315)
    return {
        name: round(1000 / rate(lambda f=f: f(grad, coefficients, 5, 1e-7), seconds), 2)
        for name, f in [
            ("bf16 (torch)", torch_muon._zeropower_via_newtonschulz),
            ("float32", newton_schulz_float32),
        ]
    }


def training_steps(steps: int) -> dict[str, float]:
    """Seconds a step of the recipe's model on random tokens, for each of the three settings."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from hf_mathrules.train.optimizers import MuonFactory

    cfg = LlamaConfig(vocab_size=1100, hidden_size=128, intermediate_size=256, num_hidden_layers=4,
                      num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=1024,
                      tie_word_embeddings=True)  # fmt: skip
    ids = torch.randint(0, 1100, (12, 512), generator=torch.Generator().manual_seed(0))
    positions = torch.tensor([[p for n in (200, 180, 132) for p in range(n)]] * 12)  # three rows a bin
    out = {}
    for name, autocast, float32_ns in [
        ("float32, Newton-Schulz float32", False, True),
        ("float32, Newton-Schulz bf16", False, False),
        ("bf16 autocast, Newton-Schulz bf16", True, False),
    ]:
        torch.manual_seed(0)
        model = LlamaForCausalLM(cfg)
        opt = MuonFactory()(model, lr=5e-3)
        opt.float32_newton_schulz = float32_ns

        def step(model=model, opt=opt, autocast=autocast):
            ctx = torch.autocast("cpu", dtype=torch.bfloat16) if autocast else contextlib.nullcontext()
            with ctx:
                loss = model(input_ids=ids, position_ids=positions, labels=ids, use_cache=False).loss
            loss.backward()
            opt.step()
            opt.zero_grad()

        step()
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        out[name] = round((time.perf_counter() - t0) / steps, 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=3, help="training steps timed per setting")
    ap.add_argument("--seconds", type=float, default=2.0, help="seconds per matmul / iteration timing")
    ap.add_argument("--out", default=None, help="also write the figures as JSON here")
    args = ap.parse_args()
    if args.threads < 1 or args.steps < 1 or args.seconds <= 0:
        ap.error("--threads and --steps must be >= 1 and --seconds > 0")
    import torch

    from hf_mathrules.train.hardware import cpu_has_native_bf16

    torch.set_num_threads(args.threads)
    result = {
        "cpu": cpu_name(), "hardware_bf16": cpu_has_native_bf16(), "threads": args.threads,
        "torch": torch.__version__, "load_average_at_start": os.getloadavg(),
        "matmul_512_gflops": matmul(args.seconds), "newton_schulz_256x128_ms": newton_schulz(args.seconds),
        "train_step_seconds": training_steps(args.steps), "load_average_at_end": os.getloadavg(),
    }  # fmt: skip
    print(json.dumps(result, indent=1))
    steps = result["train_step_seconds"]
    first = steps["float32, Newton-Schulz float32"]
    print("\n| setting | s a step | x the float32 step |\n|---|---|---|")
    for name, s in steps.items():
        print(f"| {name} | {s} | {s / first:.2f} |")
    if args.out:
        tmp = Path(args.out).with_suffix(".tmp")
        tmp.write_text(json.dumps(result, indent=1) + "\n")
        tmp.replace(args.out)


if __name__ == "__main__":
    main()
