"""PyTorch reference timing of ONE optimisation step of every dotae training method, on the CPU.

What it measures
    The wall time of one full training step -- forward pass, loss, backward pass(es), Adam
    update(s) -- of each method of dotae, re-implemented in PyTorch with the same architecture,
    optimiser, losses, batch and number of forward/backward passes as the Rust code, so that
    its numbers sit next to the Rust criterion bench `benches/training_step.rs`:

    baseline                plain autoencoder (`Trainer`, alpha = beta = 0): encode, decode, BCE.
    vae                     `Vae::train_step` (beta = 1, BCE): the encoder emits 2 x 16 latent
                            channels (means, then log-variances), z = mu + exp(logvar/2) * eps
                            with eps drawn on the host, BCE + beta * KL (both means).
    acai                    `Acai::train_step` (lambda = 0.5, gamma = 0.2, BCE): alpha_i ~ U[0, 1/2]
                            on the host; ONE decoder call on [z, alpha z + (1 - alpha) z_reversed];
                            the critic (encoder architecture + mean of its latent) scores
                            [detached mixes, gamma x + (1 - gamma) detached x_hat] for its own
                            loss, and a frozen (no weight gradient) copy scores the mixes for the
                            autoencoder's penalty; two backward passes, two Adams.
    aeai                    `Aeai::train_step` (`AeaiConfig` as the experiments build it: 9 pairs, M = 4
                            intervals, MSE, lambda_A = lambda_C = 1e-2, lambda_S = 0.1): ONE decoder
                            call on [z, interior line codes]; the discriminator's GAN loss on
                            [x, detached frames]; the autoencoder's softplus adversarial term
                            through a frozen discriminator, the cycle term E(D(z(alpha))) vs
                            z(alpha) (a second encoder pass over every frame), the
                            finite-difference smoothness; two backward passes, two Adams.
    path-energy             `Trainer::step` with alpha = 1, beta = 0, 9 pairs, T = 19, the
                            balanced energy on the 32 x 32 grid: encode the batch, decode the batch
                            and the 9 x 18 interior latent mixes in ONE decoder call, paths with
                            the DATA images as endpoints, loss = BCE + alpha * sum_pairs J.
    path-energy-unbalanced  the same with the unbalanced energy, tau = 1.

    The path energy is computed on the host in float64 the way the bridge
    (`crates/dotae-models/src/bridge.rs`) prepares it: densities below eps = 1e-5 raised to eps,
    every frame rescaled to unit mass, J and dJ/drho from the solver, the gradient chained back
    through the rescaling (raised cells get zero gradient). It re-enters autograd through the
    same surrogate as the bridge: `sum(frames * stop_grad(G)) + (J - <frames, G>)`, whose value
    is J and whose gradient is G. The solver is the "published approach" of
    `benches/reference/published_approach.py` (one block-diagonal sparse system for all steps
    of all paths, scipy's sparse LU), imported from that file; its `tau` adds the unbalanced
    source term of docs/design.md: A_t = D diag(u_t) D^T + diag(rho_bar_t / tau), and dJ/drho_bar_t
    gains -y_t^2 / tau.

Protocol
    torch.set_num_threads(2) (flag --threads), float32 weights and activations, a seeded batch of
    anti-aliased disks of random radius and centre (as the Rust bench draws them), Adam with
    lr 1e-3, betas (0.9, 0.999) and eps 1e-5 (burn's `AdamConfig` defaults). For every method
    and batch size: a fresh model, 3 warm-up steps (--warmup), then the median of --repeats
    (default 10) timed steps. The table lists seconds per step.

Differences from the Rust code (none changes the amount of work of a step noticeably)
    - PyTorch's default convolution initialisation (uniform, bound 1/sqrt(fan_in) for weights)
      stands in for burn's KaimingUniform(gain 1/sqrt(3)), which has the same weight bound.
    - Random numbers (pairs, VAE noise, ACAI coefficients, disks) come from numpy's generator,
      not dotae's `SeededRng`: same distributions and amounts, different values.
    - The energy solver is scipy's single-threaded sparse LU on one block-diagonal system,
      rebuilt every call (the published approach); dotae uses its own batched sparse Cholesky
      with a once-computed symbolic analysis, in parallel with rayon. This difference is the
      point of the comparison, not an accident.
    - The energy grid must equal the image size (32 x 32 here, the Rust default), so the
      bridge's bilinear resampling is the identity and is left out.

Install and run (a reference for comparison only: NOT a dependency of dotae, its CI or its users)
    pip install torch numpy scipy
    python3 benches/reference/pytorch_step.py                       # full table, batch 64 and 256
    python3 benches/reference/pytorch_step.py --json                # the same, plus JSON
    python3 benches/reference/pytorch_step.py --methods baseline,path-energy --batches 64 --repeats 3
    # K steps of one configuration, e.g. for the peak memory of a batch-256 step loop:
    /usr/bin/time -v python3 benches/reference/pytorch_step.py --method path-energy --batch 256 --steps 20
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import scipy
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from published_approach import divergence, energy_and_gradient  # noqa: E402

SIZE = 32
LEARNING_RATE = 1e-3
ADAM = dict(lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-5)  # burn-optim 0.22.1 AdamConfig
BCE_DELTA = 1e-7  # reconstruction.rs
ENERGY_FLOOR = 1e-5  # PathEnergyLossConfig::default().epsilon
ENERGY_MASS = 1.0  # PathEnergyLossConfig::default().mass


# ---------------------------------------------------------------------------------------------
# The network of crates/dotae-models/src/autoencoder.rs


def conv(inputs, outputs):
    """3x3 convolution, "same" padding, with bias."""
    return nn.Conv2d(inputs, outputs, 3, padding=1)


class ConvPair(nn.Module):
    """Two 3x3 convolutions, each followed by LeakyReLU."""

    def __init__(self, inputs, outputs, slope):
        super().__init__()
        self.first, self.second, self.slope = conv(inputs, outputs), conv(outputs, outputs), slope

    def forward(self, x):
        x = F.leaky_relu(self.first(x), self.slope)
        return F.leaky_relu(self.second(x), self.slope)


class Encoder(nn.Module):
    """stem conv (no activation); `blocks` x [ConvPair, avg-pool 2x2] doubling the channels;
    conv -> bottleneck + LeakyReLU; conv -> latent (no activation)."""

    def __init__(self, image_channels=1, width=16, blocks=3, bottleneck=256, latent=16, slope=0.2):
        super().__init__()
        widths = [width << b for b in range(blocks + 1)]
        self.stem = conv(image_channels, width)
        self.blocks = nn.ModuleList(
            ConvPair(widths[b], widths[b + 1], slope) for b in range(blocks))
        self.bottleneck = conv(widths[-1], bottleneck)
        self.latent = conv(bottleneck, latent)
        self.slope = slope

    def forward(self, image):
        x = self.stem(image)
        for block in self.blocks:
            x = F.avg_pool2d(block(x), 2)
        return self.latent(F.leaky_relu(self.bottleneck(x), self.slope))


class Decoder(nn.Module):
    """conv latent -> bottleneck + LReLU; conv -> widest + LReLU; `blocks` x [nearest x2,
    ConvPair] halving the channels; conv -> image channels; logistic."""

    def __init__(self, image_channels=1, width=16, blocks=3, bottleneck=256, latent=16, slope=0.2):
        super().__init__()
        widths = [width << b for b in range(blocks + 1)]
        self.stem = conv(latent, bottleneck)
        self.bottleneck = conv(bottleneck, widths[-1])
        self.blocks = nn.ModuleList(
            ConvPair(widths[b + 1], widths[b], slope) for b in reversed(range(blocks)))
        self.output = conv(width, image_channels)
        self.slope = slope

    def forward(self, latent):
        x = F.leaky_relu(self.stem(latent), self.slope)
        x = F.leaky_relu(self.bottleneck(x), self.slope)
        for block in self.blocks:
            x = block(F.interpolate(x, scale_factor=2, mode="nearest"))
        # The sigmoid as (1 + tanh(x/2)) / 2, as autoencoder.rs computes it.
        return 0.5 * (1.0 + torch.tanh(0.5 * self.output(x)))


class Autoencoder(nn.Module):
    def __init__(self, encoder_latent=16):
        super().__init__()
        self.encoder = Encoder(latent=encoder_latent)
        self.decoder = Decoder()


class Critic(nn.Module):
    """crates/dotae-baselines/src/critic.rs: the encoder, then the mean of its latent."""

    def __init__(self):
        super().__init__()
        self.encoder = Encoder()

    def forward(self, images):
        return self.encoder(images).flatten(1).mean(1)


def frozen(module, *inputs):
    """`module.clone().no_grad()` of burn: the same forward pass, gradients flow to the inputs
    but none is computed for the module's weights."""
    weights = {name: p.detach() for name, p in module.named_parameters()}
    return torch.func.functional_call(module, weights, inputs)


