#!/usr/bin/env python3
"""Write golden learning-rate sequences produced by PyTorch itself.

Each case pairs an lr-compare scheduler spec with the PyTorch scheduler that
spec claims to reproduce, steps that PyTorch scheduler the way a training loop
does, and records the learning rate the optimizer uses during every step:

    for i in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])   # rate used during step i
        optimizer.step()
        scheduler.step()            # or scheduler.step(metrics[i]) for plateau

Output: test/fixtures/schedules/<scheduler>.json, one file per scheduler, each
recording the torch version. The TypeScript tests read these files, so running
the tests never needs Python. Regenerate with:

    python3 scripts/golden/generate.py          # needs `pip install torch`

Every PyTorch constructor below spells out every argument, defaults included:
that is how the tests also pin lr-compare's defaults (for example, a bare
`step` must equal StepLR(step_size=20, gamma=0.5)).
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path
from typing import Callable

import torch
from torch.optim import SGD
from torch.optim.lr_scheduler import (
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    CyclicLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    LRScheduler,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
    ChainedScheduler,
)

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "test" / "fixtures" / "schedules"

# Deprecation and ordering warnings are about training code, not about the values.
warnings.filterwarnings("ignore")

Factory = Callable[[torch.optim.Optimizer], LRScheduler]


def context(base_lr: float, epochs: int, batches_per_epoch: int = 1) -> dict:
    return {"baseLr": base_lr, "epochs": epochs, "batchesPerEpoch": batches_per_epoch}


def new_optimizer(base_lr: float, optimizer: str = "sgd") -> torch.optim.Optimizer:
    # One dummy parameter: schedulers only read and write param_groups[0]["lr"] (and the momentum).
    params = [torch.zeros(1, requires_grad=True)]
    if optimizer == "momentum":
        return SGD(params, lr=base_lr, momentum=0.9)
    if optimizer == "adam":
        return torch.optim.Adam(params, lr=base_lr)
    return SGD(params, lr=base_lr)


def momentum_of(optimizer: torch.optim.Optimizer) -> float:
    """The momentum the optimizer's next step uses: SGD's momentum, Adam's beta1."""
    group = optimizer.param_groups[0]
    return float(group["betas"][0] if "betas" in group else group["momentum"])


def closed_form_case(spec: str, ctx: dict, steps: int, factory: Factory, torch_call: str,
                     warmup: int = 0, warmup_start: float = 1.0 / 3, optimizer_name: str = "sgd") -> dict:
    """A step-driven schedule; with warmup, exactly SequentialLR([LinearLR, S], [warmup]).

    With optimizer_name "momentum" (SGD, momentum=0.9) or "adam", the case also records the
    momentum (SGD's momentum, Adam's beta1) used during every step: what CyclicLR and
    OneCycleLR cycle when cycle_momentum=True.
    """
    optimizer = new_optimizer(ctx["baseLr"], optimizer_name)
    if warmup > 0:
        # The list literal builds LinearLR first, then S: PyTorch's results depend on that
        # order (e.g. OneCycleLR overwrites group["initial_lr"], CyclicLR does not).
        scheduler = SequentialLR(
            optimizer,
            [LinearLR(optimizer, start_factor=warmup_start, end_factor=1.0, total_iters=warmup),
             factory(optimizer)],
            milestones=[warmup],
        )
        torch_call = (f"SequentialLR([LinearLR(start_factor={warmup_start!r}, end_factor=1.0, "
                      f"total_iters={warmup}), {torch_call}], milestones=[{warmup}])")
    else:
        scheduler = factory(optimizer)
    lrs = []
    momentums = []
    for _ in range(steps):
        lrs.append(float(optimizer.param_groups[0]["lr"]))
        momentums.append(momentum_of(optimizer))
        optimizer.step()
        scheduler.step()
    case = {"spec": spec, "context": ctx, "steps": steps, "torch": torch_call, "lr": lrs}
    if optimizer_name != "sgd":
        case["optimizer"] = optimizer_name
        case["momentum"] = momentums
    return case


def plateau_case(spec: str, ctx: dict, metrics: list[float], torch_kwargs: dict,
                 warmup: int = 0, warmup_start: float = 1.0 / 3) -> dict:
    """ReduceLROnPlateau fed metrics[i] at the end of step i.

    PyTorch's SequentialLR refuses ReduceLROnPlateau, so lr-compare defines warmup
    for plateau itself: LinearLR's ramp for `warmup` epochs (metrics seen at the end
    of those epochs are ignored), then a fresh ReduceLROnPlateau starting at base_lr.
    """
    steps = len(metrics) + 1  # the last metric can only change the step after it
    optimizer = new_optimizer(ctx["baseLr"])
    warmup_scheduler = (LinearLR(optimizer, start_factor=warmup_start, end_factor=1.0,
                                 total_iters=warmup) if warmup > 0 else None)
    plateau = None
    lrs = []
    for i in range(steps):
        if i == warmup:
            optimizer.param_groups[0]["lr"] = ctx["baseLr"]
            plateau = ReduceLROnPlateau(optimizer, **torch_kwargs)
        lrs.append(float(optimizer.param_groups[0]["lr"]))
        optimizer.step()
        if i == steps - 1:
            break
        if plateau is not None:
            plateau.step(metrics[i])
        else:
            warmup_scheduler.step()
    args = ", ".join(f"{k}={v!r}" for k, v in torch_kwargs.items())
    call = f"ReduceLROnPlateau({args})"
    if warmup > 0:
        call = (f"LinearLR(start_factor={warmup_start!r}, total_iters={warmup}) for {warmup} epochs, "
                f"then a fresh {call} at base_lr")
    return {"spec": spec, "context": ctx, "steps": steps, "metrics": metrics, "torch": call, "lr": lrs}


