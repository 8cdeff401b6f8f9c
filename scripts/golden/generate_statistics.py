#!/usr/bin/env python3
"""Write golden statistics from SciPy for src/results/student-t.ts and src/results/statistics.ts.

Records, in float64:
  - Student's t CDF (scipy.stats.t.cdf) over a grid of t and degrees of freedom, integer and not
    (Welch's test gives fractional ones), including huge |t| (tiny tails) and t near the point where
    the incomplete beta's continued fraction switches from I_x(a, b) to 1 - I_{1-x}(b, a);
  - Student's t quantiles (scipy.stats.t.ppf);
  - the regularized incomplete beta function I_x(a, b) (scipy.special.betainc), with a or b below
    0.5 (the log-gamma's reflection branch), a down to 1e-12, and the Beta CDF outside [0, 1]
    (scipy.stats.beta.cdf);
  - paired t-tests (scipy.stats.ttest_1samp of the differences against 0), Welch's t-tests
    (scipy.stats.ttest_ind(equal_var=False)) and the sample mean, standard deviation (ddof=1) and 95%
    t confidence interval (scipy.stats.t.interval) of small samples.

Every recorded number is checked against a 50-digit mpmath computation of the same quantity before
the fixture is written (the generator stops if SciPy disagrees by more than 1/100 of the tolerance).

Output: test/fixtures/statistics/scipy.json, read by test/statistics/golden.test.ts. Each record
carries the relative tolerance the test applies (see `cdf_tolerance`). Regenerate with

    /work/venv-golden/bin/python scripts/golden/generate_statistics.py     # needs scipy, numpy, mpmath
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import mpmath as mp
import numpy as np
import scipy
from scipy import special, stats

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "test" / "fixtures" / "statistics" / "scipy.json"
GENERATOR = "scripts/golden/generate_statistics.py"


def cdf_tolerance(df: float) -> float:
    """Relative tolerance of the t CDF at `df` degrees of freedom.

    lr-compare computes the incomplete beta's prefactor as exp(lgamma(a + b) - lgamma(a) - lgamma(b) + ...)
    with a = df / 2: the log-gammas grow like df log df, so the cancellation costs about df * 1e-16 of
    relative accuracy (measured: 5e-12 at df 1e3, 8e-10 at 1e5); the continued fraction itself converges
    to 1e-15.
    """
    if df <= 100:
        return 1e-12
    if df <= 1e4:
        return 1e-10
    return 1e-8


def t_cdf_cases() -> list[dict]:
    cases = []
    degrees = [1, 2, 3, 4, 4.5, 7.3, 10, 29, 100, 1000, 1e5]
    # sqrt(3 df / (df + 2)) is where x = df / (df + t^2) meets (a + 1) / (a + b + 2): the branch switch.
    ts = [-1e6, -1e3, -50, -12, -4, -2, -1, -0.3, 0, 0.3, 1, 2, 4, 12, 50]
    for df in degrees:
        switch = math.sqrt(3 * df / (df + 2))
        for t in ts + [-switch * (1 + 1e-9), -switch, -switch * (1 - 1e-9)]:
            value = float(stats.t.cdf(t, df))
            if value == 0.0:
                continue  # underflow in both: nothing to compare
            cases.append({"t": t, "df": df, "cdf": value, "relative": cdf_tolerance(df)})
    return cases


def t_quantile_cases() -> list[dict]:
    cases = []
    for df in [1, 2, 4.5, 9, 29, 100]:
        for p in [0.001, 0.025, 0.1, 0.4, 0.5, 0.6, 0.9, 0.975, 0.995, 0.9995]:
            q = float(stats.t.ppf(p, df))
            if abs(q) >= 1e3:
                continue  # the quantile searches [-1000, 1000]: far beyond what a 95% interval needs
            cases.append({"p": p, "df": df, "quantile": q, "relative": 1e-10})
    return cases


def beta_cases() -> list[dict]:
    cases = []
    # Tiny a: the log-gamma's reflection formula matters there (without it, lgamma(1e-8) is off by 5e-9).
    shapes = [(1e-12, 2), (1e-8, 0.5), (0.1, 0.2), (0.25, 0.5), (0.5, 0.3), (0.5, 5), (5, 0.5), (2, 3), (30, 40), (200, 300)]
    for a, b in shapes:
        for x in [1e-10, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-10]:
            value = float(special.betainc(a, b, x))
            if value == 0.0:
                continue  # underflow (I_1e-10(200, 300) is 1e-1856)
            cases.append({"x": x, "a": a, "b": b, "value": value, "relative": 1e-11})
    # The Beta(a, b) distribution's CDF outside its support [0, 1], and at its ends.
    for x in [-0.5, 0.0, 1.0, 1.5]:
        cases.append({"x": x, "a": 2, "b": 3, "value": float(stats.beta.cdf(x, 2, 3)), "relative": 0})
    return cases


def paired_cases() -> list[dict]:
    samples = [
        [1, 2, 3, 4, 5],
        [0.01, 0.03],  # n = 2: one degree of freedom
        [-0.004, -0.001, -0.006, 0.001],  # the best lost on average: negative mean difference
        [0.012, -0.003, 0.007, 0.004, 0.009, -0.001, 0.006, 0.002, 0.011, 0.005],
        [0.01, -0.01],  # mean 0 with spread: t = 0, p = 1
        [0.5, 0.5 + 2**-20, 0.5 - 2**-20, 0.5 + 2**-19],  # huge t, tiny p
    ]
    cases = []
    for differences in samples:
        result = stats.ttest_1samp(differences, 0.0)
        cases.append(
            {
                "differences": differences,
                "meanDifference": float(np.mean(differences)),
                "t": float(result.statistic),
                "df": float(result.df),
                "pValue": float(result.pvalue),
                "relative": 1e-9,
            }
        )
    return cases


def welch_cases() -> list[dict]:
    pairs = [
        ([0.94, 0.95, 0.93], [0.90, 0.91]),
        ([0.90, 0.91], [0.94, 0.95, 0.93]),  # the other order: negative difference, same p
        ([1, 2, 3, 4, 5, 6], [10, 30, 50]),  # very unequal variances: df far from n1 + n2 - 2
        ([0.9, 0.9, 0.9], [0.8, 0.85, 0.82, 0.81]),  # one sample without spread: df = n2 - 1
        ([0.8, 0.85, 0.82, 0.81], [0.9, 0.9, 0.9]),
        ([0.93, 0.94], [0.92, 0.95]),  # equal means: t = 0, p = 1
        ([1, 1 + 2**-20, 1 - 2**-20], [0, 2**-20, -(2**-20)]),  # huge t, tiny p
        ([0.941, 0.938, 0.944, 0.940, 0.943], [0.936, 0.939, 0.935, 0.941, 0.937]),
    ]
    cases = []
    for first, second in pairs:
        result = stats.ttest_ind(first, second, equal_var=False)
        cases.append(
            {
                "first": first,
                "second": second,
                "meanDifference": float(np.mean(first) - np.mean(second)),
                "t": float(result.statistic),
                "df": float(result.df),
                "pValue": float(result.pvalue),
                "relative": 1e-9,
            }
        )
    return cases


def describe_cases() -> list[dict]:
    samples = [[1, 2, 3, 4, 5], [0.93, 0.95], [0.9412, 0.9398, 0.9405, 0.9421], [3, 3, 4]]
    cases = []
    for values in samples:
        n = len(values)
        mean = float(np.mean(values))
        std = float(np.std(values, ddof=1))
        low, high = stats.t.interval(0.95, n - 1, loc=mean, scale=std / math.sqrt(n))
        cases.append({"values": values, "n": n, "mean": mean, "std": std, "ci95": [float(low), float(high)], "relative": 1e-12})
    return cases


def mp_t_cdf(t: float, df: float) -> mp.mpf:
    t, df = mp.mpf(t), mp.mpf(df)
    tail = mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2
    return 1 - tail if t >= 0 else tail


def mp_moments(values: list[float]) -> tuple[mp.mpf, mp.mpf, int]:
    """Mean and squared standard error (sample variance / n) in 50 digits."""
    xs = [mp.mpf(v) for v in values]
    n = len(xs)
    mean = sum(xs) / n
    return mean, sum((x - mean) ** 2 for x in xs) / (n - 1) / n, n


def cross_check(fixture: dict) -> None:
    """Recompute every recorded number with mpmath at 50 digits; stop on a disagreement."""
    mp.mp.dps = 50

    def agree(what: str, recorded: float, exact: mp.mpf, relative: float) -> None:
        error = abs(mp.mpf(recorded) - exact)
        if error > max(relative / 100, 1e-14) * abs(exact) and error > 0:
            sys.exit(f"scipy and mpmath disagree on {what}: {recorded} vs {mp.nstr(exact, 17)}")

    for c in fixture["tCdf"]:
        agree(f"t cdf {c}", c["cdf"], mp_t_cdf(c["t"], c["df"]), c["relative"])
    for c in fixture["tQuantile"]:
        exact = mp.findroot(lambda q: mp_t_cdf(q, c["df"]) - c["p"], c["quantile"]) if c["p"] != 0.5 else mp.mpf(0)
        agree(f"t quantile {c}", c["quantile"], exact, c["relative"])
    for c in fixture["regularizedBeta"]:
        exact = mp.betainc(c["a"], c["b"], 0, min(max(c["x"], 0), 1), regularized=True)
        agree(f"incomplete beta {c}", c["value"], exact, c["relative"])
    for c in fixture["paired"]:
        mean, se2, n = mp_moments(c["differences"])
        t = mean / mp.sqrt(se2)
        agree(f"paired t {c}", c["t"], t, c["relative"])
        agree(f"paired p {c}", c["pValue"], 2 * mp_t_cdf(-abs(t), n - 1), c["relative"])
    for c in fixture["welch"]:
        mean_a, se2_a, n_a = mp_moments(c["first"])
        mean_b, se2_b, n_b = mp_moments(c["second"])
        t = (mean_a - mean_b) / mp.sqrt(se2_a + se2_b)
        df = (se2_a + se2_b) ** 2 / (se2_a**2 / (n_a - 1) + se2_b**2 / (n_b - 1))
        agree(f"welch t {c}", c["t"], t, c["relative"])
        agree(f"welch df {c}", c["df"], df, c["relative"])
        agree(f"welch p {c}", c["pValue"], 2 * mp_t_cdf(-abs(t), df), c["relative"])


def main() -> None:
    fixture = {
        "library": "scipy",
        "versions": {"scipy": scipy.__version__, "numpy": np.__version__, "mpmath": mp.__version__, "python": sys.version.split()[0]},
        "generator": GENERATOR,
        "precision": "float64",
        "tCdf": t_cdf_cases(),
        "tQuantile": t_quantile_cases(),
        "regularizedBeta": beta_cases(),
        "paired": paired_cases(),
        "welch": welch_cases(),
        "describe": describe_cases(),
    }
    cross_check(fixture)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    counts = ", ".join(f"{key} {len(value)}" for key, value in fixture.items() if isinstance(value, list))
    print(f"{OUT.relative_to(REPO)}: {counts}")


if __name__ == "__main__":
    main()