# ---------------------------------------------------------------------------------------------
# Losses and helpers


def bce(predicted, target):
    """binary_cross_entropy of reconstruction.rs: predictions clamped to [1e-7, 1 - 1e-7]."""
    p = predicted.clamp(BCE_DELTA, 1.0 - BCE_DELTA)
    return -(target * p.log() + (1.0 - target) * (1.0 - p).log()).mean()


def mse(predicted, target):
    return (predicted - target).pow(2).mean()


def select_pairs(batch, limit, rng):
    """pairs.rs: every pair i < j when there are at most `limit`, else `limit` distinct ones."""
    i, j = np.triu_indices(batch, 1)
    if len(i) > limit:
        keep = np.sort(rng.choice(len(i), limit, replace=False))
        i, j = i[keep], j[keep]
    return torch.from_numpy(i.astype(np.int64)), torch.from_numpy(j.astype(np.int64))


def mix_lines(a, b, weights):
    """(1 - s) a + s b for every s of `weights`, for pairs (P, c, h, w): (P, K, c, h, w)."""
    s = torch.tensor(weights, dtype=a.dtype).reshape(1, -1, 1, 1, 1)
    a, b = a.unsqueeze(1), b.unsqueeze(1)
    return a + (b - a) * s


def host_uniform(rng, shape, scale=1.0):
    return torch.from_numpy((scale * rng.random(shape)).astype(np.float32))


