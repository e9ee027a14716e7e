#!/usr/bin/env python3
"""Reference numbers for dotae's ACAI lines benchmark, from ACAI's own code.

Usage: python3 tests/reference/acai_lines.py MIRROR > acai_lines.json

MIRROR is a git clone (bare or not) of github.com/brain-research/acai. The script reads
`lib/data.py` and `lib/eval.py` at HEAD with `git show`, takes out of them only the function
definitions it needs (`draw_line`; `closest_line`, `smoothness_score`, `line_eval`) with `ast`
and executes those, so TensorFlow is never imported. It prints JSON with

- `renders`: ACAI lines (values in [-1, 1]) at a few sizes and angles: the sum over the image
  and every pixel that is not background (-1), as `[row, col, value]`;
- `bank`: a few angles of the 10 000-line evaluation bank that `closest_line` builds;
- `paths`: for 8 literal angle pairs, 16 frames each, the official scores of (a) the exact
  rotation along the shorter arc (true ACAI lines, angles as dotae's `acai_line_path` spaces
  them) and (b) the linear cross-dissolve between the same two end images; plus edge cases
  (a step of exactly -pi, paths whose smoothness is undefined).

Every score is reported twice: `line_eval`'s own output (cast to float32 by the official code)
and the same reduction kept in float64 (`closest_line` and `smoothness_score` are called
directly, and the two means are taken as `line_eval` takes them).

Needs numpy; uses scipy's `cdist` (as the official code does) when scipy is installed, otherwise
a numpy cosine `cdist`. Not a CI dependency: its numbers are pinned in
crates/dotae-data/tests/acai_lines.rs and crates/dotae-metrics/tests/lines.rs.
"""

import ast
import json
import math
import subprocess
import sys
import types

import numpy as np


def load(repo, path, names, namespace):
    """Executes the top-level functions `names` of `path` (at HEAD of `repo`) in `namespace`."""
    source = subprocess.check_output(["git", "-C", repo, "show", "HEAD:" + path]).decode()
    found = [n for n in ast.parse(source).body
             if isinstance(n, ast.FunctionDef) and n.name in names]
    missing = set(names) - {n.name for n in found}
    if missing:
        raise SystemExit("%s lacks %s" % (path, sorted(missing)))
    exec(compile(ast.Module(body=found, type_ignores=[]), path, "exec"), namespace)


def numpy_cdist(a, b, metric):
    assert metric == "cosine", metric
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    na = np.sqrt((a * a).sum(axis=1))[:, None]
    nb = np.sqrt((b * b).sum(axis=1))[None, :]
    return 1.0 - np.clip(a @ b.T / (na * nb), -1.0, 1.0)


def official(repo):
    data_ns = {"np": np, "math": math}
    load(repo, "lib/data.py", ["draw_line"], data_ns)
    try:
        import scipy.spatial
        import scipy.spatial.distance  # noqa: F401
        spatial = scipy.spatial
        cdist = "scipy " + scipy.__version__
    except ImportError:
        spatial = types.SimpleNamespace(distance=types.SimpleNamespace(cdist=numpy_cdist))
        cdist = "numpy fallback"
    eval_ns = {
        "np": np,
        "scipy": types.SimpleNamespace(spatial=spatial),
        "data": types.SimpleNamespace(draw_line=data_ns["draw_line"]),
    }
    load(repo, "lib/eval.py", ["closest_line", "smoothness_score", "line_eval"], eval_ns)
    return data_ns["draw_line"], eval_ns, cdist


def shortest_arc(start, end):
    """dotae's `shortest_arc`: the rotation from start to end wrapped into (-pi, pi]."""
    turned = (end - start) % (2 * math.pi)
    return turned - 2 * math.pi if turned > math.pi else turned


def rotation_angles(start, end, frames):
    """The angles of dotae's `acai_line_path`: evenly spaced on the shorter arc, last = end."""
    arc = shortest_arc(start, end)
    last = frames - 1
    return [end if k == last else start + arc * k / last for k in range(frames)]


def render(draw_line, size, angle):
    return draw_line(angle, size, size)


