#!/usr/bin/env python3
"""How many nats a latent code can buy a VAE's Bernoulli decoder, per image.

A VAE at beta = 1 pays, per image, KL(q(z|x) || p(z)) >= I(x; z) nats for its code, and the code
buys the drop in the decoder's binary cross-entropy (nats, summed over pixels) from the best
code-free decoder, the data's mean image, to the best decoder that knows what the code says.
If the code says which cell of a partition of the data an image is in, it carries at most
log(cells) nats and buys

    gain = mean over images x of  sum over pixels of  KL(Bern(x_p) || Bern(m_p)),

m the mean image of x's cell minus the same with m the mean of all images (exactly the drop in
BCE, since BCE(x, m) - BCE(x, x) is that KL). A partition whose gain is below log(cells) costs a
beta = 1 VAE more than it buys, before the decoder has to learn anything.

Reference program for docs/experiments.md; not a dependency of the project (pure Python).

    python3 tests/reference/bernoulli_gain.py pole RUN_DIR     # a pole run's exact.npy and intervals.json
    python3 tests/reference/bernoulli_gain.py mnist DATA_DIR   # train-images/labels IDX files, gzip or raw
"""

import gzip
import json
import math
import os
import struct
import sys

FLOOR = 1e-6  # keeps log(m) finite where every image of a cell is exactly 0 or 1


def read_npy(path):
    with open(path, "rb") as f:
        if f.read(6) != b"\x93NUMPY":
            raise SystemExit(f"{path}: not an .npy file")
        major = f.read(2)[0]
        header_len = struct.unpack("<H" if major == 1 else "<I", f.read(2 if major == 1 else 4))[0]
        header = eval(f.read(header_len).decode("latin1"))  # the .npy header is a Python literal
        if header["fortran_order"]:
            raise SystemExit(f"{path}: Fortran order is not read here")
        code = {"<f4": "f", "<f8": "d"}.get(header["descr"])
        if code is None:
            raise SystemExit(f"{path}: dtype {header['descr']} is not read here (f4 or f8)")
        shape = header["shape"]
        count = math.prod(shape)
        values = struct.unpack(f"<{count}{code}", f.read(count * struct.calcsize(code)))
    return shape, values


def images_of(shape, values):
    pixels = shape[-1] * shape[-2]
    return [values[i : i + pixels] for i in range(0, len(values), pixels)]


def mean_image(images):
    n = len(images)
    return [sum(column) / n for column in zip(*images)]


def bernoulli_kl(x, m):
    """Sum over pixels of KL(Bern(x_p) || Bern(m_p)) in nats."""
    total = 0.0
    for xp, mp in zip(x, m):
        xp = min(max(xp, 0.0), 1.0)
        mp = min(max(mp, FLOOR), 1.0 - FLOOR)
        if xp > 0.0:
            total += xp * math.log(xp / mp)
        if xp < 1.0:
            total += (1.0 - xp) * math.log((1.0 - xp) / (1.0 - mp))
    return total


def mean_kl(images, m):
    """Mean over images of their cross-entropy against the prediction m, above their own."""
    return sum(bernoulli_kl(x, m) for x in images) / len(images)


def mean_mse(images, m):
    return sum(sum((a - b) ** 2 for a, b in zip(x, m)) for x in images) / (len(images) * len(m))


def gain(images, labels, free):
    """Nats per image bought by knowing the label, over `free`, the code-free mean image's."""
    cells = {}
    for x, label in zip(images, labels):
        cells.setdefault(label, []).append(x)
    means = {label: mean_image(members) for label, members in cells.items()}
    coded = sum(bernoulli_kl(x, means[label]) for x, label in zip(images, labels)) / len(images)
    entropy = -sum(
        len(members) / len(images) * math.log(len(members) / len(images))
        for members in cells.values()
    )
    return free - coded, entropy, len(cells)


def report(name, images, partitions):
    overall = mean_image(images)
    free = mean_kl(images, overall)
    print(f"{name}: {len(images)} images of {len(overall)} pixels")
    uniform = [sum(overall) / len(overall)] * len(overall)
    print(
        f"  mean image: BCE above each image's own entropy {free:.2f} nats/image, "
        f"MSE {mean_mse(images, overall):.3e}"
    )
    print(
        f"  one gray level ({uniform[0]:.3f}) everywhere: {mean_kl(images, uniform):.2f} "
        f"nats/image, MSE {mean_mse(images, uniform):.3e}"
    )
    print("  | the code says | cells | its entropy (nats) | nats it buys | bought / paid |")
    print("  | --- | --- | --- | --- | --- |")
    for label_name, labels in partitions:
        bought, entropy, cells = gain(images, labels, free)
        ratio = bought / entropy if entropy > 0 else float("nan")
        print(f"  | {label_name} | {cells} | {entropy:.2f} | {bought:.2f} | {ratio:.2f} |")


def pole(run_dir):
    shape, values = read_npy(os.path.join(run_dir, "exact.npy"))
    with open(os.path.join(run_dir, "intervals.json")) as f:
        intervals = json.load(f)
    paths, frames = shape[0], shape[1]
    images = images_of(shape, values)
    lights = []
    for source, target in zip(intervals["sources"], intervals["targets"]):
        for k in range(frames):
            alpha = k / (frames - 1)
            elevation = source[0] + alpha * (target[0] - source[0])
            arc = (target[1] - source[1] + 180.0) % 360.0 - 180.0  # the shorter way, as the run
            azimuth = (source[1] + alpha * arc) % 360.0
            lights.append((round(elevation, 6), round(azimuth, 6)))
    if len(lights) != paths * frames:
        raise SystemExit("intervals.json does not match exact.npy")
    partitions = [
        (f"azimuth in {bins} sectors", [int(az // (360 / bins)) for _, az in lights])
        for bins in (2, 4, 8, 24)
    ]
    partitions.append(("the light exactly", lights))
    report(f"pole scenes of the exact test paths in {run_dir}", images, partitions)


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(f">{dims}I", data[4 : 4 + 4 * dims])
    return shape, data[4 + 4 * dims :]


def find(directory, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise SystemExit(f"{directory}: no {stem}[.gz]")


def mnist(directory):
    shape, pixels = read_idx(find(directory, "train-images-idx3-ubyte"))
    _, labels = read_idx(find(directory, "train-labels-idx1-ubyte"))
    n, rows, cols = shape
    side = 32  # the experiments pad the 28x28 digits to 32x32 with zeros
    images = []
    for i in range(n):
        image = [0.0] * (side * side)
        for r in range(rows):
            base = i * rows * cols + r * cols
            for c in range(cols):
                image[(r + 2) * side + c + 2] = pixels[base + c] / 255.0
        images.append(image)
    report(f"MNIST training digits in {directory}", images, [("the digit's class", list(labels[:n]))])


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("pole", "mnist"):
        raise SystemExit(__doc__)
    {"pole": pole, "mnist": mnist}[sys.argv[1]](sys.argv[2])
