"""PyTorch reference timing of ONE training iteration of OTM and DIOTM on a 2-D benchmark.

What it measures
    The wall time of one iteration of `dotae_diotm::{Otm, Diotm}::train_step`, re-implemented
    in PyTorch with the same networks, losses, batch and optimiser, so that its numbers sit
    next to the Rust criterion bench `crates/dotae-diotm/benches/train_step.rs`:

    otm     the potential's update (the map's images detached: V(1, T(x)) - V(1, y)), then
            the map's (tau |T(x) - x|^2 - V(1, T(x))); two backward passes, two Adams.
    diotm   the value function's update on both interpolants x_t = (1 - t) x + t T(x),
            y_t = (1 - t) S(y) + t y (maps detached) with the HJB residual
            d_t V + |grad_x V|^2 / (4 tau) squared, lambda = 1, then the maps' update; the HJB
            derivatives come from torch.autograd.grad with create_graph=True (double
            backward), PyTorch's usual way, where dotae builds them by a hand-written
            reverse pass through the value network (ordinary differentiable operations).

    Networks as dotae's (appendix B.1 of the DIOTM paper, Choi et al.'s toy code): the
    transport map is ResNet_FC(2 -> 128, 3 blocks of 3 Linear+SiLU, residual / sqrt 2) plus
    a two-layer MLP of the 2-D noise, then Linear-SiLU-Linear; the value function is a
    two-layer MLP of x plus a two-layer MLP of the 128-wide sinusoidal embedding of t, then
    Linear-SiLU-Linear-SiLU-Linear. Adam betas (0.5, 0.9), learning rates 1.6e-4 / 1e-4,
    batch 256, tau = 1. Data are the 8 Gaussians drawn with numpy, outside the timed region.

How
    Median of --steps iterations after --warmup iterations, torch.set_num_threads(--threads).

    python3 benches/reference/pytorch_diotm_step.py --json
"""

import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn


class ResNetFC(nn.Module):
    def __init__(self, dim, hidden, blocks):
        super().__init__()
        self.map = nn.Linear(dim, hidden)
        self.blocks = nn.ModuleList(
            nn.Sequential(*[m for _ in range(3) for m in (nn.Linear(hidden, hidden), nn.SiLU())])
            for _ in range(blocks)
        )

    def forward(self, x):
        h = self.map(x)
        for block in self.blocks:
            h = (h + block(h)) / math.sqrt(2.0)
        return h


class TransportMap(nn.Module):
    def __init__(self, dim=2, hidden=128):
        super().__init__()
        self.point = ResNetFC(dim, hidden, 3)
        self.noise = nn.Sequential(nn.Linear(dim, hidden), nn.SiLU(), nn.Linear(hidden, hidden))
        self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, dim))

    def forward(self, x, z):
        return self.head(self.point(x) + self.noise(z))


def time_embedding(t, size=128, max_period=10000.0):
    half = size // 2
    rates = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / (half - 1))
    phase = t * rates[None, :]
    return torch.cat([torch.sin(phase), torch.cos(phase)], dim=1)


class ValueFunction(nn.Module):
    def __init__(self, dim=2, hidden=128):
        super().__init__()
        self.point = nn.Sequential(nn.Linear(dim, hidden), nn.SiLU(), nn.Linear(hidden, hidden))
        self.time = nn.Sequential(nn.Linear(128, hidden), nn.SiLU(), nn.Linear(hidden, hidden))
        self.out = nn.Sequential(
            nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, 1)
        )

    def forward(self, t, x):
        return self.out(self.point(x) + self.time(time_embedding(t)))


def adam(params):
    return torch.optim.Adam(params, lr=1e-4, betas=(0.5, 0.9))


