"""What this machine's CPU does in hardware, where it changes how we train."""

from __future__ import annotations

import functools


@functools.cache
def cpu_has_native_bf16() -> bool:
    """Whether this CPU multiplies bf16 matrices in hardware (AVX512-BF16 or AMX).  Without it oneDNN
    emulates them: on an AVX2-only AMD EPYC a bf16 matmul ran ~60x slower than fp32 (1.4 against 85
    GFLOP/s, one thread; RESULTS § Training recipe)."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # an older or oneDNN-less build: ask for the CPU's features
        return any(
            getattr(torch.cpu, name, lambda: False)()
            for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
        )