# ---------------------------------------------------------------------------
# Cases, one list per scheduler. Each factory builds the PyTorch scheduler the
# spec must reproduce; the torch_call string is for humans reading a fixture.
# ---------------------------------------------------------------------------

def step_cases() -> list[dict]:
    return [
        closed_form_case("step", context(0.1, 70), 70,
                         lambda o: StepLR(o, step_size=20, gamma=0.5), "StepLR(step_size=20, gamma=0.5)"),
        closed_form_case("step:step_size=3,gamma=0.1", context(0.05, 12), 12,
                         lambda o: StepLR(o, step_size=3, gamma=0.1), "StepLR(step_size=3, gamma=0.1)"),
        closed_form_case("step:step_size=7,gamma=0.8,unit=batch", context(0.2, 3, 10), 30,
                         lambda o: StepLR(o, step_size=7, gamma=0.8), "StepLR(step_size=7, gamma=0.8)"),
        closed_form_case("step:step_size=5,gamma=0.5,warmup=4,warmup_start=0.1", context(0.1, 25), 25,
                         lambda o: StepLR(o, step_size=5, gamma=0.5), "StepLR(step_size=5, gamma=0.5)",
                         warmup=4, warmup_start=0.1),
    ]


def multistep_cases() -> list[dict]:
    return [
        closed_form_case("multistep:milestones=30|60|90,gamma=0.1", context(0.1, 100), 100,
                         lambda o: MultiStepLR(o, milestones=[30, 60, 90], gamma=0.1),
                         "MultiStepLR(milestones=[30, 60, 90], gamma=0.1)"),
        closed_form_case("multistep:milestones=2|5", context(0.01, 8), 8,
                         lambda o: MultiStepLR(o, milestones=[2, 5], gamma=0.1),
                         "MultiStepLR(milestones=[2, 5], gamma=0.1)"),
        # Default milestones: 50% and 75% of the schedule's steps (40 epochs -> 20 and 30).
        closed_form_case("multistep", context(0.1, 40), 40,
                         lambda o: MultiStepLR(o, milestones=[20, 30], gamma=0.1),
                         "MultiStepLR(milestones=[20, 30], gamma=0.1)"),
        # With warmup the defaults are taken over the 36 steps after it: 18 and 27.
        closed_form_case("multistep:gamma=0.5,warmup=4", context(0.1, 40), 40,
                         lambda o: MultiStepLR(o, milestones=[18, 27], gamma=0.5),
                         "MultiStepLR(milestones=[18, 27], gamma=0.5)", warmup=4),
        # Short runs: 3 steps -> floor(1.5) = 1 and floor(2.25) = 2; 2 steps -> 1 and 1, one milestone
        # (a repeated milestone would multiply by gamma twice); 1 step -> 0 and 0, none (milestones are >= 1).
        closed_form_case("multistep", context(0.1, 3), 3,
                         lambda o: MultiStepLR(o, milestones=[1, 2], gamma=0.1), "MultiStepLR(milestones=[1, 2], gamma=0.1)"),
        closed_form_case("multistep", context(0.1, 2), 2,
                         lambda o: MultiStepLR(o, milestones=[1], gamma=0.1), "MultiStepLR(milestones=[1], gamma=0.1)"),
        closed_form_case("multistep", context(0.1, 1), 1,
                         lambda o: MultiStepLR(o, milestones=[], gamma=0.1), "MultiStepLR(milestones=[], gamma=0.1)"),
    ]


def exponential_cases() -> list[dict]:
    return [
        closed_form_case("exponential", context(0.1, 50), 50,
                         lambda o: ExponentialLR(o, gamma=0.95), "ExponentialLR(gamma=0.95)"),
        closed_form_case("exponential:gamma=0.5", context(1.0, 20), 20,
                         lambda o: ExponentialLR(o, gamma=0.5), "ExponentialLR(gamma=0.5)"),
        closed_form_case("exponential:gamma=0.99,unit=batch", context(0.05, 4, 50), 200,
                         lambda o: ExponentialLR(o, gamma=0.99), "ExponentialLR(gamma=0.99)"),
        closed_form_case("exponential:gamma=0.9,warmup=3,warmup_start=0.5", context(0.1, 20), 20,
                         lambda o: ExponentialLR(o, gamma=0.9), "ExponentialLR(gamma=0.9)",
                         warmup=3, warmup_start=0.5),
    ]