def scores(ev, paths):
    """Official scores of `paths`, shape (P, F, size, size, 1), values in [-1, 1]."""
    p, f = paths.shape[:2]
    # smoothness_score divides by zero on purpose for undefined paths.
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_distance32, mean_smoothness32 = ev["line_eval"](paths)
        min_dist, angles = ev["closest_line"](paths.reshape((-1,) + paths.shape[2:]))
        per_path = ev["smoothness_score"](angles.reshape(p, f))
    nan = np.isnan(per_path)
    mean_smoothness = (float("nan") if np.all(nan)
                       else np.sum(per_path[~nan]) / float(len(nan)))
    return {
        "line_eval_mean_distance_f32": float(mean_distance32),
        "line_eval_mean_smoothness_f32": float(mean_smoothness32),
        "mean_distance": float(np.mean(min_dist)),
        "mean_smoothness": float(mean_smoothness),
        "smoothness_per_path": [None if math.isnan(s) else float(s) for s in per_path],
        "distances": [[float(d) for d in row] for row in min_dist.reshape(p, f)],
        "angles": [[float(a) for a in row] for row in angles.reshape(p, f)],
    }


def nan_to_none(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nan_to_none(v) for v in value]
    return value


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    draw_line, ev, cdist = official(sys.argv[1])
    size, frames = 32, 16

    render_cases = [(32, a) for a in (0.0, math.pi / 2, math.pi / 4, 1.0, 5.5, math.pi,
                                      3 * math.pi / 4, 2.0, 4.0, -0.3)]
    render_cases += [(33, 1.0), (28, 2.5), (10, 0.8)]
    renders = []
    for n, angle in render_cases:
        image = render(draw_line, n, angle)[:, :, 0]
        lit = [[int(r), int(c), float(image[r, c])] for r, c in zip(*np.nonzero(image != -1.0))]
        renders.append({"size": n, "angle": angle, "sum": float(image.sum()), "pixels": lit})

    bank = np.linspace(0, 2 * np.pi - 2 * np.pi / 10000, 10000)
    bank_angles = {str(k): float(bank[k]) for k in (0, 1, 2, 1234, 5000, 9998, 9999)}

    pairs = [(0.3, 2.1), (5.9, 0.4), (1.0, 4.0), (4.5, 1.2),
             (2.0, 2.5), (0.0, math.pi / 2), (3.9, 5.6), (6.0, 3.2)]
    rotation, dissolve = [], []
    for start, end in pairs:
        rotation.append([render(draw_line, size, a)
                         for a in rotation_angles(start, end, frames)])
        a, b = render(draw_line, size, start), render(draw_line, size, end)
        dissolve.append([a * (1 - t / (frames - 1)) + b * (t / (frames - 1))
                         for t in range(frames)])
    rotation, dissolve = np.array(rotation), np.array(dissolve)

    # A step of exactly -pi between two bank angles (bank[5000] is pi itself), then on across
    # 0: np.unwrap keeps the first step at -pi, so the path turns clockwise all the way.
    assert bank[0] - bank[5000] == -np.pi
    step_indices = [5000, 0, 9900, 9800]
    step_path = np.array([[render(draw_line, size, bank[i]) for i in step_indices]])
    # Paths whose end lines coincide: smoothness undefined for each, NaN overall.
    undefined = np.array([[render(draw_line, size, bank[i]) for i in (700, 1900, 700)],
                          [render(draw_line, size, bank[i]) for i in (4321,) * 3]])
    # One defined and one undefined path: the mean divides by both.
    mixed = np.array([[render(draw_line, size, bank[i]) for i in (700, 1900, 3900)],
                      [render(draw_line, size, bank[i]) for i in (4321, 6000, 4321)]])

    out = {
        "source": "brain-research/acai lib/data.py draw_line, lib/eval.py line_eval",
        "cdist": cdist,
        "numpy": np.__version__,
        "renders": renders,
        "bank": bank_angles,
        "pairs": pairs,
        "frames": frames,
        "rotation": scores(ev, rotation),
        "dissolve": scores(ev, dissolve),
        "minus_pi_step": dict(scores(ev, step_path), bank_indices=step_indices),
        "all_undefined": dict(scores(ev, undefined),
                              bank_indices=[[700, 1900, 700], [4321] * 3]),
        "mixed": dict(scores(ev, mixed), bank_indices=[[700, 1900, 3900], [4321, 6000, 4321]]),
    }
    print(json.dumps(nan_to_none(out), indent=1))


if __name__ == "__main__":
    main()