def check_finite(*terms):
    """Every Rust step reads its loss terms back to the host and refuses a non-finite one."""
    values = torch.stack([t.detach().reshape(()) for t in terms]).tolist()
    if not all(np.isfinite(values)):
        raise FloatingPointError(f"non-finite loss terms {values}")
    return values


# ---------------------------------------------------------------------------------------------
# The path energy on the host: bridge.rs + dotae-energy (frames.rs, step.rs) semantics


class PathEnergyLoss:
    """bridge.rs `PathEnergyLoss::forward` for a Dirichlet grid equal to the image size."""

    def __init__(self, size, tau=None, floor=ENERGY_FLOOR, mass=ENERGY_MASS):
        self.D = divergence(size, size)
        self.avg = 0.5 * abs(self.D).T.tocsr()  # faces x cells: mean of adjacent cells
        self.size, self.tau, self.floor, self.mass = size, tau, floor, mass

    def solve(self, paths):
        return energy_and_gradient(paths, self.D, self.avg, self.tau)

    def energy_and_gradient(self, raw):
        """J and dJ/d(raw frames) of density paths (N, T + 1, m, n), float64: frames.rs
        `prepare` (floor, unit mass) and `rescale_adjoint` around the solver."""
        if not np.isfinite(raw).all() or (raw < 0).any():
            raise FloatingPointError("decoded frames are not finite non-negative densities")
        floored = raw < self.floor
        kept = np.where(floored, self.floor, raw)
        raw_mass = kept.sum(axis=(2, 3), keepdims=True)
        values = kept * (self.mass / raw_mass)
        J, g = self.solve(values)
        g = g.reshape(values.shape)
        projection = (g * values).sum(axis=(2, 3), keepdims=True) / self.mass
        g = (self.mass / raw_mass) * (g - projection)
        g[floored] = 0.0
        return J, g

    def __call__(self, paths):
        """A scalar with value sum_p J(path_p) and gradient dJ/d(paths), paths (P, T+1, C, H, W);
        every channel is its own density."""
        P, T1, C, H, W = paths.shape
        if (H, W) != (self.size, self.size):
            raise ValueError(f"energy grid {self.size}x{self.size} must equal the image size")
        host = paths.detach().to(torch.float64).numpy()
        densities = host.transpose(0, 2, 1, 3, 4).reshape(P * C, T1, H, W)
        J, g = self.energy_and_gradient(densities)
        g = g.reshape(P, C, T1, H, W).transpose(0, 2, 1, 3, 4)
        surrogate_value = float((host * g).sum())
        gradient = torch.from_numpy(np.ascontiguousarray(g)).to(paths.dtype)
        return (paths * gradient).sum() + (J - surrogate_value), J