def cosine_cases() -> list[dict]:
    return [
        # Default T_max: the run's length in its unit.
        closed_form_case("cosine", context(0.1, 50), 50,
                         lambda o: CosineAnnealingLR(o, T_max=50, eta_min=0.0),
                         "CosineAnnealingLR(T_max=50, eta_min=0.0)"),
        # Past T_max PyTorch's cosine climbs back (period 2*T_max): 35 steps of T_max=10.
        closed_form_case("cosine:t_max=10,eta_min=0.001", context(0.1, 35), 35,
                         lambda o: CosineAnnealingLR(o, T_max=10, eta_min=0.001),
                         "CosineAnnealingLR(T_max=10, eta_min=0.001)"),
        closed_form_case("cosine:t_max=7,eta_min=0.01", context(0.05, 30), 30,
                         lambda o: CosineAnnealingLR(o, T_max=7, eta_min=0.01),
                         "CosineAnnealingLR(T_max=7, eta_min=0.01)"),
        closed_form_case("cosine:unit=batch", context(0.1, 4, 25), 100,
                         lambda o: CosineAnnealingLR(o, T_max=100, eta_min=0.0),
                         "CosineAnnealingLR(T_max=100, eta_min=0.0)"),
        # With warmup, the default T_max is the run's steps after warmup (30 - 5).
        closed_form_case("cosine:warmup=5", context(0.1, 30), 30,
                         lambda o: CosineAnnealingLR(o, T_max=25, eta_min=0.0),
                         "CosineAnnealingLR(T_max=25, eta_min=0.0)", warmup=5),
    ]


def cosine_restarts_cases() -> list[dict]:
    return [
        closed_form_case("cosine_restarts:t_0=5", context(0.1, 23), 23,
                         lambda o: CosineAnnealingWarmRestarts(o, T_0=5, T_mult=1, eta_min=0.0),
                         "CosineAnnealingWarmRestarts(T_0=5, T_mult=1, eta_min=0.0)"),
        closed_form_case("cosine_restarts:t_0=3,t_mult=2,eta_min=0.001", context(0.1, 50), 50,
                         lambda o: CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
                         "CosineAnnealingWarmRestarts(T_0=3, T_mult=2, eta_min=0.001)"),
        closed_form_case("cosine_restarts:t_0=2,t_mult=3,unit=batch", context(0.2, 3, 20), 60,
                         lambda o: CosineAnnealingWarmRestarts(o, T_0=2, T_mult=3, eta_min=0.0),
                         "CosineAnnealingWarmRestarts(T_0=2, T_mult=3, eta_min=0.0)"),
        # Default T_0: a quarter of the schedule's steps (40 / 4 = 10).
        closed_form_case("cosine_restarts", context(0.1, 40), 40,
                         lambda o: CosineAnnealingWarmRestarts(o, T_0=10, T_mult=1, eta_min=0.0),
                         "CosineAnnealingWarmRestarts(T_0=10, T_mult=1, eta_min=0.0)"),
        closed_form_case("cosine_restarts:t_0=4,t_mult=2,warmup=3,warmup_start=0.2", context(0.1, 30), 30,
                         lambda o: CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2, eta_min=0.0),
                         "CosineAnnealingWarmRestarts(T_0=4, T_mult=2, eta_min=0.0)",
                         warmup=3, warmup_start=0.2),
        # A run shorter than 4 steps: the default T_0 is at least 1 (floor(3 / 4) = 0 would divide by 0).
        closed_form_case("cosine_restarts", context(0.1, 3), 3,
                         lambda o: CosineAnnealingWarmRestarts(o, T_0=1, T_mult=1, eta_min=0.0),
                         "CosineAnnealingWarmRestarts(T_0=1, T_mult=1, eta_min=0.0)"),
    ]


PLATEAU_DEFAULTS = dict(mode="min", factor=0.5, patience=5, threshold=1e-4, threshold_mode="rel",
                        cooldown=0, min_lr=0.0, eps=1e-8)

