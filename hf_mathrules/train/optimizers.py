"""Muon for a from-scratch model's hidden matrices, AdamW for the rest, as one optimizer the Trainer drives.

Our CPU recipe is limited by tokens, not updates (RESULTS: half the batch for twice the steps, or twice the
learning rate, changed nothing), so what pays is an update that learns more from each token.  Muon
(``torch.optim.Muon``: momentum orthogonalized by Newton-Schulz iterations) is the optimizer of the
speedrun literature for exactly that; it is defined for 2-D weight matrices only, so embeddings, norms and
the output head stay on AdamW, as in its reference implementation.  ``adjust_lr_fn="match_rms_adamw"``
(Moonshot's scaling) lets both halves share the Trainer's learning rate and schedule.

transformers' Trainer takes a *factory* (``optimizer_cls_and_kwargs``: a callable that is not an
``Optimizer`` class is instantiated, then called with the model), and its LR scheduler writes each
``param_groups`` entry's ``lr``: so ``MuonWithAdamW`` is one ``Optimizer`` whose groups and state are the
two inner optimizers' own (the same dicts), and checkpoints save and restore both.

``torch.optim.Muon`` runs its Newton-Schulz iterations in bf16, which a CPU without hardware bf16 emulates
many times slower than fp32 (on an AVX2-only CPU the iterations were 42% of a training step, RESULTS):
there ``MuonWithAdamW`` runs the same iterations in float32.
"""

from __future__ import annotations

import contextlib
from typing import Any

import torch  # this module needs the train extra (tests/test_extras.py), like callbacks.py
import torch.optim._muon as _torch_muon

from .hardware import cpu_has_native_bf16

OPTIMIZERS = ("adamw", "muon")


def muon_parameters(model) -> tuple[list, list]:
    """(Muon's parameters, AdamW's): the 2-D weights inside the transformer blocks go to Muon; embeddings,
    the output head (tied or not), norms and biases to AdamW."""
    head = model.get_output_embeddings()
    skip = {id(model.get_input_embeddings().weight)}
    if head is not None:
        skip.add(id(head.weight))
    muon, adamw = [], []
    for _, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (muon if p.ndim == 2 and id(p) not in skip else adamw).append(p)
    return muon, adamw


def newton_schulz_float32(grad: torch.Tensor, ns_coefficients, ns_steps: int, eps: float) -> torch.Tensor:
    """``torch.optim._muon._zeropower_via_newtonschulz`` (same quintic iteration, same coefficients) in
    float32 instead of bf16."""
    a, b, c = ns_coefficients
    tall = grad.size(0) > grad.size(1)
    x = grad.float().T if tall else grad.float()
    x = x / x.norm().clamp(min=eps)  # spectral norm at most 1
    for _ in range(ns_steps):
        gram = x @ x.T
        x = torch.addmm(x, torch.addmm(gram, gram, gram, beta=b, alpha=c), x, beta=a)
    return x.T if tall else x


@contextlib.contextmanager
def _newton_schulz(fn):
    """torch's Muon step with ``fn`` as its Newton-Schulz iteration (a private name of torch's module:
    where a torch version lacks it, its own iteration runs)."""
    name = "_zeropower_via_newtonschulz"
    own = getattr(_torch_muon, name, None)
    if own is None:
        yield
        return
    setattr(_torch_muon, name, fn)
    try:
        yield
    finally:
        setattr(_torch_muon, name, own)


class MuonWithAdamW(torch.optim.Optimizer):
    """One optimizer over two: ``torch.optim.Muon`` on ``muon_params``, ``torch.optim.AdamW`` on
    ``adamw_params``; ``lr`` and ``weight_decay`` are shared (Muon's step is scaled to AdamW's RMS)."""

    def __init__(
        self,
        muon_params,
        adamw_params,
        lr: float = 1e-3,
        weight_decay: float = 0.0,
        momentum: float = 0.95,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ):
        muon_params, adamw_params = list(muon_params), list(adamw_params)
        if not muon_params:
            raise ValueError("Muon found no 2-D weight matrix to optimize in the model")
        self.muon = torch.optim.Muon(
            muon_params, lr=lr, weight_decay=weight_decay, momentum=momentum, adjust_lr_fn="match_rms_adamw"
        )
        # AdamW's part is empty when every trainable weight is a matrix in a block (e.g. LoRA adapters)
        self.adamw = (
            torch.optim.AdamW(adamw_params, lr=lr, weight_decay=weight_decay, betas=betas, eps=eps)
            if adamw_params
            else None
        )
        # bf16 iterations only where the hardware multiplies bf16 (a GPU, or a CPU with AVX512-BF16/AMX)
        self.float32_newton_schulz = muon_params[0].device.type == "cpu" and not cpu_has_native_bf16()
        super().__init__(muon_params + adamw_params, {"lr": lr, "weight_decay": weight_decay})
        self.param_groups = self.muon.param_groups + (self.adamw.param_groups if self.adamw else [])
        self._share_state()

    def _share_state(self) -> None:
        """The outer state *is* the inner optimizers' (parameters are disjoint, so no key is shared)."""
        self.muon.state = self.state
        if self.adamw is not None:
            self.adamw.state = self.state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)  # new group dicts and state: hand them to the inner optimizers
        n = len(self.muon.param_groups)
        self.muon.param_groups = self.param_groups[:n]
        if self.adamw is not None:
            self.adamw.param_groups = self.param_groups[n:]
        self._share_state()

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        if self.float32_newton_schulz:
            with _newton_schulz(newton_schulz_float32):
                self.muon.step()
        else:
            self.muon.step()
        if self.adamw is not None:
            self.adamw.step()
        return loss


class MuonFactory:
    """What ``Trainer(optimizer_cls_and_kwargs=(MuonFactory, kwargs))`` calls: ``MuonFactory()(model,
    **kwargs)`` builds the optimizer over the model's parameters."""

    def __call__(self, model, **kwargs) -> MuonWithAdamW:
        muon, adamw = muon_parameters(model)
        return MuonWithAdamW(muon, adamw, **kwargs)


def trainer_optimizer(name: str, sft) -> tuple[Any, dict[str, Any]] | None:
    """``optimizer_cls_and_kwargs`` for ``Trainer``: None for AdamW (the Trainer's own ``optim``), the Muon
    factory with the run's learning rate, weight decay and Adam betas for ``muon``."""
    if name == "adamw":
        return None
    if name == "muon":
        return MuonFactory, {
            "lr": sft.learning_rate,
            "weight_decay": sft.weight_decay,
            "betas": (sft.adam_beta1, sft.adam_beta2),
            "eps": sft.adam_epsilon,
        }
    raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
