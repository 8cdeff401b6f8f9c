#!/usr/bin/env python3
"""Golden sequences from optax (optax.schedules), for the lr-compare schedulers
of optax origin: `float(schedule(step))` for step = 0..n-1, with jax's default
float32 (the fixtures state a float32 tolerance).

    pip install jax optax
    python3 scripts/golden/generate_optax.py
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

from fixtures import FLOAT32, case, context, write

GENERATOR = "scripts/golden/generate_optax.py"


def steps_of(ctx: dict, unit: str = "epoch") -> int:
    return ctx["epochs"] * (ctx["batchesPerEpoch"] if unit == "batch" else 1)


def optax_case(spec: str, ctx: dict, schedule, call: str, unit: str = "epoch") -> dict:
    # An int32 step count, as optax's optimizers pass it.
    return case(spec, ctx, [float(schedule(jnp.asarray(step, dtype=jnp.int32))) for step in range(steps_of(ctx, unit))], call)


def warmup_cosine_decay_cases():
    return [
        # decay_steps counts the warmup: 5 warmup + 45 cosine = 50; peak_value defaults to --lr.
        optax_case("warmup_cosine_decay:init_value=0,warmup_steps=5", context(0.1, 50),
                   optax.warmup_cosine_decay_schedule(0.0, 0.1, 5, 50), "warmup_cosine_decay_schedule(0.0, 0.1, warmup_steps=5, decay_steps=50)"),
        # Past decay_steps the rate stays at end_value.
        optax_case("warmup_cosine_decay:init_value=0.01,peak_value=0.2,warmup_steps=4,decay_steps=20,end_value=0.02,exponent=2",
                   context(0.1, 30),
                   optax.warmup_cosine_decay_schedule(0.01, 0.2, 4, 20, end_value=0.02, exponent=2.0),
                   "warmup_cosine_decay_schedule(0.01, 0.2, 4, 20, end_value=0.02, exponent=2.0)"),
        # A warmup of 0 steps: the cosine from step 0.
        optax_case("warmup_cosine_decay:init_value=0.001,warmup_steps=0,unit=batch", context(0.1, 3, 10),
                   optax.warmup_cosine_decay_schedule(0.001, 0.1, 0, 30), "warmup_cosine_decay_schedule(0.001, 0.1, 0, 30)", "batch"),
    ]


def warmup_exponential_decay_cases():
    return [
        optax_case("warmup_exponential_decay:init_value=0,warmup_steps=5,transition_steps=5,decay_rate=0.5", context(0.1, 40),
                   optax.warmup_exponential_decay_schedule(0.0, 0.1, 5, 5, 0.5),
                   "warmup_exponential_decay_schedule(0.0, 0.1, 5, transition_steps=5, decay_rate=0.5)"),
        optax_case("warmup_exponential_decay:init_value=0.01,peak_value=0.2,warmup_steps=3,transition_steps=4,decay_rate=0.5,"
                   "transition_begin=5,staircase=true,end_value=0.02", context(0.1, 40),
                   optax.warmup_exponential_decay_schedule(0.01, 0.2, 3, 4, 0.5, transition_begin=5, staircase=True, end_value=0.02),
                   "warmup_exponential_decay_schedule(0.01, 0.2, 3, 4, 0.5, transition_begin=5, staircase=True, end_value=0.02)"),
        # decay_rate > 1 with end_value: a ceiling; warmup of 0 steps.
        optax_case("warmup_exponential_decay:init_value=0.01,peak_value=0.01,warmup_steps=0,transition_steps=3,decay_rate=1.5,end_value=0.1",
                   context(0.1, 20),
                   optax.warmup_exponential_decay_schedule(0.01, 0.01, 0, 3, 1.5, end_value=0.1),
                   "warmup_exponential_decay_schedule(0.01, 0.01, 0, 3, 1.5, end_value=0.1)"),
        # decay_rate=1: optax clips with minimum (its test is decay_rate < 1 for maximum), so end_value below peak caps it.
        optax_case("warmup_exponential_decay:init_value=0,warmup_steps=2,transition_steps=3,decay_rate=1,end_value=0.05",
                   context(0.1, 8),
                   optax.warmup_exponential_decay_schedule(0.0, 0.1, 2, 3, 1.0, end_value=0.05),
                   "warmup_exponential_decay_schedule(0.0, 0.1, 2, 3, 1.0, end_value=0.05)"),
    ]


def linear_onecycle_cases():
    return [
        # Default transition_steps: the schedule's length; peak_value: --lr.
        optax_case("linear_onecycle", context(0.1, 50), optax.linear_onecycle_schedule(50, 0.1), "linear_onecycle_schedule(50, 0.1)"),
        optax_case("linear_onecycle:transition_steps=30,peak_value=0.5,pct_start=0.25,pct_final=0.7,div_factor=10,final_div_factor=100",
                   context(0.1, 40),
                   optax.linear_onecycle_schedule(30, 0.5, pct_start=0.25, pct_final=0.7, div_factor=10.0, final_div_factor=100.0),
                   "linear_onecycle_schedule(30, 0.5, pct_start=0.25, pct_final=0.7, div_factor=10.0, final_div_factor=100.0)"),
        # Boundaries rounded down: int(0.3 * 7) = 2, int(0.85 * 7) = 5.
        optax_case("linear_onecycle:transition_steps=7,unit=batch", context(0.1, 2, 5), optax.linear_onecycle_schedule(7, 0.1),
                   "linear_onecycle_schedule(7, 0.1)", "batch"),
        # pct_start after pct_final: optax sorts the boundaries (12 -> x div_factor, 4 -> / div_factor).
        optax_case("linear_onecycle:transition_steps=20,pct_start=0.6,pct_final=0.2", context(0.1, 25),
                   optax.linear_onecycle_schedule(20, 0.1, pct_start=0.6, pct_final=0.2),
                   "linear_onecycle_schedule(20, 0.1, pct_start=0.6, pct_final=0.2)"),
        # int(0.5 * 10) = int(0.55 * 10) = 5: one dict key, the later scale (1 / div_factor) wins.
        optax_case("linear_onecycle:transition_steps=10,pct_start=0.5,pct_final=0.55", context(0.1, 12),
                   optax.linear_onecycle_schedule(10, 0.1, pct_start=0.5, pct_final=0.55),
                   "linear_onecycle_schedule(10, 0.1, pct_start=0.5, pct_final=0.55)"),
    ]


ALL = {
    "warmup_cosine_decay": warmup_cosine_decay_cases,
    "warmup_exponential_decay": warmup_exponential_decay_cases,
    "linear_onecycle": linear_onecycle_cases,
}


def main() -> None:
    versions = {"optax": optax.__version__, "jax": jax.__version__}
    for name, make in ALL.items():
        write(name, "optax", versions, FLOAT32, GENERATOR, make())


if __name__ == "__main__":
    main()