# A validation loss that improves, stalls, improves a little, then stalls for good.
LOSS = [1.0, 0.8, 0.7, 0.65, 0.64, 0.64, 0.641, 0.65, 0.639, 0.66, 0.7, 0.7, 0.71,
        0.72, 0.6, 0.6, 0.61, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
# An accuracy that rises, then creeps up by less than 1% at a time.
ACCURACY = [0.5, 0.7, 0.8, 0.85, 0.855, 0.858, 0.86, 0.861, 0.87, 0.871, 0.872, 0.873,
            0.874, 0.875, 0.9, 0.901, 0.902, 0.903, 0.904, 0.905]
# A small loss falling by 0.013 a step, then flat; an accuracy rising by 0.06 a step, then flat; a flat metric.
SMALL_LOSS = [round(0.3 - 0.013 * i, 3) for i in range(12)] + [0.157] * 4
RISING_ACCURACY = [round(0.3 + 0.06 * i, 2) for i in range(10)] + [0.84] * 5
FLAT = [0.5] * 6


def plateau_cases() -> list[dict]:
    def kw(**changes):
        return {**PLATEAU_DEFAULTS, **changes}
    return [
        plateau_case("plateau", context(0.1, 30), LOSS, kw()),
        plateau_case("plateau:patience=2,cooldown=3,min_lr=0.01", context(0.1, 30), LOSS, kw(patience=2, cooldown=3, min_lr=0.01)),
        plateau_case("plateau:patience=0,factor=0.1,min_lr=0.0005", context(0.1, 30), LOSS,
                     kw(patience=0, factor=0.1, min_lr=0.0005)),
        plateau_case("plateau:threshold=0.05", context(0.1, 30), LOSS, kw(threshold=0.05)),
        plateau_case("plateau:threshold_mode=abs,threshold=0.02,patience=1", context(0.1, 30), LOSS,
                     kw(threshold_mode="abs", threshold=0.02, patience=1)),
        plateau_case("plateau:mode=max,patience=1", context(0.2, 21), ACCURACY, kw(mode="max", patience=1)),
        plateau_case("plateau:mode=max,threshold_mode=abs,threshold=0.01,patience=1,cooldown=1",
                     context(0.2, 21), ACCURACY,
                     kw(mode="max", threshold_mode="abs", threshold=0.01, patience=1, cooldown=1)),
        # eps larger than the would-be decrease: PyTorch skips the reduction.
        plateau_case("plateau:patience=0,factor=0.9,eps=0.02", context(0.1, 30), LOSS,
                     kw(patience=0, factor=0.9, eps=0.02)),
        plateau_case("plateau:patience=1,warmup=4,warmup_start=0.25", context(0.1, 30), LOSS,
                     kw(patience=1), warmup=4, warmup_start=0.25),
        # Thresholds where relative and absolute differ: a loss near 0.2 (2% of it is 0.005, not 0.02)
        # and an accuracy near 0.5 (10% of it is 0.05, not 0.1).
        plateau_case("plateau:threshold_mode=abs,threshold=0.02,patience=1", context(0.1, 17), SMALL_LOSS,
                     kw(threshold_mode="abs", threshold=0.02, patience=1)),
        plateau_case("plateau:threshold=0.02,patience=1", context(0.1, 17), SMALL_LOSS, kw(threshold=0.02, patience=1)),
        plateau_case("plateau:mode=max,threshold=0.1,patience=1", context(0.2, 16), RISING_ACCURACY,
                     kw(mode="max", threshold=0.1, patience=1)),
        plateau_case("plateau:mode=max,threshold_mode=abs,threshold=0.1,patience=1", context(0.2, 16), RISING_ACCURACY,
                     kw(mode="max", threshold_mode="abs", threshold=0.1, patience=1)),
        # threshold=0: an equal value is not an improvement, in every mode.
        plateau_case("plateau:threshold=0,patience=0", context(0.1, 7), FLAT, kw(threshold=0.0, patience=0)),
        plateau_case("plateau:threshold_mode=abs,threshold=0,patience=0", context(0.1, 7), FLAT,
                     kw(threshold_mode="abs", threshold=0.0, patience=0)),
        plateau_case("plateau:mode=max,threshold=0,patience=0", context(0.1, 7), FLAT, kw(mode="max", threshold=0.0, patience=0)),
        plateau_case("plateau:mode=max,threshold_mode=abs,threshold=0,patience=0", context(0.1, 7), FLAT,
                     kw(mode="max", threshold_mode="abs", threshold=0.0, patience=0)),
        # A rate already below min_lr is left alone (max(lr x factor, min_lr) would raise it).
        plateau_case("plateau:min_lr=0.2,patience=0", context(0.1, 7), FLAT, kw(min_lr=0.2, patience=0)),
    ]


def cyclic(o, base_lr=0.001, max_lr=0.1, step_size_up=20, step_size_down=None, mode="triangular", gamma=1.0,
           cycle_momentum=False, base_momentum=0.8, max_momentum=0.9):
    return CyclicLR(o, base_lr=base_lr, max_lr=max_lr, step_size_up=step_size_up, step_size_down=step_size_down,
                    mode=mode, gamma=gamma, cycle_momentum=cycle_momentum, base_momentum=base_momentum,
                    max_momentum=max_momentum)


def cyclic_cases() -> list[dict]:
    return [
        closed_form_case("cyclic", context(0.1, 100), 100, lambda o: cyclic(o),
                         "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=20, step_size_down=None, mode='triangular', gamma=1.0)"),
        closed_form_case("cyclic:step_size_up=4,step_size_down=6,mode=triangular2", context(0.1, 40), 40,
                         lambda o: cyclic(o, step_size_up=4, step_size_down=6, mode="triangular2"),
                         "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=4, step_size_down=6, mode='triangular2')"),
        closed_form_case("cyclic:base_lr=0.01,max_lr=0.05,step_size_up=5,mode=exp_range,gamma=0.9", context(0.1, 30), 30,
                         lambda o: cyclic(o, base_lr=0.01, max_lr=0.05, step_size_up=5, mode="exp_range", gamma=0.9),
                         "CyclicLR(base_lr=0.01, max_lr=0.05, step_size_up=5, mode='exp_range', gamma=0.9)"),
        closed_form_case("cyclic:step_size_up=15,step_size_down=5,unit=batch", context(0.1, 2, 40), 80,
                         lambda o: cyclic(o, step_size_up=15, step_size_down=5),
                         "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=15, step_size_down=5)"),
        # Warmup ramps toward the run's lr (CyclicLR keeps group["initial_lr"]), then the
        # cycle starts at its own base_lr: PyTorch's result, discontinuity included.
        closed_form_case("cyclic:step_size_up=5,warmup=4", context(0.05, 30), 30,
                         lambda o: cyclic(o, step_size_up=5),
                         "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=5)", warmup=4),
        # Momentum cycles inversely to the rate (cycle_momentum=True, PyTorch's default) on
        # SGD with momentum, and beta1 on Adam; every mode, warmup, and cycle_momentum=False.
        closed_form_case("cyclic:step_size_up=5,step_size_down=7", context(0.1, 40), 40,
                         lambda o: cyclic(o, step_size_up=5, step_size_down=7, cycle_momentum=True),
                         "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=5, step_size_down=7, cycle_momentum=True, "
                         "base_momentum=0.8, max_momentum=0.9)", optimizer_name="momentum"),
        closed_form_case("cyclic:step_size_up=4,mode=triangular2,base_momentum=0.7,max_momentum=0.95", context(0.1, 30), 30,
                         lambda o: cyclic(o, step_size_up=4, mode="triangular2", cycle_momentum=True,
                                          base_momentum=0.7, max_momentum=0.95),
                         "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=4, mode='triangular2', cycle_momentum=True, "
                         "base_momentum=0.7, max_momentum=0.95)", optimizer_name="momentum"),
        closed_form_case("cyclic:base_lr=0.01,max_lr=0.05,step_size_up=5,mode=exp_range,gamma=0.9", context(0.1, 30), 30,
                         lambda o: cyclic(o, base_lr=0.01, max_lr=0.05, step_size_up=5, mode="exp_range", gamma=0.9,
                                          cycle_momentum=True),
                         "CyclicLR(base_lr=0.01, max_lr=0.05, step_size_up=5, mode='exp_range', gamma=0.9, "
                         "cycle_momentum=True) on Adam (beta1 cycles)", optimizer_name="adam"),
        closed_form_case("cyclic:step_size_up=5,warmup=4", context(0.05, 30), 30,
                         lambda o: cyclic(o, step_size_up=5, cycle_momentum=True),
                         "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=5, cycle_momentum=True)", warmup=4,
                         optimizer_name="momentum"),
        closed_form_case("cyclic:step_size_up=5,cycle_momentum=false", context(0.1, 20), 20,
                         lambda o: cyclic(o, step_size_up=5, cycle_momentum=False),
                         "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=5, cycle_momentum=False)",
                         optimizer_name="momentum"),
        # gamma only scales exp_range: triangular cycles (rate and momentum) keep their full height.
        closed_form_case("cyclic:step_size_up=4,gamma=0.5", context(0.1, 20), 20,
                         lambda o: cyclic(o, step_size_up=4, gamma=0.5, cycle_momentum=True),
                         "CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=4, mode='triangular', gamma=0.5, cycle_momentum=True)",
                         optimizer_name="momentum"),
    ]


def onecycle(o, max_lr=0.1, total_steps=None, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
             final_div_factor=1e4, three_phase=False, cycle_momentum=False, base_momentum=0.85, max_momentum=0.95):
    return OneCycleLR(o, max_lr=max_lr, total_steps=total_steps, pct_start=pct_start,
                      anneal_strategy=anneal_strategy, div_factor=div_factor,
                      final_div_factor=final_div_factor, three_phase=three_phase, cycle_momentum=cycle_momentum,
                      base_momentum=base_momentum, max_momentum=max_momentum)


def onecycle_cases() -> list[dict]:
    return [
        closed_form_case("onecycle", context(0.1, 50), 50, lambda o: onecycle(o, total_steps=50),
                         "OneCycleLR(max_lr=0.1, total_steps=50, pct_start=0.3, anneal_strategy='cos', "
                         "div_factor=25.0, final_div_factor=10000.0, three_phase=False)"),
        closed_form_case("onecycle:three_phase=true", context(0.1, 40), 40,
                         lambda o: onecycle(o, total_steps=40, three_phase=True),
                         "OneCycleLR(max_lr=0.1, total_steps=40, three_phase=True)"),
        closed_form_case("onecycle:anneal_strategy=linear,max_lr=0.5,pct_start=0.25", context(0.1, 30), 30,
                         lambda o: onecycle(o, max_lr=0.5, total_steps=30, pct_start=0.25, anneal_strategy="linear"),
                         "OneCycleLR(max_lr=0.5, total_steps=30, pct_start=0.25, anneal_strategy='linear')"),
        closed_form_case("onecycle:three_phase=true,anneal_strategy=linear,div_factor=10,final_div_factor=100",
                         context(0.1, 33), 33,
                         lambda o: onecycle(o, total_steps=33, three_phase=True, anneal_strategy="linear",
                                            div_factor=10.0, final_div_factor=100.0),
                         "OneCycleLR(max_lr=0.1, total_steps=33, three_phase=True, anneal_strategy='linear', "
                         "div_factor=10.0, final_div_factor=100.0)"),
        # total_steps longer than the run: the run stops part-way down the annealing phase.
        closed_form_case("onecycle:total_steps=60,unit=batch", context(0.1, 4, 10), 40,
                         lambda o: onecycle(o, total_steps=60),
                         "OneCycleLR(max_lr=0.1, total_steps=60)"),
        # Warmup ramps toward OneCycleLR's own initial lr (max_lr/div_factor): OneCycleLR
        # overwrites group["initial_lr"], which SequentialLR then restores. Default
        # total_steps: the run's steps after warmup (30 - 6).
        closed_form_case("onecycle:warmup=6", context(0.1, 30), 30, lambda o: onecycle(o, total_steps=24),
                         "OneCycleLR(max_lr=0.1, total_steps=24)", warmup=6),
        # Momentum inverse to the rate: max_momentum -> base_momentum -> max_momentum.
        closed_form_case("onecycle", context(0.1, 50), 50, lambda o: onecycle(o, total_steps=50, cycle_momentum=True),
                         "OneCycleLR(max_lr=0.1, total_steps=50, cycle_momentum=True, base_momentum=0.85, "
                         "max_momentum=0.95)", optimizer_name="momentum"),
        closed_form_case("onecycle:three_phase=true,anneal_strategy=linear,base_momentum=0.8,max_momentum=0.9",
                         context(0.1, 40), 40,
                         lambda o: onecycle(o, total_steps=40, three_phase=True, anneal_strategy="linear",
                                            cycle_momentum=True, base_momentum=0.8, max_momentum=0.9),
                         "OneCycleLR(max_lr=0.1, total_steps=40, three_phase=True, anneal_strategy='linear', "
                         "cycle_momentum=True, base_momentum=0.8, max_momentum=0.9)", optimizer_name="momentum"),
        closed_form_case("onecycle:unit=batch", context(0.1, 4, 10), 40,
                         lambda o: onecycle(o, total_steps=40, cycle_momentum=True),
                         "OneCycleLR(max_lr=0.1, total_steps=40, cycle_momentum=True) on Adam (beta1 cycles)",
                         optimizer_name="adam"),
        closed_form_case("onecycle:warmup=6", context(0.1, 30), 30,
                         lambda o: onecycle(o, total_steps=24, cycle_momentum=True),
                         "OneCycleLR(max_lr=0.1, total_steps=24, cycle_momentum=True)", warmup=6,
                         optimizer_name="momentum"),
        closed_form_case("onecycle:cycle_momentum=false", context(0.1, 20), 20,
                         lambda o: onecycle(o, total_steps=20, cycle_momentum=False),
                         "OneCycleLR(max_lr=0.1, total_steps=20, cycle_momentum=False)", optimizer_name="momentum"),
    ]


def polynomial_cases() -> list[dict]:
    return [
        closed_form_case("polynomial", context(0.1, 10), 10,
                         lambda o: PolynomialLR(o, total_iters=5, power=1.0), "PolynomialLR(total_iters=5, power=1.0)"),
        closed_form_case("polynomial:total_iters=20,power=2", context(0.1, 30), 30,
                         lambda o: PolynomialLR(o, total_iters=20, power=2.0), "PolynomialLR(total_iters=20, power=2.0)"),
        closed_form_case("polynomial:total_iters=12,power=0.5", context(0.3, 16), 16,
                         lambda o: PolynomialLR(o, total_iters=12, power=0.5), "PolynomialLR(total_iters=12, power=0.5)"),
        closed_form_case("polynomial:total_iters=10,power=3,warmup=5,warmup_start=0.01", context(0.1, 20), 20,
                         lambda o: PolynomialLR(o, total_iters=10, power=3.0), "PolynomialLR(total_iters=10, power=3.0)",
                         warmup=5, warmup_start=0.01),
    ]


def linear_cases() -> list[dict]:
    return [
        closed_form_case("linear", context(0.1, 10), 10,
                         lambda o: LinearLR(o, start_factor=1.0 / 3, end_factor=1.0, total_iters=5),
                         "LinearLR(start_factor=1/3, end_factor=1.0, total_iters=5)"),
        closed_form_case("linear:start_factor=0.5,end_factor=0.1,total_iters=8", context(0.1, 15), 15,
                         lambda o: LinearLR(o, start_factor=0.5, end_factor=0.1, total_iters=8),
                         "LinearLR(start_factor=0.5, end_factor=0.1, total_iters=8)"),
        closed_form_case("linear:start_factor=1,end_factor=0.05,total_iters=20,unit=batch", context(0.2, 3, 10), 30,
                         lambda o: LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=20),
                         "LinearLR(start_factor=1.0, end_factor=0.05, total_iters=20)"),
        closed_form_case("linear:start_factor=1,end_factor=0.2,total_iters=10,warmup=3", context(0.1, 20), 20,
                         lambda o: LinearLR(o, start_factor=1.0, end_factor=0.2, total_iters=10),
                         "LinearLR(start_factor=1.0, end_factor=0.2, total_iters=10)", warmup=3),
    ]


