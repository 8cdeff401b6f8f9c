#!/usr/bin/env python3
"""Write golden optimizer trajectories from PyTorch and the `schedulefree` package.

A tiny fixed problem (a 4 x 2 input, a 2 x 3 weight and a bias of 3, mean
squared error against fixed targets, all float32) is trained for a few steps by
the reference implementation of each optimizer lr-compare implements or drives:

    for i in range(steps):
        group["lr"] = lr[i]                  # what a schedule does
        group["momentum" or "betas"] = ...   # what cycle_momentum does (when the case has `momentum`)
        loss(params).backward(); optimizer.step(); optimizer.zero_grad()
        record the parameters                 # schedule-free: y, then x via eval() ... train()

Output: test/fixtures/optimizers/<optimizer>.json, read by test/train/optimizers.test.ts, which
trains the same problem with lr-compare's tfjs optimizers and compares in float32 tolerance
(relative 1e-5 plus 1e-6 absolute). Regenerate with:

    /work/venv-golden/bin/python scripts/golden/generate_optimizers.py   # needs torch and schedulefree
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

import schedulefree
import torch

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "test" / "fixtures" / "optimizers"

PROBLEM = {
    "inputs": [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0], [1.0, 1.0]],
    "targets": [[1.0, 0.0, -1.0], [0.5, 2.0, 0.0], [-1.0, 1.0, 0.5], [0.25, -0.5, 1.5]],
    "kernel": [[0.1, -0.2, 0.3], [0.4, 0.05, -0.15]],
    "bias": [0.01, -0.02, 0.03],
}
TOLERANCE = {"precision": "float32", "relative": 1e-5, "absolute": 1e-6}


def params():
    kernel = torch.tensor(PROBLEM["kernel"], dtype=torch.float32, requires_grad=True)
    bias = torch.tensor(PROBLEM["bias"], dtype=torch.float32, requires_grad=True)
    return kernel, bias


def loss_of(kernel, bias):
    inputs = torch.tensor(PROBLEM["inputs"], dtype=torch.float32)
    targets = torch.tensor(PROBLEM["targets"], dtype=torch.float32)
    return ((inputs @ kernel + bias - targets) ** 2).mean()


def flat(kernel, bias) -> list[float]:
    return [float(v) for v in kernel.detach().reshape(-1)] + [float(v) for v in bias.detach().reshape(-1)]


def run(make, settings: dict, lrs: list[float], momentums: list[float] | None, call: str, schedule_free=False) -> dict:
    kernel, bias = params()
    optimizer = make([kernel, bias])
    if schedule_free:
        optimizer.train()
    weights, averaged = [], []
    for i, lr in enumerate(lrs):
        group = optimizer.param_groups[0]
        group["lr"] = lr
        if momentums is not None:
            if "betas" in group:
                group["betas"] = (momentums[i], group["betas"][1])
            else:
                group["momentum"] = momentums[i]
        loss_of(kernel, bias).backward()
        optimizer.step()
        optimizer.zero_grad()
        weights.append(flat(kernel, bias))
        if schedule_free:
            # What lr-compare does at every evaluation: x for evaluating, then back to y.
            optimizer.eval()
            averaged.append(flat(kernel, bias))
            optimizer.train()
    case = {"call": call, "settings": settings, "lr": lrs, "weights": weights}
    if momentums is not None:
        case["momentum"] = momentums
    if schedule_free:
        case["averaged"] = averaged
    return case


RATES = [0.05, 0.1, 0.08, 0.12, 0.06, 0.03, 0.1, 0.02]
CYCLED = [0.95, 0.9, 0.85, 0.8, 0.85, 0.9, 0.95, 0.9]


def cases() -> dict[str, list[dict]]:
    SGD, AdamW, Adam = torch.optim.SGD, torch.optim.AdamW, torch.optim.Adam
    return {
        "momentum": [
            run(lambda p: SGD(p, lr=0.1, momentum=0.9), {"name": "momentum", "momentum": 0.9}, RATES, None,
                "torch.optim.SGD(momentum=0.9), the rate set each step"),
            run(lambda p: SGD(p, lr=0.1, momentum=0.9), {"name": "momentum", "momentum": 0.9}, RATES, CYCLED,
                "torch.optim.SGD(momentum=0.9), rate and momentum set each step (cycle_momentum)"),
        ],
        "adam": [
            # tfjs' Adam adds epsilon 1e-7 (the float32 backend's); PyTorch is given the same.
            run(lambda p: Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-7), {"name": "adam"}, [r / 10 for r in RATES], CYCLED,
                "torch.optim.Adam(betas=(0.9, 0.999), eps=1e-7), rate and beta1 set each step (cycle_momentum)"),
        ],
        "adamw": [
            run(lambda p: AdamW(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01),
                {"name": "adamw", "weightDecay": 0.01}, [0.01] * 8, None,
                "torch.optim.AdamW(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)"),
            run(lambda p: AdamW(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.5),
                {"name": "adamw", "weightDecay": 0.5}, [r / 5 for r in RATES], None,
                "torch.optim.AdamW(betas=(0.9, 0.999), eps=1e-8, weight_decay=0.5), the rate set each step"),
            run(lambda p: AdamW(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1),
                {"name": "adamw", "weightDecay": 0.1}, [r / 10 for r in RATES], CYCLED,
                "torch.optim.AdamW(weight_decay=0.1), rate and beta1 set each step (cycle_momentum)"),
        ],
        "schedulefree_sgd": [
            run(lambda p: schedulefree.SGDScheduleFree(p, lr=0.1, momentum=0.9, weight_decay=0, warmup_steps=0, foreach=False),
                {"name": "schedulefree_sgd", "weightDecay": 0, "warmupSteps": 0}, [0.1] * 8, None,
                "schedulefree.SGDScheduleFree(lr=0.1, momentum=0.9)", schedule_free=True),
            run(lambda p: schedulefree.SGDScheduleFree(p, lr=0.1, momentum=0.9, weight_decay=0.01, warmup_steps=3, foreach=False),
                {"name": "schedulefree_sgd", "weightDecay": 0.01, "warmupSteps": 3}, [0.1] * 8, None,
                "schedulefree.SGDScheduleFree(lr=0.1, momentum=0.9, weight_decay=0.01, warmup_steps=3)", schedule_free=True),
            run(lambda p: schedulefree.SGDScheduleFree(p, lr=0.1, momentum=0.9, weight_decay=0, warmup_steps=2, foreach=False),
                {"name": "schedulefree_sgd", "weightDecay": 0, "warmupSteps": 2}, RATES, None,
                "schedulefree.SGDScheduleFree(momentum=0.9, warmup_steps=2), the rate set each step (lr_max tracks it)",
                schedule_free=True),
        ],
        "schedulefree_adamw": [
            run(lambda p: schedulefree.AdamWScheduleFree(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, warmup_steps=0, foreach=False),
                {"name": "schedulefree_adamw", "weightDecay": 0, "warmupSteps": 0}, [0.01] * 8, None,
                "schedulefree.AdamWScheduleFree(lr=0.01)", schedule_free=True),
            run(lambda p: schedulefree.AdamWScheduleFree(p, lr=0.02, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05, warmup_steps=3, foreach=False),
                {"name": "schedulefree_adamw", "weightDecay": 0.05, "warmupSteps": 3}, [0.02] * 8, None,
                "schedulefree.AdamWScheduleFree(lr=0.02, weight_decay=0.05, warmup_steps=3)", schedule_free=True),
        ],
    }


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    for name, items in cases().items():
        library = "schedulefree" if name.startswith("schedulefree") else "torch"
        fixture = {
            "optimizer": name,
            "library": library,
            "versions": {"torch": torch.__version__, **({"schedulefree": version("schedulefree")} if library == "schedulefree" else {})},
            "python": sys.version.split()[0],
            "generator": "scripts/golden/generate_optimizers.py",
            "tolerance": TOLERANCE,
            "problem": PROBLEM,
            "cases": items,
        }
        path = OUT_DIR / f"{name}.json"
        path.write_text(json.dumps(fixture, indent=1) + "\n")
        print(f"{path.relative_to(REPO)}: {len(items)} cases")


if __name__ == "__main__":
    main()
