"""``--optimizer muon``: Muon on the blocks' matrices, AdamW on the rest, driven by the Trainer's schedule,
saved and resumed with checkpoints."""

import copy

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from hf_mathrules.rules import ConfigError
from hf_mathrules.train.config import parse_train_args
from hf_mathrules.train.optimizers import MuonFactory, muon_parameters, trainer_optimizer


def tiny(tied: bool = True) -> LlamaForCausalLM:
    torch.manual_seed(0)
    cfg = LlamaConfig(
        vocab_size=40, hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=2, tie_word_embeddings=tied,
    )  # fmt: skip
    return LlamaForCausalLM(cfg)


@pytest.mark.parametrize("tied", [True, False])
def test_block_matrices_go_to_muon_and_the_rest_to_adamw(tied):
    model = tiny(tied)
    muon, adamw = muon_parameters(model)
    names = {id(p): n for n, p in model.named_parameters()}
    assert sorted(names[id(p)].split(".")[-2] for p in muon) == sorted(
        ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] * 2
    )
    left = {names[id(p)] for p in adamw}
    assert "model.embed_tokens.weight" in left and all(p.ndim == 1 or "embed" in n or "lm_head" in n
                                                       for n, p in model.named_parameters() if n in left)  # fmt: skip
    assert len(muon) + len(adamw) == len(list(model.parameters()))


def test_the_schedule_reaches_both_halves_and_training_lowers_the_loss():
    model = tiny()
    opt = MuonFactory()(model, lr=1e-2)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 0.5)
    ids = torch.randint(0, 40, (4, 12), generator=torch.Generator().manual_seed(1))
    losses = []
    for _ in range(25):
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        sched.step()
        losses.append(loss.item())
    assert opt.muon.param_groups[0]["lr"] == opt.adamw.param_groups[0]["lr"] == 5e-3
    assert losses[-1] < 0.75 * losses[0]


def test_a_restored_state_takes_the_same_next_step():
    model = tiny()
    opt = MuonFactory()(model, lr=1e-2)
    ids = torch.randint(0, 40, (4, 12), generator=torch.Generator().manual_seed(2))

    def step(m, o):
        m(input_ids=ids, labels=ids).loss.backward()
        o.step()
        o.zero_grad()

    for _ in range(3):
        step(model, opt)
    saved = copy.deepcopy(opt.state_dict())
    twin = copy.deepcopy(model)
    twin_opt = MuonFactory()(twin, lr=5.0)  # wrong lr on purpose: the loaded groups must replace it
    twin_opt.load_state_dict(saved)
    assert twin_opt.muon.param_groups[0]["lr"] == 1e-2
    assert len(twin_opt.state) == len(opt.state) > 0  # momentum buffers and Adam moments came back
    step(model, opt)
    step(twin, twin_opt)
    for a, b in zip(model.parameters(), twin.parameters()):
        assert torch.equal(a, b)
    other = copy.deepcopy(model)
    step(other, MuonFactory()(other, lr=1e-2))  # fresh moments: another step, so the test can fail
    assert any(not torch.equal(a, b) for a, b in zip(model.parameters(), other.parameters()))


def test_optimizer_choice_is_checked_while_parsing(tmp_path):
    from hf_mathrules.train.config import MathRulesArguments

    with pytest.raises(ConfigError, match="unknown --optimizer 'sgd'"):
        MathRulesArguments(optimizer="sgd")
    margs, sft, _ = parse_train_args(["--output_dir", str(tmp_path / "o"), "--optimizer", "muon"])
    assert margs.optimizer == "muon" and trainer_optimizer("adamw", sft) is None
    factory, kwargs = trainer_optimizer("muon", sft)
    assert factory is MuonFactory and kwargs["lr"] == sft.learning_rate


@pytest.mark.parametrize("native_bf16", [True, False])
def test_newton_schulz_runs_in_float32_where_the_cpu_has_no_hardware_bf16(native_bf16, monkeypatch):
    import torch.optim._muon as torch_muon

    from hf_mathrules.train import optimizers

    monkeypatch.setattr(optimizers, "cpu_has_native_bf16", lambda: native_bf16)
    calls = []
    own, float32 = torch_muon._zeropower_via_newtonschulz, optimizers.newton_schulz_float32

    def counting(*args):
        calls.append(1)
        return float32(*args)

    monkeypatch.setattr(optimizers, "newton_schulz_float32", counting)
    model, twin = tiny(), tiny()
    opt = MuonFactory()(model, lr=1e-2)
    assert opt.float32_newton_schulz is (not native_bf16)
    ids = torch.randint(0, 40, (4, 12), generator=torch.Generator().manual_seed(3))
    model(input_ids=ids, labels=ids).loss.backward()
    opt.step()
    assert len(calls) == (0 if native_bf16 else 14)  # one iteration per block matrix (2 blocks x 7)
    assert torch_muon._zeropower_via_newtonschulz is own  # torch's own iteration is back after the step
    # the same update as torch's bf16 iteration, to bf16's precision
    twin_opt = MuonFactory()(twin, lr=1e-2)
    twin_opt.float32_newton_schulz = False
    twin(input_ids=ids, labels=ids).loss.backward()
    twin_opt.step()
    start = tiny()
    for (name, a), b, a0 in zip(model.named_parameters(), twin.parameters(), start.parameters()):
        ours, theirs = a - a0, b - a0
        assert (ours - theirs).norm() <= 0.08 * theirs.norm(), name  # measured 1-4%: bf16's rounding


def test_float32_newton_schulz_orthogonalizes_as_torch_does():
    from hf_mathrules.train.optimizers import newton_schulz_float32

    torch.manual_seed(0)
    coefficients = (3.4445, -4.7750, 2.0315)  # torch.optim.Muon's defaults
    for shape in [(32, 64), (64, 32), (48, 48)]:
        grad = torch.randn(*shape)
        ours = newton_schulz_float32(grad, coefficients, 5, 1e-7)
        theirs = torch.optim._muon._zeropower_via_newtonschulz(grad, coefficients, 5, 1e-7).float()
        assert ours.dtype == torch.float32 and ours.shape == grad.shape
        assert (ours - theirs).abs().max() < 0.05 * theirs.abs().max()  # bf16's rounding, no more
        singular = torch.linalg.svdvals(ours)
        assert 0.5 < singular.min() and singular.max() < 1.5  # Muon's quintic: singular values near 1