def constant_cases() -> list[dict]:
    return [
        closed_form_case("constant", context(0.1, 10), 10,
                         lambda o: ConstantLR(o, factor=1.0 / 3, total_iters=5), "ConstantLR(factor=1/3, total_iters=5)"),
        closed_form_case("constant:factor=0.5,total_iters=3", context(0.1, 8), 8,
                         lambda o: ConstantLR(o, factor=0.5, total_iters=3), "ConstantLR(factor=0.5, total_iters=3)"),
        closed_form_case("constant:factor=0.1,total_iters=12,unit=batch", context(0.3, 2, 10), 20,
                         lambda o: ConstantLR(o, factor=0.1, total_iters=12), "ConstantLR(factor=0.1, total_iters=12)"),
        closed_form_case("constant:factor=0.25,total_iters=4,warmup=2,warmup_start=0.5", context(0.1, 10), 10,
                         lambda o: ConstantLR(o, factor=0.25, total_iters=4), "ConstantLR(factor=0.25, total_iters=4)",
                         warmup=2, warmup_start=0.5),
    ]


def none_cases() -> list[dict]:
    # PyTorch has no "no scheduler" class; LambdaLR with a constant 1 is the same thing.
    return [
        closed_form_case("none", context(0.1, 10), 10, lambda o: LambdaLR(o, lambda _: 1.0), "LambdaLR(lambda t: 1.0)"),
        closed_form_case("none:unit=batch", context(0.03, 2, 5), 10, lambda o: LambdaLR(o, lambda _: 1.0),
                         "LambdaLR(lambda t: 1.0)"),
        closed_form_case("none:warmup=5,warmup_start=0.1", context(0.1, 12), 12, lambda o: LambdaLR(o, lambda _: 1.0),
                         "LambdaLR(lambda t: 1.0)", warmup=5, warmup_start=0.1),
    ]


