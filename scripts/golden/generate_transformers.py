#!/usr/bin/env python3
"""Golden sequences from Hugging Face transformers (transformers.optimization),
for the lr-compare schedulers of Hugging Face origin. Each schedule is the
LambdaLR transformers returns, stepped as a training loop steps it: the rate
used during step i is read before optimizer.step(); scheduler.step().

    pip install transformers torch
    python3 scripts/golden/generate_transformers.py
"""

from __future__ import annotations

import warnings

import torch
import transformers
from torch.optim import SGD
from transformers import optimization as O

from fixtures import FLOAT64, case, context, write

GENERATOR = "scripts/golden/generate_transformers.py"
warnings.filterwarnings("ignore")


def steps_of(ctx: dict, unit: str = "epoch") -> int:
    return ctx["epochs"] * (ctx["batchesPerEpoch"] if unit == "batch" else 1)


def hf_case(spec: str, ctx: dict, factory, call: str, unit: str = "epoch") -> dict:
    optimizer = SGD([torch.zeros(1, requires_grad=True)], lr=ctx["baseLr"])
    scheduler = factory(optimizer)
    lrs = []
    for _ in range(steps_of(ctx, unit)):
        lrs.append(float(optimizer.param_groups[0]["lr"]))
        optimizer.step()
        scheduler.step()
    return case(spec, ctx, lrs, call)


def constant_with_warmup_cases():
    return [
        hf_case("constant_with_warmup:num_warmup_steps=5", context(0.1, 15),
                lambda o: O.get_constant_schedule_with_warmup(o, num_warmup_steps=5), "get_constant_schedule_with_warmup(num_warmup_steps=5)"),
        # A warmup of 0 steps: the base rate from step 0.
        hf_case("constant_with_warmup:num_warmup_steps=0", context(0.1, 6),
                lambda o: O.get_constant_schedule_with_warmup(o, num_warmup_steps=0), "get_constant_schedule_with_warmup(num_warmup_steps=0)"),
        hf_case("constant_with_warmup:num_warmup_steps=12,unit=batch", context(0.05, 2, 10),
                lambda o: O.get_constant_schedule_with_warmup(o, num_warmup_steps=12), "get_constant_schedule_with_warmup(num_warmup_steps=12)", "batch"),
    ]


def linear_with_warmup_cases():
    return [
        # Default num_training_steps: the schedule's length (30).
        hf_case("linear_with_warmup:num_warmup_steps=5", context(0.1, 30),
                lambda o: O.get_linear_schedule_with_warmup(o, 5, 30), "get_linear_schedule_with_warmup(5, 30)"),
        # num_training_steps shorter than the run: 0 from there on.
        hf_case("linear_with_warmup:num_warmup_steps=0,num_training_steps=10", context(0.1, 15),
                lambda o: O.get_linear_schedule_with_warmup(o, 0, 10), "get_linear_schedule_with_warmup(0, 10)"),
        hf_case("linear_with_warmup:num_warmup_steps=8,num_training_steps=40,unit=batch", context(0.2, 4, 10),
                lambda o: O.get_linear_schedule_with_warmup(o, 8, 40), "get_linear_schedule_with_warmup(8, 40)", "batch"),
    ]


def cosine_with_warmup_cases():
    return [
        hf_case("cosine_with_warmup:num_warmup_steps=5,num_training_steps=100", context(0.1, 100),
                lambda o: O.get_cosine_schedule_with_warmup(o, 5, 100), "get_cosine_schedule_with_warmup(5, 100, num_cycles=0.5)"),
        # Past num_training_steps the half-cosine continues back up.
        hf_case("cosine_with_warmup:num_warmup_steps=3,num_training_steps=20", context(0.1, 30),
                lambda o: O.get_cosine_schedule_with_warmup(o, 3, 20), "get_cosine_schedule_with_warmup(3, 20)"),
        hf_case("cosine_with_warmup:num_warmup_steps=0,num_cycles=2", context(0.1, 40),
                lambda o: O.get_cosine_schedule_with_warmup(o, 0, 40, num_cycles=2), "get_cosine_schedule_with_warmup(0, 40, num_cycles=2)"),
    ]


