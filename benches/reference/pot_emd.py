#!/usr/bin/env python3
"""POT's exact solver (`ot.emd2`) on the fixtures of dotae-ot's network simplex.

Writes seeded inputs as .npy files to crates/dotae-ot/tests/reference/emd/ with POT's costs in
pot_emd2.json (read by crates/dotae-ot/tests/emd.rs and benches/emd.rs). With --time, also
times `ot.emd2` on the 32x32 image pairs and the 1000-point clouds (median of --repeats runs),
with the cost matrix construction (`ot.dist`) timed separately.

    python3 benches/reference/pot_emd.py [--time] [--repeats 7]
"""

import argparse
import json
import pathlib
import statistics
import time

import numpy as np
import ot

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "crates" / "dotae-ot" / "tests" / "reference" / "emd"
SEED = 20240611
# Far above what these problems take, so POT never stops early.
NUM_ITER_MAX = 10**8
SIDE = 32


def histograms(rng, n, m):
    """Random histograms with about a tenth of their entries zero, and a random cost."""
    def histogram(size):
        h = rng.random(size)
        h[rng.random(size) < 0.1] = 0.0
        return h / h.sum()

    return histogram(n), histogram(m), rng.random((n, m)) * 10.0


def blobs(rng, count, floor):
    """A 32x32 image: a sum of random Gaussian blobs plus `floor`."""
    i, j = np.meshgrid(np.arange(SIDE), np.arange(SIDE), indexing="ij")
    image = np.full((SIDE, SIDE), floor)
    for _ in range(count):
        ci, cj = rng.uniform(4, SIDE - 4, size=2)
        width = rng.uniform(2.0, 6.0)
        image += rng.uniform(0.5, 1.0) * np.exp(-((i - ci) ** 2 + (j - cj) ** 2) / (2 * width**2))
    return image


def sparse(image):
    """The image with its faint pixels (below 30% of its peak) set to zero."""
    return np.where(image >= 0.3 * image.max(), image, 0.0)


def grid_cost():
    pixels = np.stack(np.meshgrid(np.arange(SIDE), np.arange(SIDE), indexing="ij"), -1)
    pixels = pixels.reshape(-1, 2).astype(np.float64)
    return ot.dist(pixels, pixels)


def image_problem(a, b):
    return a.ravel() / a.sum(), b.ravel() / b.sum()


def points(rng):
    x = rng.normal(size=(1000, 2))
    y = np.concatenate([rng.normal(size=(500, 2)) * 0.5 + [2.0, 0.0], rng.normal(size=(500, 2)) * 0.7 + [-1.0, 2.0]])
    return x, y


def emd2(a, b, cost):
    value, log = ot.emd2(a, b, cost, numItermax=NUM_ITER_MAX, log=True)
    if log["warning"] is not None:
        raise RuntimeError(log["warning"])
    return float(value)


def median_seconds(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time", action="store_true", help="time ot.emd2 on the image pairs and point clouds")
    parser.add_argument("--repeats", type=int, default=7, help="runs per timing (median)")
    args = parser.parse_args()

    rng = np.random.default_rng(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    results = {"pot_version": ot.__version__, "seed": SEED, "histograms": [], "images": []}

    for name, (n, m) in {"hist_50": (50, 50), "hist_200": (200, 100)}.items():
        a, b, cost = histograms(rng, n, m)
        for suffix, array in (("a", a), ("b", b), ("cost", cost)):
            np.save(OUT / f"{name}_{suffix}.npy", array)
        results["histograms"].append(name)
        results[name] = {"emd2": emd2(a, b, cost), "shape": [n, m]}

    grid = grid_cost()
    images = {
        "image_positive": (blobs(rng, 3, 1e-3), blobs(rng, 3, 1e-3)),
        "image_sparse": (sparse(blobs(rng, 2, 0.0)), sparse(blobs(rng, 2, 0.0))),
    }
    for name, (a, b) in images.items():
        np.save(OUT / f"{name}_a.npy", a)
        np.save(OUT / f"{name}_b.npy", b)
        results["images"].append(name)
        results[name] = {
            "emd2": emd2(*image_problem(a, b), grid),
            "pixels_with_mass": [int((a > 0).sum()), int((b > 0).sum())],
        }

    x, y = points(rng)
    np.save(OUT / "points_x.npy", x)
    np.save(OUT / "points_y.npy", y)
    uniform = np.full(1000, 1e-3)
    results["points"] = {"emd2": emd2(uniform, uniform, ot.dist(x, y)), "shape": [1000, 1000]}

    (OUT / "pot_emd2.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))

    if args.time:
        print(f"POT {ot.__version__}: median of {args.repeats} runs, seconds")
        pixels = np.stack(np.meshgrid(np.arange(SIDE), np.arange(SIDE), indexing="ij"), -1).reshape(-1, 2) * 1.0
        print(f"  ot.dist 1024x1024 pixel grid cost: {median_seconds(lambda: ot.dist(pixels, pixels), args.repeats):.4f}")
        for name, (a, b) in images.items():
            pa, pb = image_problem(a, b)
            seconds = median_seconds(lambda: emd2(pa, pb, grid), args.repeats)
            print(f"  ot.emd2 {name} (1024x1024, cost prebuilt): {seconds:.4f}")
        print(f"  ot.dist 1000x1000 point cost: {median_seconds(lambda: ot.dist(x, y), args.repeats):.4f}")
        cost = ot.dist(x, y)
        seconds = median_seconds(lambda: emd2(uniform, uniform, cost), args.repeats)
        print(f"  ot.emd2 points (1000x1000, cost prebuilt): {seconds:.4f}")


if __name__ == "__main__":
    main()