MODULES = "test/fixtures/schedules/modules"


def custom_cases() -> list[dict]:
    # Each lambda mirrors the JS module the spec names: module(step, base_lr) == base_lr * lambda(step).
    return [
        closed_form_case(f"custom:module={MODULES}/exponential-default.mjs", context(0.1, 20), 20,
                         lambda o: LambdaLR(o, lambda t: 0.9 ** t), "LambdaLR(lambda t: 0.9 ** t)"),
        closed_form_case(f"custom:module={MODULES}/inverse-time-named.mjs,unit=batch", context(0.2, 3, 10), 30,
                         lambda o: LambdaLR(o, lambda t: 1 / (1 + 0.1 * t)), "LambdaLR(lambda t: 1 / (1 + 0.1 * t))"),
        closed_form_case(f"custom:module={MODULES}/exponential-default.mjs,warmup=4,warmup_start=0.2",
                         context(0.1, 20), 20, lambda o: LambdaLR(o, lambda t: 0.9 ** t),
                         "LambdaLR(lambda t: 0.9 ** t)", warmup=4, warmup_start=0.2),
    ]


def sequential_cases() -> list[dict]:
    # Parts' run-length defaults are their own spans: cosine's T_max = 30 - 5 = 25.
    return [
        closed_form_case("sequential(linear:start_factor=0.1,total_iters=5; cosine):milestones=5", context(0.1, 30), 30,
                         lambda o: SequentialLR(o, [LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5),
                                                    CosineAnnealingLR(o, T_max=25, eta_min=0.0)], milestones=[5]),
                         "SequentialLR([LinearLR(start_factor=0.1, total_iters=5), CosineAnnealingLR(T_max=25)], milestones=[5])"),
        closed_form_case("sequential(constant:factor=0.5,total_iters=3; exponential:gamma=0.9; step:step_size=4,gamma=0.5):milestones=6|15",
                         context(0.1, 30), 30,
                         lambda o: SequentialLR(o, [ConstantLR(o, factor=0.5, total_iters=3), ExponentialLR(o, gamma=0.9),
                                                    StepLR(o, step_size=4, gamma=0.5)], milestones=[6, 15]),
                         "SequentialLR([ConstantLR(factor=0.5, total_iters=3), ExponentialLR(gamma=0.9), StepLR(step_size=4, gamma=0.5)], milestones=[6, 15])"),
        # Recursive (chainable) parts restart from their closed form at step 0 of their milestone.
        closed_form_case("sequential(exponential:gamma=0.5; multistep:milestones=2|4,gamma=0.5; "
                         "linear:start_factor=0.5,end_factor=1,total_iters=4):milestones=3|9,unit=batch",
                         context(0.2, 2, 10), 20,
                         lambda o: SequentialLR(o, [ExponentialLR(o, gamma=0.5), MultiStepLR(o, milestones=[2, 4], gamma=0.5),
                                                    LinearLR(o, start_factor=0.5, end_factor=1.0, total_iters=4)], milestones=[3, 9]),
                         "SequentialLR([ExponentialLR(gamma=0.5), MultiStepLR([2, 4], gamma=0.5), LinearLR(0.5, 1.0, 4)], milestones=[3, 9])"),
        closed_form_case("sequential(polynomial:total_iters=4,power=2; cosine_restarts:t_0=3):milestones=6", context(0.05, 20), 20,
                         lambda o: SequentialLR(o, [PolynomialLR(o, total_iters=4, power=2.0),
                                                    CosineAnnealingWarmRestarts(o, T_0=3, T_mult=1, eta_min=0.0)], milestones=[6]),
                         "SequentialLR([PolynomialLR(total_iters=4, power=2.0), CosineAnnealingWarmRestarts(T_0=3)], milestones=[6])"),
        # Every part's default from its own span: the first part's 8 steps (T_max=8), the middle one's 12
        # (T_0 = floor(12 / 4) = 3) and the last one's 30 - 20 = 10 (T_max=10).
        closed_form_case("sequential(cosine; cosine_restarts; cosine):milestones=8|20", context(0.1, 30), 30,
                         lambda o: SequentialLR(o, [CosineAnnealingLR(o, T_max=8, eta_min=0.0),
                                                    CosineAnnealingWarmRestarts(o, T_0=3, T_mult=1, eta_min=0.0),
                                                    CosineAnnealingLR(o, T_max=10, eta_min=0.0)], milestones=[8, 20]),
                         "SequentialLR([CosineAnnealingLR(T_max=8), CosineAnnealingWarmRestarts(T_0=3), CosineAnnealingLR(T_max=10)], milestones=[8, 20])"),
    ]


