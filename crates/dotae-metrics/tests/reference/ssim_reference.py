"""Reference SSIM values for tests/ssim_reference.rs, computed by scikit-image.

Every image is built from a closed-form formula of the pixel indices (no random numbers) so the
Rust test can rebuild it exactly; tests/ssim_reference.rs repeats each formula next to its value.

Run:  python3 tests/reference/ssim_reference.py   (needs numpy and scikit-image)
"""

import numpy as np
import skimage
from skimage.metrics import structural_similarity


def grid(rows, cols):
    """Row and column index planes as float64, like `(r as f64, c as f64)` in Rust."""
    r, c = np.mgrid[0:rows, 0:cols]
    return r.astype(np.float64), c.astype(np.float64)


def blob(rows, cols, cy, cx, s):
    """exp(-((r - cy)^2 + (c - cx)^2) / (2 s^2))"""
    r, c = grid(rows, cols)
    return np.exp(-((r - cy) ** 2 + (c - cx) ** 2) / (2.0 * s * s))


def wave(rows, cols, fr, fc, amp, phase):
    """0.5 + amp * sin(2 pi (fr r + fc c) + phase)"""
    r, c = grid(rows, cols)
    return 0.5 + amp * np.sin(2.0 * np.pi * (fr * r + fc * c) + phase)


def ramp(rows, cols):
    """(r + 2 c) / (rows + 2 cols)"""
    r, c = grid(rows, cols)
    return (r + 2.0 * c) / (rows + 2.0 * cols)


def checker(rows, cols):
    """((r + c) mod 2) * 2 - 0.5: values outside [0, 1] on purpose"""
    r, c = grid(rows, cols)
    return np.mod(r + c, 2.0) * 2.0 - 0.5


def stack(*planes):
    return np.stack(planes, axis=0)


def skimage_ssim(a, b, sigma=1.5, k1=0.01, k2=0.03, data_range=1.0):
    """The DESIGN definition: Wang et al. 2004 as scikit-image computes it, channel axis first."""
    return structural_similarity(
        a,
        b,
        gaussian_weights=True,
        sigma=sigma,
        use_sample_covariance=False,
        data_range=data_range,
        channel_axis=0,
        K1=k1,
        K2=k2,
    )


CASES = {
    # 32x32 Gaussian blob against the same blob shifted 3 pixels right.
    "blob_shift": (stack(blob(32, 32, 16.0, 16.0, 4.0)), stack(blob(32, 32, 16.0, 19.0, 4.0))),
    # Two sinusoidal patterns of different amplitude and phase, 24x24.
    "wave_phase": (
        stack(wave(24, 24, 0.07, 0.11, 0.5, 0.0)),
        stack(wave(24, 24, 0.07, 0.11, 0.4, 0.5)),
    ),
    # Three channels, 20x20, each channel a different formula.
    "three_channel": (
        stack(blob(20, 20, 9.0, 10.0, 3.0), wave(20, 20, 0.05, 0.13, 0.3, 0.2), ramp(20, 20)),
        stack(blob(20, 20, 11.0, 8.5, 3.5), wave(20, 20, 0.06, 0.12, 0.35, 0.0), blob(20, 20, 5.0, 5.0, 6.0)),
    ),
    # Non-square 16x24 (rows x cols) and its transpose-shaped twin 24x16.
    "wide_16x24": (stack(blob(16, 24, 7.5, 12.0, 3.0)), stack(wave(16, 24, 0.1, 0.04, 0.45, 1.0) * ramp(16, 24))),
    "tall_24x16": (stack(ramp(24, 16)), stack(blob(24, 16, 12.0, 7.0, 4.0) + 0.25 * ramp(24, 16))),
    # The smallest image the default 11-pixel window accepts.
    "minimal_11x11": (stack(ramp(11, 11)), stack(blob(11, 11, 5.0, 5.0, 2.0))),
    # Values outside [0, 1] with data_range still 1.
    "out_of_range": (stack(checker(14, 13)), stack(2.0 * wave(14, 13, 0.2, 0.3, 0.5, 0.0) - 0.3)),
}

# Non-default parameters exercise ssim_with: sigma 1.0 gives radius int(3.5 + 0.5) = 4, a 9-pixel
# window, and sigma 2.0 gives radius int(7.0 + 0.5) = 7, a 15-pixel window.
CONFIG_CASES = {
    "sigma1_range2": (
        dict(sigma=1.0, k1=0.02, k2=0.05, data_range=2.0),
        stack(blob(12, 14, 6.0, 6.0, 2.0)),
        stack(wave(12, 14, 0.1, 0.15, 0.5, 0.3)),
    ),
    "sigma2": (
        dict(sigma=2.0, k1=0.01, k2=0.03, data_range=1.0),
        stack(blob(20, 18, 9.0, 9.0, 3.0), ramp(20, 18)),
        stack(blob(20, 18, 10.0, 8.0, 3.0), wave(20, 18, 0.05, 0.05, 0.4, 0.0)),
    ),
}


def translating_path(frames, rows, cols):
    """Frame t is blob(rows, cols, 10, 6 + 2 t, 3): a blob moving 2 pixels right per frame."""
    return np.stack([stack(blob(rows, cols, 10.0, 6.0 + 2.0 * t, 3.0)) for t in range(frames)], axis=0)


def main():
    print(f"scikit-image {skimage.__version__}, numpy {np.__version__}")
    for name, (a, b) in CASES.items():
        print(f"{name} = {float(skimage_ssim(a, b))!r}")
    for name, (cfg, a, b) in CONFIG_CASES.items():
        print(f"{name} = {float(skimage_ssim(a, b, **cfg))!r}")
    path = translating_path(4, 20, 20)
    adjacent = [skimage_ssim(path[t], path[t + 1]) for t in range(path.shape[0] - 1)]
    print("translating_path_adjacent = [" + ", ".join(repr(float(v)) for v in adjacent) + "]")


if __name__ == "__main__":
    main()
