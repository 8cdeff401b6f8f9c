#!/usr/bin/env python3
"""Golden sequences from Keras 3 (keras.optimizers.schedules and the
ReduceLROnPlateau callback), for the lr-compare schedulers of Keras origin.

A schedule is evaluated at steps 0..n-1 (`float(schedule(step))`, what the
optimizer uses during step i). ReduceLROnPlateau is driven as fit() drives it:
the optimizer's learning rate is read at the start of epoch i and
`on_epoch_end(i, {monitor: metrics[i]})` is called at its end.

    pip install tensorflow-cpu       # Keras 3 on the TensorFlow backend
    python3 scripts/golden/generate_keras.py
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras.optimizers import schedules as S  # noqa: E402

from fixtures import FLOAT32, case, context, write  # noqa: E402
from generate import ACCURACY, FLAT, LOSS  # noqa: E402  (the PyTorch plateau's metric series)

GENERATOR = "scripts/golden/generate_keras.py"


def steps_of(ctx: dict, unit: str = "epoch") -> int:
    return ctx["epochs"] * (ctx["batchesPerEpoch"] if unit == "batch" else 1)


def schedule_case(spec: str, ctx: dict, schedule, call: str, unit: str = "epoch") -> dict:
    return case(spec, ctx, [float(schedule(step)) for step in range(steps_of(ctx, unit))], call)


def exponential_decay_cases():
    return [
        schedule_case("exponential_decay:decay_steps=10,decay_rate=0.5", context(0.1, 40),
                      S.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5), "ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)"),
        schedule_case("exponential_decay:decay_steps=10,decay_rate=0.5,staircase=true", context(0.1, 40),
                      S.ExponentialDecay(0.1, 10, 0.5, staircase=True), "ExponentialDecay(0.1, 10, 0.5, staircase=True)"),
        schedule_case("exponential_decay:decay_steps=7,decay_rate=0.9,unit=batch", context(0.05, 3, 10),
                      S.ExponentialDecay(0.05, 7, 0.9), "ExponentialDecay(0.05, 7, 0.9)", unit="batch"),
    ]


def inverse_time_decay_cases():
    return [
        schedule_case("inverse_time_decay:decay_steps=5,decay_rate=0.5", context(0.1, 30),
                      S.InverseTimeDecay(0.1, 5, 0.5), "InverseTimeDecay(0.1, decay_steps=5, decay_rate=0.5)"),
        schedule_case("inverse_time_decay:decay_steps=4,decay_rate=1,staircase=true", context(0.2, 30),
                      S.InverseTimeDecay(0.2, 4, 1.0, staircase=True), "InverseTimeDecay(0.2, 4, 1.0, staircase=True)"),
        schedule_case("inverse_time_decay:decay_steps=2.5,decay_rate=0.1,unit=batch", context(0.05, 2, 20),
                      S.InverseTimeDecay(0.05, 2.5, 0.1), "InverseTimeDecay(0.05, 2.5, 0.1)", unit="batch"),
    ]


def piecewise_constant_decay_cases():
    return [
        # Keras' convention: values[0] while step <= boundaries[0] (the boundary step keeps the old value).
        schedule_case("piecewise_constant_decay:boundaries=5|12,values=0.1|0.05|0.001", context(0.3, 20),
                      S.PiecewiseConstantDecay([5, 12], [0.1, 0.05, 0.001]),
                      "PiecewiseConstantDecay([5, 12], [0.1, 0.05, 0.001])"),
        schedule_case("piecewise_constant_decay:boundaries=0|3,values=0.5|0.2|0.1", context(0.1, 8),
                      S.PiecewiseConstantDecay([0, 3], [0.5, 0.2, 0.1]), "PiecewiseConstantDecay([0, 3], [0.5, 0.2, 0.1])"),
        schedule_case("piecewise_constant_decay:boundaries=10,values=0.01|0.02,unit=batch", context(0.1, 2, 12),
                      S.PiecewiseConstantDecay([10], [0.01, 0.02]), "PiecewiseConstantDecay([10], [0.01, 0.02])", unit="batch"),
    ]


def polynomial_decay_cases():
    return [
        # Default decay_steps: the schedule's length (30); default end_learning_rate 1e-4.
        schedule_case("polynomial_decay", context(0.1, 30), S.PolynomialDecay(0.1, 30),
                      "PolynomialDecay(0.1, decay_steps=30, end_learning_rate=0.0001, power=1.0)"),
        schedule_case("polynomial_decay:decay_steps=10,end_learning_rate=0.01,power=2", context(0.1, 25),
                      S.PolynomialDecay(0.1, 10, end_learning_rate=0.01, power=2.0),
                      "PolynomialDecay(0.1, 10, end_learning_rate=0.01, power=2.0)"),
        # cycle=true: past decay_steps the period becomes decay_steps * ceil(step / decay_steps).
        schedule_case("polynomial_decay:decay_steps=8,power=0.5,cycle=true", context(0.1, 30),
                      S.PolynomialDecay(0.1, 8, power=0.5, cycle=True), "PolynomialDecay(0.1, 8, power=0.5, cycle=True)"),
    ]


def cosine_decay_cases():
    return [
        schedule_case("cosine_decay", context(0.1, 30), S.CosineDecay(0.1, 30), "CosineDecay(0.1, decay_steps=30, alpha=0.0)"),
        # Past decay_steps the rate stays at alpha * lr (PyTorch's cosine climbs back).
        schedule_case("cosine_decay:decay_steps=10,alpha=0.1", context(0.1, 20), S.CosineDecay(0.1, 10, alpha=0.1),
                      "CosineDecay(0.1, 10, alpha=0.1)"),
        schedule_case("cosine_decay:decay_steps=15,warmup_target=0.5,warmup_steps=5", context(0.05, 25),
                      S.CosineDecay(0.05, 15, warmup_target=0.5, warmup_steps=5),
                      "CosineDecay(0.05, 15, warmup_target=0.5, warmup_steps=5)"),
        # A warmup of 0 steps: the cosine starts at warmup_target.
        schedule_case("cosine_decay:decay_steps=10,warmup_target=0.2,warmup_steps=0", context(0.1, 15),
                      S.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=0),
                      "CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=0)"),
        # Default decay_steps with warmup: the schedule's length less warmup_steps (20 - 4).
        schedule_case("cosine_decay:warmup_target=0.2,warmup_steps=4", context(0.1, 20),
                      S.CosineDecay(0.1, 16, warmup_target=0.2, warmup_steps=4),
                      "CosineDecay(0.1, 16, warmup_target=0.2, warmup_steps=4)"),
    ]


def cosine_decay_restarts_cases():
    return [
        schedule_case("cosine_decay_restarts:first_decay_steps=3", context(0.1, 50), S.CosineDecayRestarts(0.1, 3),
                      "CosineDecayRestarts(0.1, 3, t_mul=2.0, m_mul=1.0, alpha=0.0)"),
        schedule_case("cosine_decay_restarts:first_decay_steps=5,t_mul=1,m_mul=0.5,alpha=0.1", context(0.1, 23),
                      S.CosineDecayRestarts(0.1, 5, t_mul=1.0, m_mul=0.5, alpha=0.1),
                      "CosineDecayRestarts(0.1, 5, t_mul=1.0, m_mul=0.5, alpha=0.1)"),
        schedule_case("cosine_decay_restarts:first_decay_steps=4,t_mul=1.5,m_mul=0.8", context(0.1, 60),
                      S.CosineDecayRestarts(0.1, 4, t_mul=1.5, m_mul=0.8), "CosineDecayRestarts(0.1, 4, t_mul=1.5, m_mul=0.8)"),
        # Default first_decay_steps: a quarter of the schedule (40 / 4).
        schedule_case("cosine_decay_restarts", context(0.1, 40), S.CosineDecayRestarts(0.1, 10),
                      "CosineDecayRestarts(0.1, 10)"),
        # t_mul near 1: float32 rounding of Keras' log() moves late cycles by more than 1e-5.
        schedule_case("cosine_decay_restarts:first_decay_steps=1,t_mul=1.1", context(0.1, 120),
                      S.CosineDecayRestarts(0.1, 1, t_mul=1.1), "CosineDecayRestarts(0.1, 1, t_mul=1.1)"),
        schedule_case("cosine_decay_restarts:first_decay_steps=2,t_mul=3,unit=batch", context(0.2, 4, 20),
                      S.CosineDecayRestarts(0.2, 2, t_mul=3.0), "CosineDecayRestarts(0.2, 2, t_mul=3.0)", unit="batch"),
    ]


def plateau_case(spec: str, ctx: dict, metrics: list[float], monitor: str, kwargs: dict) -> dict:
    """ReduceLROnPlateau as fit() drives it: lr read when epoch i starts, on_epoch_end(i) with metrics[i]."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=ctx["baseLr"]), loss="mse")
    callback = keras.callbacks.ReduceLROnPlateau(monitor=monitor, **kwargs)
    callback.set_model(model)
    callback.on_train_begin()
    lrs = []
    for epoch in range(len(metrics) + 1):
        lrs.append(float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)))
        if epoch < len(metrics):
            callback.on_epoch_end(epoch, {monitor: metrics[epoch]})
    args = ", ".join(f"{k}={v!r}" for k, v in {"monitor": monitor, **kwargs}.items())
    return case(spec, ctx, lrs, f"ReduceLROnPlateau({args})", metrics=metrics)


