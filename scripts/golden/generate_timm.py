#!/usr/bin/env python3
"""Golden sequences from timm (timm.scheduler), for the lr-compare schedulers of
timm origin, driven as timm's train.py drives them (noise off): the rate the
scheduler sets when built is used during step 0, and after step i the loop
calls scheduler.step(i + 1) (per epoch; step_update(i + 1) with unit=batch,
where t_in_epochs=False).

    pip install timm torch
    python3 scripts/golden/generate_timm.py
"""

from __future__ import annotations

import torch
import timm
from timm.scheduler import CosineLRScheduler, TanhLRScheduler
from torch.optim import SGD

from fixtures import FLOAT64, case, context, write

GENERATOR = "scripts/golden/generate_timm.py"


def timm_case(spec: str, ctx: dict, cls, kwargs: dict, unit: str = "epoch") -> dict:
    optimizer = SGD([torch.zeros(1, requires_grad=True)], lr=ctx["baseLr"])
    scheduler = cls(optimizer, t_in_epochs=(unit == "epoch"), **kwargs)
    steps = ctx["epochs"] * (ctx["batchesPerEpoch"] if unit == "batch" else 1)
    lrs = []
    for i in range(steps):
        lrs.append(float(optimizer.param_groups[0]["lr"]))
        optimizer.step()
        if unit == "epoch":
            scheduler.step(i + 1)
        else:
            scheduler.step_update(i + 1)
    args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
    return case(spec, ctx, lrs, f"{cls.__name__}({args})")


def tanh_cases():
    return [
        timm_case("tanh", context(0.1, 30), TanhLRScheduler, {"t_initial": 30}),
        # Cycles: cycle_mul=2 (geometric lengths), cycle_decay, cycle_limit reached -> lr_min.
        timm_case("tanh:t_initial=5,lr_min=0.001,cycle_mul=2,cycle_decay=0.5,cycle_limit=3", context(0.1, 45), TanhLRScheduler,
                  {"t_initial": 5, "lr_min": 0.001, "cycle_mul": 2.0, "cycle_decay": 0.5, "cycle_limit": 3}),
        # Warmup overlaying the cycle (warmup_prefix=False) heads for _get_lr(warmup_t), not the base rate.
        timm_case("tanh:t_initial=20,lb=-5,ub=5,warmup_t=4,warmup_lr_init=0.001", context(0.1, 25), TanhLRScheduler,
                  {"t_initial": 20, "lb": -5.0, "ub": 5.0, "warmup_t": 4, "warmup_lr_init": 0.001}),
        timm_case("tanh:t_initial=8,cycle_limit=2,warmup_t=3,warmup_prefix=true,unit=batch", context(0.05, 2, 12), TanhLRScheduler,
                  {"t_initial": 8, "cycle_limit": 2, "warmup_t": 3, "warmup_prefix": True}, "batch"),
    ]


def cosine_cycles_cases():
    return [
        # Default: one cycle over the run, then lr_min (here the run ends with the cycle).
        timm_case("cosine_cycles", context(0.1, 30), CosineLRScheduler, {"t_initial": 30}),
        timm_case("cosine_cycles:t_initial=10,lr_min=0.001", context(0.1, 25), CosineLRScheduler, {"t_initial": 10, "lr_min": 0.001}),
        # t_mul=1 restarts (cycle_mul=1) with decaying peaks, and k_decay.
        timm_case("cosine_cycles:t_initial=6,cycle_decay=0.5,cycle_limit=4,k_decay=2", context(0.1, 30), CosineLRScheduler,
                  {"t_initial": 6, "cycle_decay": 0.5, "cycle_limit": 4, "k_decay": 2.0}),
        timm_case("cosine_cycles:t_initial=4,cycle_mul=1.5,cycle_limit=5,warmup_t=3,warmup_lr_init=0.01,unit=batch", context(0.1, 3, 10),
                  CosineLRScheduler, {"t_initial": 4, "cycle_mul": 1.5, "cycle_limit": 5, "warmup_t": 3, "warmup_lr_init": 0.01}, "batch"),
        timm_case("cosine_cycles:t_initial=10,warmup_t=5,warmup_prefix=true", context(0.1, 20), CosineLRScheduler,
                  {"t_initial": 10, "warmup_t": 5, "warmup_prefix": True}),
    ]


def main() -> None:
    versions = {"timm": timm.__version__, "torch": torch.__version__}
    write("tanh", "timm", versions, FLOAT64, GENERATOR, tanh_cases())
    write("cosine_cycles", "timm", versions, FLOAT64, GENERATOR, cosine_cycles_cases())


if __name__ == "__main__":
    main()
