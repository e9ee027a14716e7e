#!/usr/bin/env python3
"""How much mass a decoded path must carry across empty pixels, per step.

The path energy of a step t -> t+1 (docs/design.md, the DESIGN's discretisation) moves the mass
difference b = rho_t - rho_{t+1} along faces weighted by the mean of their two cells' midpoint
density (rho_t + rho_{t+1}) / 2. A face both of whose cells are empty in both frames has only
the density floor's weight, so the energy of any flux through it is the floor's. Join the cells
through the faces that have a cell above the floor in either frame: in each joined region the
step must bring in or take out the region's share of b, and whatever does not balance inside a
region crosses floor-weighted faces. That amount, summed over regions and halved, is the step's
stranded mass; a path's is its largest step's. Mass that jumps between two places with at
least two empty pixels between them (in both frames) is stranded; mass that moves through
haze, or a gap of one empty pixel, is not.

The cells count as empty below 1e-5 times their frame's mean density: the raised floor of
dotae_metrics::FloorCheck (its 1e-6 relative floor times FLOOR_CHECK_FACTOR = 10), below which
raising the floor changes the cell's weight. Frames are normalised to unit mass, as
dotae_metrics::PathMeasure does; the border has no faces (Neumann).

Reference program for docs/experiments.md; not a dependency of the project (pure Python).

    python3 tests/reference/stranded_mass.py RUN_DIR/METHOD/paths.npy [THRESHOLD]

prints, per path, its stranded mass, then the median over paths, the share of the frames' cells
below the empty level, and how many paths strand more than THRESHOLD (default 1e-4) of their
unit mass.
"""

import ast
import struct
import sys
from array import array

EMPTY_BELOW = 1e-5  # times the frame's mean density


def empty_level(cells):
    """The density below which a cell of a unit-mass frame of `cells` cells counts as empty."""
    return EMPTY_BELOW / cells


def read_npy(path):
    """The values (flat, float) and shape of a little-endian float32/float64 C-order .npy."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        sys.exit(f"{path}: not a .npy file")
    major = data[6]
    if major == 1:
        (length,) = struct.unpack("<H", data[8:10])
        start = 10
    else:
        (length,) = struct.unpack("<I", data[8:12])
        start = 12
    header = ast.literal_eval(data[start:start + length].decode("latin1"))
    if header["fortran_order"]:
        sys.exit(f"{path}: Fortran order is not read here")
    code = {"<f4": "f", "<f8": "d"}.get(header["descr"])
    if code is None:
        sys.exit(f"{path}: dtype {header['descr']} is not read here (little-endian f4 or f8)")
    values = array(code)
    values.frombytes(data[start + length:])
    return values, header["shape"]


def find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def stranded(frame_a, frame_b, rows, cols):
    """The mass step a -> b must move across floor-weighted faces (both frames unit mass)."""
    cells = rows * cols
    level = empty_level(cells)
    live = [frame_a[c] > level or frame_b[c] > level for c in range(cells)]
    parent = list(range(cells))

    def join(p, q):
        if live[p] or live[q]:
            rp, rq = find(parent, p), find(parent, q)
            if rp != rq:
                parent[rp] = rq

    for r in range(rows):
        for c in range(cols):
            k = r * cols + c
            if c + 1 < cols:
                join(k, k + 1)
            if r + 1 < rows:
                join(k, k + cols)
    imbalance = {}
    for k in range(cells):
        root = find(parent, k)
        imbalance[root] = imbalance.get(root, 0.0) + frame_a[k] - frame_b[k]
    return sum(abs(v) for v in imbalance.values()) / 2


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    values, shape = read_npy(sys.argv[1])
    threshold = float(sys.argv[2]) if len(sys.argv) == 3 else 1e-4
    if len(shape) != 5 or shape[2] != 1:
        sys.exit(f"{sys.argv[1]}: shape {shape}; expected gray paths (paths, frames, 1, rows, cols)")
    paths, frames, _, rows, cols = shape
    cells = rows * cols
    worst = []
    empty = 0
    for p in range(paths):
        unit = []
        for t in range(frames):
            start = (p * frames + t) * cells
            frame = [max(v, 0.0) for v in values[start:start + cells]]
            mass = sum(frame)
            unit.append([v / mass for v in frame] if mass > 0 else None)
            if mass > 0:
                empty += sum(1 for v in unit[-1] if v <= empty_level(cells))
        steps = [
            stranded(unit[t], unit[t + 1], rows, cols)
            for t in range(frames - 1)
            if unit[t] is not None and unit[t + 1] is not None
        ]
        worst.append(max(steps) if steps else float("nan"))
        print(f"path {p}: stranded mass {worst[-1]:.3e}")
    ordered = sorted(worst)
    print(f"median stranded mass {ordered[len(ordered) // 2]:.3e}; {empty / (paths * frames * cells):.1%} of the cells empty")
    over = [p for p, s in enumerate(worst) if s > threshold]
    print(f"{len(over)} of {paths} paths strand more than {threshold:g} of their mass: {over[:20]}")


if __name__ == "__main__":
    main()