# ---------------------------------------------------------------------------------------------
# One training step of every method


class Method:
    """A model, its optimiser(s) and `step(batch)`: one full optimisation step."""

    def __init__(self, rng):
        self.rng = rng


class PathEnergyTrainer(Method):
    """trainer.rs `Trainer::step`; alpha = 0 is the plain autoencoder ("baseline")."""

    def __init__(self, rng, alpha=1.0, tau=None, pairs=9, steps=19):
        super().__init__(rng)
        self.model = Autoencoder()
        self.optimizer = torch.optim.Adam(self.model.parameters(), **ADAM)
        self.alpha, self.pairs, self.steps = alpha, pairs, steps
        self.energy = PathEnergyLoss(SIZE, tau) if alpha > 0 else None

    def loss(self, x):
        b = x.shape[0]
        z = self.model.encoder(x)
        if self.energy is None:
            reconstruction = bce(self.model.decoder(z), x)
            return reconstruction, (reconstruction,)
        sources, targets = select_pairs(b, self.pairs, self.rng)
        T = self.steps
        mixed = mix_lines(z[sources], z[targets], [t / T for t in range(1, T)]).flatten(0, 1)
        decoded = self.model.decoder(torch.cat([z, mixed], 0))
        reconstruction = bce(decoded[:b], x)
        interior = decoded[b:].reshape(len(sources), T - 1, *x.shape[1:])
        paths = torch.cat([x[sources].unsqueeze(1), interior, x[targets].unsqueeze(1)], 1)
        path_loss, _ = self.energy(paths)
        total = reconstruction + self.alpha * path_loss
        return total, (total, reconstruction)

    def step(self, x):
        total, terms = self.loss(x)
        check_finite(*terms)
        self.optimizer.zero_grad()
        total.backward()
        self.optimizer.step()


class Vae(Method):
    """vae.rs `Vae::train_step`, beta = 1, BCE."""

    def __init__(self, rng, beta=1.0, latent=16):
        super().__init__(rng)
        self.model = Autoencoder(encoder_latent=2 * latent)
        self.optimizer = torch.optim.Adam(self.model.parameters(), **ADAM)
        self.beta, self.latent = beta, latent

    def step(self, x):
        stacked = self.model.encoder(x)
        mean, log_var = stacked[:, :self.latent], stacked[:, self.latent:]
        noise = torch.from_numpy(self.rng.standard_normal(mean.shape).astype(np.float32))
        z = mean + torch.exp(0.5 * log_var) * noise
        reconstruction = bce(self.model.decoder(z), x)
        kl = (0.5 * (mean.pow(2) + log_var.exp() - log_var - 1.0)).mean()
        total = reconstruction + self.beta * kl
        check_finite(total, reconstruction, kl)
        self.optimizer.zero_grad()
        total.backward()
        self.optimizer.step()


class Adversarial(Method):
    """An autoencoder and a critic (encoder architecture + mean), each with its own Adam."""

    def __init__(self, rng):
        super().__init__(rng)
        self.model, self.critic = Autoencoder(), Critic()
        self.optimizer = torch.optim.Adam(self.model.parameters(), **ADAM)
        self.critic_optimizer = torch.optim.Adam(self.critic.parameters(), **ADAM)

    def update(self, total, critic_loss):
        """Both backward passes, then both Adam steps, in the order of the Rust code."""
        self.optimizer.zero_grad()
        self.critic_optimizer.zero_grad()
        critic_loss.backward()
        total.backward()
        self.critic_optimizer.step()
        self.optimizer.step()


