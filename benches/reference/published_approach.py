"""Timing of the published approach to the path energy, for comparison with dotae.

The published implementation rebuilds, on every call, one block-diagonal sparse system for all
time steps of all paths and hands it to scipy's general sparse LU solver. This script
re-implements that approach (our own code, same discretisation as dotae: Dirichlet boundary,
midpoint weights) and times energy + gradient for 9 paths x 19 steps at 32x32.

    pip install numpy scipy
    python3 benches/reference/published_approach.py
"""

import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def divergence(m, n):
    """D: cells x faces, vertical faces (m+1)*n then horizontal m*(n+1), Dirichlet."""
    rows, cols, vals = [], [], []
    for i in range(m + 1):
        for j in range(n):
            f = i * n + j
            if i > 0:
                rows.append((i - 1) * n + j); cols.append(f); vals.append(1.0)
            if i < m:
                rows.append(i * n + j); cols.append(f); vals.append(-1.0)
    base = (m + 1) * n
    for i in range(m):
        for j in range(n + 1):
            f = base + i * (n + 1) + j
            if j > 0:
                rows.append(i * n + j - 1); cols.append(f); vals.append(1.0)
            if j < n:
                rows.append(i * n + j); cols.append(f); vals.append(-1.0)
    return sp.csr_matrix((vals, (rows, cols)), shape=(m * n, base + m * (n + 1)))


def energy_and_gradient(paths, D, avg, tau=None):
    """J and dJ/drho of (P, T+1, m, n) paths. With `tau`, the unbalanced variant of docs/design.md:
    A_t = D diag(u_t) D^T + diag(rho_bar_t / tau), and dJ/drho_bar_t gains -y_t^2 / tau."""
    P, T1, m, n = paths.shape
    T = T1 - 1
    rho = paths.reshape(P, T1, m * n)
    bar = 0.5 * (rho[:, :-1] + rho[:, 1:]).reshape(P * T, -1)   # (P*T, cells)
    b = (rho[:, :-1] - rho[:, 1:]).reshape(-1)
    u = bar @ avg.T                                   # face weights per step
    blocks = [D @ sp.diags(ut) @ D.T for ut in u]
    if tau is not None:
        blocks = [block + sp.diags(bt / tau) for block, bt in zip(blocks, bar)]
    A = sp.block_diag(blocks, format="csc")
    y = spla.spsolve(A, b)
    J = float(b @ y)
    y = y.reshape(P * T, -1)
    dty = y @ D                                       # (P*T, faces)
    gbar = -(dty ** 2) @ avg                          # back to cells
    if tau is not None:
        gbar = gbar - y ** 2 / tau
    g = np.zeros_like(rho)
    gy = (2.0 * y).reshape(P, T, -1)
    gb = gbar.reshape(P, T, -1)
    g[:, :-1] += gy + 0.5 * gb
    g[:, 1:] += -gy + 0.5 * gb
    return J, g


def main():
    size, P, T = 32, 9, 19
    D = divergence(size, size)
    avg = 0.5 * abs(D).T.tocsr()                      # faces x cells: mean of adjacent cells
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size]
    paths = np.empty((P, T + 1, size, size))
    for p in range(P):
        a = p * np.pi / P
        for t in range(T + 1):
            s = t / T - 0.5
            cy, cx = size / 2 + 0.5 * size * s * np.sin(a), size / 2 + 0.5 * size * s * np.cos(a)
            frame = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * (size / 10) ** 2)) + 1e-3
            paths[p, t] = frame / frame.sum()
    energy_and_gradient(paths, D, avg)
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        J, _ = energy_and_gradient(paths, D, avg)
        runs.append(time.perf_counter() - start)
    print(f"published approach, 9 paths x 19 steps at 32x32: median {1e3 * np.median(runs):.0f} ms "
          f"(min {1e3 * min(runs):.0f} ms) over {len(runs)} runs, J = {J:.6g}")


if __name__ == "__main__":
    main()