def cosine_with_hard_restarts_cases():
    return [
        hf_case("cosine_with_hard_restarts:num_warmup_steps=4,num_cycles=3", context(0.1, 40),
                lambda o: O.get_cosine_with_hard_restarts_schedule_with_warmup(o, 4, 40, num_cycles=3),
                "get_cosine_with_hard_restarts_schedule_with_warmup(4, 40, num_cycles=3)"),
        # 0 from num_training_steps on.
        hf_case("cosine_with_hard_restarts:num_warmup_steps=0,num_training_steps=20,num_cycles=2", context(0.1, 30),
                lambda o: O.get_cosine_with_hard_restarts_schedule_with_warmup(o, 0, 20, num_cycles=2),
                "get_cosine_with_hard_restarts_schedule_with_warmup(0, 20, num_cycles=2)"),
        hf_case("cosine_with_hard_restarts:num_warmup_steps=2", context(0.05, 12),
                lambda o: O.get_cosine_with_hard_restarts_schedule_with_warmup(o, 2, 12),
                "get_cosine_with_hard_restarts_schedule_with_warmup(2, 12, num_cycles=1)"),
    ]


def polynomial_with_warmup_cases():
    return [
        hf_case("polynomial_with_warmup:num_warmup_steps=5", context(0.1, 30),
                lambda o: O.get_polynomial_decay_schedule_with_warmup(o, 5, 30), "get_polynomial_decay_schedule_with_warmup(5, 30, lr_end=1e-7, power=1.0)"),
        # Past num_training_steps: lr_end.
        hf_case("polynomial_with_warmup:num_warmup_steps=2,num_training_steps=15,lr_end=0.01,power=2", context(0.1, 20),
                lambda o: O.get_polynomial_decay_schedule_with_warmup(o, 2, 15, lr_end=0.01, power=2.0),
                "get_polynomial_decay_schedule_with_warmup(2, 15, lr_end=0.01, power=2.0)"),
        hf_case("polynomial_with_warmup:num_warmup_steps=0,power=0.5,unit=batch", context(0.2, 3, 10),
                lambda o: O.get_polynomial_decay_schedule_with_warmup(o, 0, 30, power=0.5),
                "get_polynomial_decay_schedule_with_warmup(0, 30, power=0.5)", "batch"),
    ]


def inverse_sqrt_cases():
    return [
        hf_case("inverse_sqrt:num_warmup_steps=5", context(0.1, 40),
                lambda o: O.get_inverse_sqrt_schedule(o, 5), "get_inverse_sqrt_schedule(5, timescale=None -> 5)"),
        hf_case("inverse_sqrt:num_warmup_steps=4,timescale=10", context(0.1, 40),
                lambda o: O.get_inverse_sqrt_schedule(o, 4, timescale=10), "get_inverse_sqrt_schedule(4, timescale=10)"),
        # No warmup: timescale falls back to 10000.
        hf_case("inverse_sqrt:num_warmup_steps=0,unit=batch", context(0.1, 2, 50),
                lambda o: O.get_inverse_sqrt_schedule(o, 0), "get_inverse_sqrt_schedule(0, timescale=None -> 10000)", "batch"),
    ]


def cosine_with_min_lr_cases():
    return [
        hf_case("cosine_with_min_lr:num_warmup_steps=5,min_lr_rate=0.1", context(0.1, 50),
                lambda o: O.get_cosine_with_min_lr_schedule_with_warmup(o, 5, 50, min_lr_rate=0.1),
                "get_cosine_with_min_lr_schedule_with_warmup(5, 50, min_lr_rate=0.1)"),
        # min_lr reached at num_training_steps (an absolute floor), then the cosine climbs back.
        hf_case("cosine_with_min_lr:num_warmup_steps=2,num_training_steps=20,min_lr=0.005", context(0.05, 30),
                lambda o: O.get_cosine_with_min_lr_schedule_with_warmup(o, 2, 20, min_lr=0.005),
                "get_cosine_with_min_lr_schedule_with_warmup(2, 20, min_lr=0.005)"),
        hf_case("cosine_with_min_lr:num_warmup_steps=0,num_cycles=1,min_lr_rate=0.2", context(0.1, 30),
                lambda o: O.get_cosine_with_min_lr_schedule_with_warmup(o, 0, 30, num_cycles=1, min_lr_rate=0.2),
                "get_cosine_with_min_lr_schedule_with_warmup(0, 30, num_cycles=1, min_lr_rate=0.2)"),
    ]