class Acai(Adversarial):
    """acai.rs `Acai::train_step`, lambda = 0.5, gamma = 0.2, BCE."""

    def __init__(self, rng, lam=0.5, gamma=0.2):
        super().__init__(rng)
        self.lam, self.gamma = lam, gamma

    def step(self, x):
        b = x.shape[0]
        alphas = host_uniform(self.rng, b, 0.5)
        z = self.model.encoder(x)
        reversed_z = z.flip(0)
        mixes = reversed_z + (z - reversed_z) * alphas.reshape(-1, 1, 1, 1)
        decoded = self.model.decoder(torch.cat([z, mixes], 0))
        reconstructions, decoded_mixes = decoded[:b], decoded[b:]

        blends = self.gamma * x + (1.0 - self.gamma) * reconstructions.detach()
        scores = self.critic(torch.cat([decoded_mixes.detach(), blends], 0))
        critic_loss = (scores[:b] - alphas).pow(2).mean() + scores[b:].pow(2).mean()

        penalty = frozen(self.critic, decoded_mixes).pow(2).mean()
        reconstruction = bce(reconstructions, x)
        total = reconstruction + self.lam * penalty
        check_finite(total, reconstruction, penalty, critic_loss)
        self.update(total, critic_loss)


class Aeai(Adversarial):
    """aeai.rs `Aeai::train_step` with the defaults of `AeaiConfig` but the experiments' pairs."""

    def __init__(self, rng, pairs=32, intervals=4, lambda_a=1e-2, lambda_c=1e-2, lambda_s=1e-1):
        super().__init__(rng)
        self.pairs, self.intervals = pairs, intervals
        self.lambda_a, self.lambda_c, self.lambda_s = lambda_a, lambda_c, lambda_s

    def step(self, x):
        b = x.shape[0]
        sources, targets = select_pairs(b, self.pairs, self.rng)
        if len(sources) == 0:
            sources = targets = torch.zeros(1, dtype=torch.int64)
        p, m = len(sources), self.intervals
        z = self.model.encoder(x)
        latent_lines = mix_lines(z[sources], z[targets], [k / m for k in range(m + 1)])
        codes = [z] + ([latent_lines[:, 1:m].flatten(0, 1)] if m > 1 else [])
        decoded = self.model.decoder(torch.cat(codes, 0))
        reconstructions = decoded[:b]
        inner = [decoded[b:].reshape(p, m - 1, *x.shape[1:])] if m > 1 else []
        frames = torch.cat(
            [reconstructions[sources].unsqueeze(1)] + inner + [reconstructions[targets].unsqueeze(1)],
            1)
        flat_frames = frames.flatten(0, 1)

        logits = self.critic(torch.cat([x, flat_frames.detach()], 0))
        discriminator_loss = F.softplus(-logits[:b]).mean() + F.softplus(logits[b:]).mean()

        adversarial = F.softplus(-frozen(self.critic, flat_frames)).mean()
        cycle = (latent_lines.flatten(0, 1) - self.model.encoder(flat_frames)).pow(2).mean()
        smoothness = (m * (frames[:, 1:] - frames[:, :-1])).pow(2).mean()
        reconstruction = mse(reconstructions, x)
        total = (reconstruction + self.lambda_a * adversarial + self.lambda_c * cycle
                 + self.lambda_s * smoothness)
        check_finite(total, reconstruction, adversarial, cycle, smoothness, discriminator_loss)
        self.update(total, discriminator_loss)


METHODS = {
    "baseline": ("baseline", lambda rng, a: PathEnergyTrainer(rng, alpha=0.0)),
    "vae": ("vae", lambda rng, a: Vae(rng)),
    "acai": ("acai", lambda rng, a: Acai(rng)),
    "aeai": ("aeai", lambda rng, a: Aeai(rng, pairs=a.pairs)),
    "path-energy": (
        "path-energy (balanced)",
        lambda rng, a: PathEnergyTrainer(rng, pairs=a.pairs, steps=a.time_steps)),
    "path-energy-unbalanced": (
        "path-energy (unbalanced, tau = {tau:g})",
        lambda rng, a: PathEnergyTrainer(rng, tau=a.tau, pairs=a.pairs, steps=a.time_steps)),
}


# ---------------------------------------------------------------------------------------------
# Data and timing


def disk_batch(batch, seed=0):
    """Anti-aliased disks (synthetic.rs `disk`) of radius 2 + 4u at centre 6 + 20u, as the
    Rust bench draws them: (B, 1, 32, 32) float32 in [0, 1]."""
    rng = np.random.default_rng(seed)
    ii, jj = np.mgrid[0:SIZE, 0:SIZE]
    images = np.empty((batch, 1, SIZE, SIZE), dtype=np.float32)
    for k in range(batch):
        radius = 2.0 + 4.0 * rng.random()
        ci, cj = 6.0 + 20.0 * rng.random(), 6.0 + 20.0 * rng.random()
        images[k, 0] = np.clip(radius - np.hypot(ii - ci, jj - cj) + 0.5, 0.0, 1.0)
    return torch.from_numpy(images)


