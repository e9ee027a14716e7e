"""Single-precision matrix-product throughput of PyTorch on the CPU: the ceiling that
docs/performance.md compares dotae's convolution kernels with.

    python3 benches/reference/matmul_peak.py [--threads 2] [--size 2048]
"""

import argparse
import time

import torch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    n = args.size
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    times.sort()
    flops = 2 * n**3
    print(
        f"{n}x{n} f32 matmul, {args.threads} threads: "
        f"median {flops / times[len(times) // 2] / 1e9:.1f} GFLOP/s, "
        f"best {flops / times[0] / 1e9:.1f} GFLOP/s"
    )


if __name__ == "__main__":
    main()
