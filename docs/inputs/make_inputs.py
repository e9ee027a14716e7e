"""Writes the small input images of the user-image runs in docs/method.md (numpy only).

    python3 docs/inputs/make_inputs.py docs/inputs
"""
import struct
import sys
import zlib

import numpy as np


def write_png(path, image):
    pixels = np.clip(np.round(image * 255), 0, 255).astype(np.uint8)
    color = 0 if pixels.ndim == 2 else 2
    height, width = pixels.shape[:2]
    raw = b"".join(b"\x00" + row.tobytes() for row in pixels)

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main(out):
    n = 32
    i, j = np.mgrid[0:n, 0:n].astype(float)

    def disk(ci, cj, r):
        return np.clip(r - np.hypot(i - ci, j - cj) + 0.5, 0, 1)

    a, b = disk(8, 8, 5), disk(23, 23, 5)
    write_png(f"{out}/rgb_a.png", np.stack([a, 0.6 * a, 0.1 * a], -1))
    write_png(f"{out}/rgb_b.png", np.stack([b, 0.6 * b, 0.1 * b], -1))
    write_png(f"{out}/one.png", disk(15.5, 15.5, 7))
    write_png(f"{out}/two.png", np.clip(disk(7, 7, 4) + disk(24, 24, 4), 0, 1))
    write_png(f"{out}/left.png", disk(15.5, 6, 4))
    write_png(f"{out}/right.png", disk(15.5, 25, 4))
    wall = np.zeros((n, n))
    wall[:, 15:17] = 1
    wall[4:10, 15:17] = 0  # the gap the mass must pass through
    write_png(f"{out}/wall.png", wall)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