def otm_step(T, V, opt_T, opt_V, x, y, tau):
    ones = torch.ones(x.shape[0], 1)
    with torch.no_grad():
        tx = T(x, torch.randn_like(x))
    loss_v = V(ones, tx).mean() - V(torch.ones(y.shape[0], 1), y).mean()
    opt_V.zero_grad(set_to_none=True)
    loss_v.backward()
    opt_V.step()
    tx = T(x, torch.randn_like(x))
    loss_t = (tau * ((tx - x) ** 2).sum(1, keepdim=True) - V(ones, tx)).mean()
    opt_T.zero_grad(set_to_none=True)
    loss_t.backward()
    opt_T.step()


def interpolants(T, S, x, y, tau):
    t_x, t_y = torch.rand(x.shape[0], 1), torch.rand(y.shape[0], 1)
    tx, sy = T(x, torch.randn_like(x)), S(y, torch.randn_like(y))
    return t_x, (1 - t_x) * x + t_x * tx, t_y, (1 - t_y) * sy + t_y * y, tx, sy


def diotm_step(T, S, V, opt_maps, opt_V, x, y, tau, lam):
    with torch.no_grad():
        t_x, x_t, t_y, y_t, _, _ = interpolants(T, S, x, y, tau)
    times = torch.cat([t_x, t_y]).requires_grad_(True)
    points = torch.cat([x_t, y_t]).requires_grad_(True)
    v = V(times, points)
    d_t, grad = torch.autograd.grad(v.sum(), (times, points), create_graph=True)
    residual = d_t + (grad ** 2).sum(1, keepdim=True) / (4 * tau)
    n = x.shape[0]
    loss_v = v[:n].mean() - v[n:].mean() + lam * (residual ** 2).mean()
    opt_V.zero_grad(set_to_none=True)
    loss_v.backward()
    opt_V.step()
    t_x, x_t, t_y, y_t, tx, sy = interpolants(T, S, x, y, tau)
    v = V(torch.cat([t_x, t_y]), torch.cat([x_t, y_t]))
    loss = (t_x * tau * ((tx - x) ** 2).sum(1, keepdim=True) - v[:n]).mean() + (
        (1 - t_y) * tau * ((sy - y) ** 2).sum(1, keepdim=True) + v[n:]
    ).mean()
    opt_maps.zero_grad(set_to_none=True)
    loss.backward()
    opt_maps.step()


def eight_gaussians(n, rng):
    k = rng.integers(0, 8, n)
    centres = 12.0 * np.stack([np.cos(2 * np.pi * k / 8), np.sin(2 * np.pi * k / 8)], 1)
    return (centres + math.sqrt(0.4) * rng.standard_normal((n, 2))).astype(np.float32)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--method", choices=["otm", "diotm", "both"], default="both")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    results = {}
    for method in ["otm", "diotm"] if args.method == "both" else [args.method]:
        T, S, V = TransportMap(), TransportMap(), ValueFunction()
        opt_V = adam(V.parameters())
        opt_maps = adam(list(T.parameters()) + ([] if method == "otm" else list(S.parameters())))
        times = []
        for step in range(args.warmup + args.steps):
            x = torch.from_numpy(rng.standard_normal((args.batch, 2)).astype(np.float32))
            y = torch.from_numpy(eight_gaussians(args.batch, rng))
            start = time.perf_counter()
            if method == "otm":
                otm_step(T, V, opt_maps, opt_V, x, y, 1.0)
            else:
                diotm_step(T, S, V, opt_maps, opt_V, x, y, 1.0, 1.0)
            if step >= args.warmup:
                times.append(time.perf_counter() - start)
        results[method] = {"median_seconds": float(np.median(times)), "steps": args.steps}
    meta = {"torch": torch.__version__, "threads": args.threads, "batch": args.batch}
    if args.json:
        print(json.dumps({"meta": meta, "results": results}, indent=2))
    else:
        for method, r in results.items():
            print(f"{method}: {1000 * r['median_seconds']:.1f} ms per iteration")


if __name__ == "__main__":
    main()