def keras_plateau_cases():
    return [
        plateau_case("keras_plateau", context(0.1, 30), LOSS, "val_loss", {}),
        plateau_case("keras_plateau:patience=2,cooldown=3,min_lr=0.01", context(0.1, 30), LOSS, "val_loss",
                     {"patience": 2, "cooldown": 3, "min_lr": 0.01}),
        plateau_case("keras_plateau:patience=1,min_delta=0.02,factor=0.5", context(0.1, 30), LOSS, "val_loss",
                     {"patience": 1, "min_delta": 0.02, "factor": 0.5}),
        # min_lr reached: the rate stops at min_lr and stays there.
        plateau_case("keras_plateau:patience=0,factor=0.5,min_lr=0.02", context(0.1, 30), LOSS, "val_loss",
                     {"patience": 0, "factor": 0.5, "min_lr": 0.02}),
        plateau_case("keras_plateau:mode=max,patience=1", context(0.2, 21), ACCURACY, "val_acc",
                     {"mode": "max", "patience": 1}),
        plateau_case("keras_plateau:monitor=val_acc,mode=max,patience=2,cooldown=1,min_delta=0.01", context(0.2, 21), ACCURACY,
                     "val_acc", {"mode": "max", "patience": 2, "cooldown": 1, "min_delta": 0.01}),
        # patience=1 with a cooldown: epochs inside the cooldown add no bad epoch, the one it ends with does.
        plateau_case("keras_plateau:patience=1,cooldown=2,factor=0.5", context(0.1, 9), [0.5] * 8,
                     "val_loss", {"patience": 1, "cooldown": 2, "factor": 0.5}),
        # min_delta=0: an equal value is not an improvement, in both modes.
        plateau_case("keras_plateau:min_delta=0,patience=1,factor=0.5", context(0.1, 7), FLAT, "val_loss",
                     {"min_delta": 0.0, "patience": 1, "factor": 0.5}),
        plateau_case("keras_plateau:mode=max,min_delta=0,patience=1,factor=0.5", context(0.1, 7), FLAT, "val_acc",
                     {"mode": "max", "min_delta": 0.0, "patience": 1, "factor": 0.5}),
        # A rate already below min_lr is left alone.
        plateau_case("keras_plateau:min_lr=0.2,patience=0", context(0.1, 7), FLAT, "val_loss", {"min_lr": 0.2, "patience": 0}),
    ]


ALL = {
    "exponential_decay": exponential_decay_cases,
    "inverse_time_decay": inverse_time_decay_cases,
    "piecewise_constant_decay": piecewise_constant_decay_cases,
    "polynomial_decay": polynomial_decay_cases,
    "cosine_decay": cosine_decay_cases,
    "cosine_decay_restarts": cosine_decay_restarts_cases,
    "keras_plateau": keras_plateau_cases,
}


def main() -> None:
    versions = {"keras": keras.__version__, "tensorflow": tf.__version__}
    for name, make in ALL.items():
        write(name, "keras", versions, FLOAT32, GENERATOR, make())


if __name__ == "__main__":
    main()