def chained_cases() -> list[dict]:
    module = f"{MODULES}/exponential-default.mjs"
    return [
        closed_form_case("chained(constant:factor=0.5,total_iters=4; exponential:gamma=0.9)", context(0.1, 20), 20,
                         lambda o: ChainedScheduler([ConstantLR(o, factor=0.5, total_iters=4), ExponentialLR(o, gamma=0.9)]),
                         "ChainedScheduler([ConstantLR(factor=0.5, total_iters=4), ExponentialLR(gamma=0.9)])"),
        closed_form_case("chained(linear:start_factor=0.2,total_iters=5; step:step_size=3,gamma=0.5; multistep:milestones=10|15,gamma=0.1)",
                         context(0.1, 25), 25,
                         lambda o: ChainedScheduler([LinearLR(o, start_factor=0.2, end_factor=1.0, total_iters=5),
                                                     StepLR(o, step_size=3, gamma=0.5), MultiStepLR(o, milestones=[10, 15], gamma=0.1)]),
                         "ChainedScheduler([LinearLR(0.2, 1.0, 5), StepLR(3, 0.5), MultiStepLR([10, 15], 0.1)])"),
        # A part reaching 0 (PolynomialLR at total_iters) keeps the chain at 0.
        closed_form_case("chained(polynomial:total_iters=10,power=2; exponential:gamma=0.95)", context(0.1, 15), 15,
                         lambda o: ChainedScheduler([PolynomialLR(o, total_iters=10, power=2.0), ExponentialLR(o, gamma=0.95)]),
                         "ChainedScheduler([PolynomialLR(total_iters=10, power=2.0), ExponentialLR(gamma=0.95)])"),
        # LambdaLR (custom) and CosineAnnealingWarmRestarts overwrite the rate; later parts multiply their step ratios onto it.
        closed_form_case(f"chained(exponential:gamma=0.5; custom:module={module}; step:step_size=3,gamma=0.5)", context(0.1, 12), 12,
                         lambda o: ChainedScheduler([ExponentialLR(o, gamma=0.5), LambdaLR(o, lambda t: 0.9 ** t),
                                                     StepLR(o, step_size=3, gamma=0.5)]),
                         "ChainedScheduler([ExponentialLR(0.5), LambdaLR(lambda t: 0.9 ** t), StepLR(3, 0.5)])"),
        closed_form_case("chained(cosine_restarts:t_0=5; exponential:gamma=0.9)", context(0.1, 16), 16,
                         lambda o: ChainedScheduler([CosineAnnealingWarmRestarts(o, T_0=5, T_mult=1, eta_min=0.0), ExponentialLR(o, gamma=0.9)]),
                         "ChainedScheduler([CosineAnnealingWarmRestarts(T_0=5), ExponentialLR(gamma=0.9)])"),
        # After an overwriting part, PolynomialLR multiplies by 0 at total_iters and leaves the rate alone after it:
        # the LambdaLR's own value comes back from step 5 on.
        closed_form_case(f"chained(custom:module={module}; polynomial:total_iters=4,power=2)", context(0.1, 8), 8,
                         lambda o: ChainedScheduler([LambdaLR(o, lambda t: 0.9 ** t), PolynomialLR(o, total_iters=4, power=2.0)]),
                         "ChainedScheduler([LambdaLR(lambda t: 0.9 ** t), PolynomialLR(total_iters=4, power=2.0)])"),
    ]