def wsd_cases():
    return [
        hf_case("wsd:num_warmup_steps=10,num_stable_steps=60,num_decay_steps=30", context(0.1, 100),
                lambda o: O.get_wsd_schedule(o, 10, 30, num_stable_steps=60), "get_wsd_schedule(10, 30, num_stable_steps=60)"),
        # Stable steps from num_training_steps (default: the run, 50 - 5 - 20 = 25); min_lr_ratio floors warmup and decay.
        hf_case("wsd:num_warmup_steps=5,num_decay_steps=20,min_lr_ratio=0.1,decay_type=1-sqrt", context(0.1, 50),
                lambda o: O.get_wsd_schedule(o, 5, 20, num_training_steps=50, min_lr_ratio=0.1, decay_type="1-sqrt"),
                "get_wsd_schedule(5, 20, num_training_steps=50, min_lr_ratio=0.1, decay_type='1-sqrt')"),
        # Phases shorter than the run: min_lr_ratio after the decay.
        hf_case("wsd:num_warmup_steps=4,num_stable_steps=6,num_decay_steps=8,warmup_type=cosine,decay_type=linear", context(0.1, 25),
                lambda o: O.get_wsd_schedule(o, 4, 8, num_stable_steps=6, warmup_type="cosine", decay_type="linear"),
                "get_wsd_schedule(4, 8, num_stable_steps=6, warmup_type='cosine', decay_type='linear')"),
        hf_case("wsd:num_warmup_steps=6,num_stable_steps=4,num_decay_steps=10,warmup_type=1-sqrt,min_lr_ratio=0.05", context(0.2, 24),
                lambda o: O.get_wsd_schedule(o, 6, 10, num_stable_steps=4, warmup_type="1-sqrt", min_lr_ratio=0.05),
                "get_wsd_schedule(6, 10, num_stable_steps=4, warmup_type='1-sqrt', min_lr_ratio=0.05)"),
        # No warmup (step 0 is stable, at the base rate), and num_cycles=1: the cosine is back at its top when the
        # decay ends, but step 3 + 6 = 9 is past the decay and at min_lr_ratio.
        hf_case("wsd:num_warmup_steps=0,num_stable_steps=3,num_decay_steps=6,num_cycles=1,min_lr_ratio=0.1", context(0.1, 12),
                lambda o: O.get_wsd_schedule(o, 0, 6, num_stable_steps=3, num_cycles=1, min_lr_ratio=0.1),
                "get_wsd_schedule(0, 6, num_stable_steps=3, num_cycles=1, min_lr_ratio=0.1)"),
        # Warmup and decay fill the run: num_stable_steps = 20 - 5 - 15 = 0.
        hf_case("wsd:num_warmup_steps=5,num_decay_steps=15", context(0.1, 20),
                lambda o: O.get_wsd_schedule(o, 5, 15, num_training_steps=20), "get_wsd_schedule(5, 15, num_training_steps=20)"),
    ]


ALL = {
    "constant_with_warmup": constant_with_warmup_cases,
    "linear_with_warmup": linear_with_warmup_cases,
    "cosine_with_warmup": cosine_with_warmup_cases,
    "cosine_with_hard_restarts": cosine_with_hard_restarts_cases,
    "polynomial_with_warmup": polynomial_with_warmup_cases,
    "inverse_sqrt": inverse_sqrt_cases,
    "cosine_with_min_lr": cosine_with_min_lr_cases,
    "wsd": wsd_cases,
}


def main() -> None:
    versions = {"transformers": transformers.__version__, "torch": torch.__version__}
    for name, make in ALL.items():
        write(name, "transformers", versions, FLOAT64, GENERATOR, make())


if __name__ == "__main__":
    main()
