#!/usr/bin/env python3
"""POT reference for dotae-ot's entropic solvers (crates/dotae-ot/src/entropic).

Writes seeded inputs and POT 0.9.7's outputs as small fixtures to
crates/dotae-ot/tests/reference/entropic/ (read by crates/dotae-ot/tests/entropic.rs):

- shapes{32,64}.npy: four k x n x n shape images (disk, square, ring, cross), each
  normalised to sum 1 as in POT's barycentre example;
- barycentre{32,64}_{uniform,skewed}.npy: ot.bregman.convolutional_barycenter2d of them
  (method "sinkhorn", reg 0.004, default stopThr 1e-4), and *_fixed.npy after exactly
  FIXED_ITERATIONS iterations (stopThr 0);
- sinkhorn_{a,b,cost}.npy, sinkhorn_plan.npy: a random problem and ot.sinkhorn(...,
  method="sinkhorn_log")'s plan; unbalanced_{a,b}.npy (a without its zero), unbalanced_plan.npy: the same cost
  with unequal masses and ot.unbalanced.sinkhorn_unbalanced(reg_type="kl")'s plan;
- entropic.json: every parameter, cost and iteration count.

With --time it also times POT on the same inputs (median of --repeats runs) and prints them.
Usage: python3 benches/reference/pot_entropic.py [--time] [--repeats 7]
"""

import argparse
import json
import pathlib
import time
import warnings

import numpy as np
import ot

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "crates" / "dotae-ot" / "tests" / "reference" / "entropic"

BARYCENTRE_REG = 0.004
FIXED_ITERATIONS = 200
WEIGHTS = {"uniform": [0.25, 0.25, 0.25, 0.25], "skewed": [0.1, 0.2, 0.3, 0.4]}
SINKHORN_REG = 0.05
UNBALANCED_REG = 0.05
UNBALANCED_REG_M = 1.0


def shapes(n):
    """Four binary shapes on an n x n grid, normalised to sum 1 (POT's example's convention)."""
    t = (np.arange(n) + 0.5) / n
    y, x = np.meshgrid(t, t, indexing="ij")
    r = np.hypot(x - 0.5, y - 0.5)
    disk = r < 0.3
    square = (np.abs(x - 0.5) < 0.25) & (np.abs(y - 0.5) < 0.25)
    ring = (r < 0.35) & (r > 0.2)
    cross = ((np.abs(x - 0.5) < 0.08) | (np.abs(y - 0.5) < 0.08)) & (np.maximum(np.abs(x - 0.5), np.abs(y - 0.5)) < 0.35)
    images = np.stack([disk, square, ring, cross]).astype(np.float64)
    return images / images.sum(axis=(1, 2), keepdims=True)


def sinkhorn_problem():
    rng = np.random.default_rng(20240611)
    n, m = 40, 50
    x = rng.uniform(size=(n, 2))
    y = rng.uniform(size=(m, 2)) + 0.3
    cost = ot.dist(x, y)  # squared Euclidean
    cost /= cost.max()
    a = rng.uniform(0.1, 1.0, size=n)
    a[3] = 0.0  # a point without mass
    a /= a.sum()
    b = rng.uniform(0.1, 1.0, size=m)
    b /= b.sum()
    # POT's kernel-domain unbalanced solver divides 0 by 0 where a is 0: every point has mass.
    a_unbalanced = a.copy()
    a_unbalanced[3] = a.max()
    b_unbalanced = 1.5 * b
    return a, b, a_unbalanced, b_unbalanced, cost


def barycentre(images, weights, **kwargs):
    bar, log = ot.bregman.convolutional_barycenter2d(
        images, BARYCENTRE_REG, weights=np.array(weights), log=True, warn=False, **kwargs
    )
    return bar, int(log["niter"]) + 1


def write_fixtures():
    OUT.mkdir(parents=True, exist_ok=True)
    summary = {
        "pot_version": ot.__version__,
        "barycentre": {"reg": BARYCENTRE_REG, "stop_threshold": 1e-4, "fixed_iterations": FIXED_ITERATIONS,
                       "weights": WEIGHTS, "iterations": {}},
    }
    for n in (32, 64):
        images = shapes(n)
        np.save(OUT / f"shapes{n}.npy", images)
        for name, weights in WEIGHTS.items():
            bar, iterations = barycentre(images, weights)
            np.save(OUT / f"barycentre{n}_{name}.npy", bar)
            summary["barycentre"]["iterations"][f"{n}_{name}"] = iterations
        bar, iterations = barycentre(images, WEIGHTS["skewed"], numItermax=FIXED_ITERATIONS, stopThr=0.0)
        assert iterations == FIXED_ITERATIONS
        np.save(OUT / f"barycentre{n}_skewed_fixed.npy", bar)

    a, b, a_unbalanced, b_unbalanced, cost = sinkhorn_problem()
    for name, value in (("sinkhorn_a", a), ("sinkhorn_b", b), ("sinkhorn_cost", cost),
                        ("unbalanced_a", a_unbalanced), ("unbalanced_b", b_unbalanced)):
        np.save(OUT / f"{name}.npy", value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # log(0) for the point without mass, as POT expects
        plan, log = ot.sinkhorn(a, b, cost, SINKHORN_REG, method="sinkhorn_log", log=True, stopThr=1e-9, numItermax=1000)
        linear_cost = float(ot.sinkhorn2(a, b, cost, SINKHORN_REG, method="sinkhorn_log", stopThr=1e-9, numItermax=1000))
    np.save(OUT / "sinkhorn_plan.npy", plan)
    summary["sinkhorn"] = {
        "reg": SINKHORN_REG, "stop_threshold": 1e-9, "max_iterations": 1000,
        "cost": linear_cost,
        "iterations": int(log["niter"]) + 1,
        "marginal_error": float(log["err"][-1]),
    }
    plan, log = ot.unbalanced.sinkhorn_unbalanced(a_unbalanced, b_unbalanced, cost, UNBALANCED_REG, UNBALANCED_REG_M,
                                                  reg_type="kl", stopThr=1e-13, numItermax=100000, log=True)
    np.save(OUT / "unbalanced_plan.npy", plan)
    summary["unbalanced"] = {
        "reg": UNBALANCED_REG, "reg_m": UNBALANCED_REG_M, "stop_threshold": 1e-13,
        "cost": float(log["cost"]), "iterations": len(log["err"]),
    }
    (OUT / "entropic.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote fixtures to {OUT}")


def median_seconds(function, repeats):
    function()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def time_pot(repeats):
    a, b, _, _, cost = sinkhorn_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = median_seconds(lambda: ot.sinkhorn2(a, b, cost, SINKHORN_REG, method="sinkhorn_log",
                                                stopThr=1e-9, numItermax=1000), repeats)
    print(f"POT sinkhorn2(method=sinkhorn_log) 40x50 reg={SINKHORN_REG}: median {s * 1e3:.3f} ms over {repeats} runs")
    for n in (32, 64):
        images = shapes(n)
        weights = np.array(WEIGHTS["skewed"])
        s = median_seconds(lambda: ot.bregman.convolutional_barycenter2d(
            images, BARYCENTRE_REG, weights=weights, numItermax=FIXED_ITERATIONS, stopThr=0.0, warn=False), repeats)
        print(f"POT convolutional_barycenter2d 4x{n}x{n} reg={BARYCENTRE_REG} {FIXED_ITERATIONS} iterations: "
              f"median {s * 1e3:.3f} ms over {repeats} runs")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time", action="store_true", help="also time POT on the same inputs")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    write_fixtures()
    if args.time:
        time_pot(args.repeats)


if __name__ == "__main__":
    main()
