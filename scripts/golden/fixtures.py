"""Shared by the golden generators: the fixture layout and where fixtures go.

Each generator records sequences from one library and writes
test/fixtures/schedules/<scheduler>.json with the library versions, the
precision the library computes in and the tolerance the TypeScript test
(test/schedulers/golden.test.ts) applies to that fixture.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "test" / "fixtures" / "schedules"

# float64 sources (PyTorch, transformers, timm): relative 1e-9.
FLOAT64 = {"precision": "float64", "relative": 1e-9, "absoluteOfPeak": 1e-15}
# float32 sources (Keras, optax): relative 1e-5, and 1e-6 of the case's peak rate near 0, where
# float32 cancellation (1 + cos(pi) is 6e-8, not 0) leaves an absolute error relative terms cannot bound.
FLOAT32 = {"precision": "float32", "relative": 1e-5, "absoluteOfPeak": 1e-6}


def context(base_lr: float, epochs: int, batches_per_epoch: int = 1) -> dict:
    return {"baseLr": base_lr, "epochs": epochs, "batchesPerEpoch": batches_per_epoch}


def case(spec: str, ctx: dict, lrs: list[float], call: str, metrics: list[float] | None = None) -> dict:
    result = {"spec": spec, "context": ctx, "steps": len(lrs), "call": call, "lr": [float(lr) for lr in lrs]}
    if metrics is not None:
        result["metrics"] = metrics
    return result


def write(name: str, library: str, versions: dict, tolerance: dict, generator: str, cases: list[dict]) -> None:
    for c in cases:
        if not all(math.isfinite(lr) for lr in c["lr"]):
            sys.exit(f"{name}: non-finite learning rate in {c['spec']}")
    fixture = {
        "scheduler": name,
        "library": library,
        "versions": {**versions, "python": sys.version.split()[0]},
        "tolerance": tolerance,
        "generator": generator,
        "cases": cases,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"{path.relative_to(REPO)}: {len(cases)} cases")
