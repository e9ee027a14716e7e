#!/usr/bin/env python3
"""How many of a run's decoded pixels would send subnormal gradients into the decoder.

A sigmoid decoder trained towards a black background pushes its logits far below zero. Its
outputs y then fall below 1e-33, subnormal (below f32's smallest normal, 1.18e-38) or exactly
0. The gradient through the sigmoid is the loss's times y (1 - y), and a mean loss over a
batch of 64 images of 1 024 pixels hands each pixel about 1.5e-5, so every output between
1.18e-38 and about 1e-33 gives a subnormal gradient (one below BCE's floor of 1e-37 gets none
from the loss), and every multiply-add that reads a subnormal is about a hundred times slower
on x86 (dotae_kernels::flush_subnormals, docs/performance.md).

Prints, for each paths.npy (decoded frames in [0, 1]), the shares of its pixels that are
exactly 0, subnormal as f32, and normal but below 1e-33.

Reference program for docs/performance.md; not a dependency of the project (pure Python).

    python3 tests/reference/subnormal_share.py RUN_DIR/METHOD/paths.npy [...]
"""

import sys

from stranded_mass import read_npy

F32_MIN_NORMAL = 1.1754943508222875e-38
SUBNORMAL_GRADIENT_BELOW = 1e-33


def main(paths):
    for path in paths:
        values, _ = read_npy(path)
        zero = sum(1 for v in values if v == 0.0)
        subnormal = sum(1 for v in values if 0.0 < v < F32_MIN_NORMAL)
        tiny = sum(1 for v in values if F32_MIN_NORMAL <= v < SUBNORMAL_GRADIENT_BELOW)
        n = len(values)
        print(
            f"{path}: {n} pixels; exactly 0: {zero / n:.1%}, subnormal: {subnormal / n:.1%}, "
            f"normal below {SUBNORMAL_GRADIENT_BELOW:g}: {tiny / n:.1%}"
        )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