ALL = {
    "sequential": sequential_cases,
    "chained": chained_cases,
    "step": step_cases,
    "multistep": multistep_cases,
    "exponential": exponential_cases,
    "cosine": cosine_cases,
    "cosine_restarts": cosine_restarts_cases,
    "plateau": plateau_cases,
    "cyclic": cyclic_cases,
    "onecycle": onecycle_cases,
    "polynomial": polynomial_cases,
    "linear": linear_cases,
    "constant": constant_cases,
    "none": none_cases,
    "custom": custom_cases,
}


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    only = set(sys.argv[1:])  # e.g. `generate.py sequential chained` rewrites just those
    for name, make_cases in ALL.items():
        if only and name not in only:
            continue
        cases = make_cases()
        for case in cases:
            if not all(math.isfinite(lr) for lr in case["lr"]):
                sys.exit(f"{name}: non-finite learning rate in {case['spec']}")
        fixture = {
            "scheduler": name,
            "torch": torch.__version__,
            "python": sys.version.split()[0],
            "generator": "scripts/golden/generate.py",
            "cases": cases,
        }
        path = OUT_DIR / f"{name}.json"
        path.write_text(json.dumps(fixture, indent=1) + "\n")
        print(f"{path.relative_to(REPO)}: {len(cases)} cases")


if __name__ == "__main__":
    main()