def build(method, args, seed=0):
    torch.manual_seed(seed)
    return METHODS[method][1](np.random.default_rng(seed), args)


def time_steps(method, batch, args):
    """Seconds per step of each of --repeats timed steps, after --warmup untimed ones."""
    trainer = build(method, args)
    images = disk_batch(batch)
    for _ in range(args.warmup):
        trainer.step(images)
    runs = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        trainer.step(images)
        runs.append(time.perf_counter() - start)
    return runs


def parse_list(text, kind=str):
    return [kind(v) for v in text.split(",") if v]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--methods", "--method", default=",".join(METHODS),
                        help=f"comma-separated, from {', '.join(METHODS)} (default: all)")
    parser.add_argument("--batches", "--batch", default="64,256",
                        help="comma-separated batch sizes (default: 64,256)")
    parser.add_argument("--repeats", type=int, default=10, help="timed steps (median reported)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--steps", type=int, default=None,
                        help="just run this many steps of ONE method at ONE batch size")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--pairs", type=int, default=9, help="pairs per batch of the path energy and of AEAI (as the experiments set both)")
    parser.add_argument("--time-steps", type=int, default=19, help="path-energy T")
    parser.add_argument("--tau", type=float, default=1.0, help="unbalanced source weight")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args()
    methods, batches = parse_list(args.methods), parse_list(args.batches, int)
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        parser.error(f"unknown method(s) {unknown}; expected {list(METHODS)}")

    torch.set_num_threads(args.threads)
    torch.set_default_dtype(torch.float32)
    parallel = [line.strip() for line in torch.__config__.parallel_info().splitlines()
                if "get_num_threads" in line or "parallel backend" in line]
    print(f"torch {torch.__version__}, numpy {np.__version__}, scipy {scipy.__version__}; "
          f"torch.get_num_threads() = {torch.get_num_threads()}; {'; '.join(parallel)}")

    if args.steps is not None:
        if len(methods) != 1 or len(batches) != 1:
            parser.error("--steps needs exactly one --method and one --batch")
        trainer, images = build(methods[0], args), disk_batch(batches[0])
        start = time.perf_counter()
        for _ in range(args.steps):
            trainer.step(images)
        elapsed = time.perf_counter() - start
        print(f"{methods[0]} batch {batches[0]}: {args.steps} steps in {elapsed:.3f} s "
              f"({elapsed / max(args.steps, 1):.4f} s/step)")
        return

    results = {}
    for method in methods:
        for batch in batches:
            runs = time_steps(method, batch, args)
            results.setdefault(method, {})[batch] = {
                "median_s": statistics.median(runs), "min_s": min(runs), "runs": len(runs)}
            print(f"  {method} batch {batch}: median {statistics.median(runs):.4f} s/step "
                  f"(min {min(runs):.4f}, {len(runs)} runs)", file=sys.stderr, flush=True)

    print(f"\nOne optimisation step, PyTorch CPU, {args.threads} threads, 32x32 gray disks, "
          f"median of {args.repeats} after {args.warmup} warm-up steps; path energy: "
          f"{args.pairs} pairs, T = {args.time_steps}, 32x32 grid, scipy sparse LU.\n")
    print("| method | " + " | ".join(f"batch {b} (s/step)" for b in batches) + " |")
    print("|---|" + "---:|" * len(batches))
    for method in methods:
        label = METHODS[method][0].format(tau=args.tau)
        cells = [f"{results[method][b]['median_s']:.4f}" for b in batches]
        print(f"| {label} | " + " | ".join(cells) + " |")
    if args.json:
        print(json.dumps({
            "torch": torch.__version__, "threads": torch.get_num_threads(),
            "repeats": args.repeats, "warmup": args.warmup, "pairs": args.pairs,
            "time_steps": args.time_steps, "tau": args.tau,
            "results": {m: {str(b): r for b, r in rs.items()} for m, rs in results.items()},
        }, indent=2))


if __name__ == "__main__":
    main()
