"""Sweep 256 learning rates x 2,000 updates: descend_many (one vectorised pass) against the
article's way (a Python loop per run), in one process. Prints both times, the ratio and the
largest difference between the two results.

    python -m bench.core_sweep            # target: >= 100x faster, results equal to 1e-8
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import core

N_RATES, EPOCHS, BATCH, W0 = 256, 200, 2, 20.0  # 20 samples, batches of 2: 2,000 updates per run


def article_loop(x: np.ndarray, y: np.ndarray, lr: float, w: float) -> np.ndarray:
    """The seed article's training loop for absolute L1, one run, as it would be written by hand."""
    ws = [w]
    for _ in range(EPOCHS):
        for start in range(0, x.size, BATCH):
            this_x, this_y = x[start : start + BATCH], y[start : start + BATCH]
            y_hat = w * this_x
            _loss = np.sum(np.abs(y_hat - this_y))  # the article computes (and prints) the batch loss
            gradient = np.sum(np.sign(y_hat - this_y) * this_x)
            w -= lr * gradient
            ws.append(w)
    return np.array(ws)


def best_of(repeats: int, fn):
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="vectorised repeats (best is kept)")
    args = parser.parse_args()
    data = core.article_dataset(noise_sigma=5.0, seed=0)
    rates = np.logspace(-4, -1, N_RATES)

    t_vec, many = best_of(
        args.repeats, lambda: core.descend_many(data, "l1", rates, W0, BATCH, EPOCHS, track_loss=False)
    )
    t_loop, looped = best_of(1, lambda: np.stack([article_loop(data.x, data.y, lr, W0) for lr in rates]))
    diff = float(np.max(np.abs(many.w - looped)))
    print(f"sweep: {N_RATES} learning rates x {many.n_updates} updates, absolute L1, sigma 5")
    print(f"  article's way (Python loop per run): {t_loop:8.3f} s")
    print(f"  descend_many (one vectorised pass):  {t_vec:8.3f} s   (best of {args.repeats})")
    print(f"  speed-up: {t_loop / t_vec:6.1f}x   (target >= 100x)")
    print(f"  largest |difference| between the two: {diff:.2e}   (target <= 1e-8)")

    t_full, _ = best_of(args.repeats, lambda: core.descend_many(data, "l1", rates, W0, BATCH, EPOCHS))
    print(f"  with the full-data loss at every update (track_loss=True): {t_full:.3f} s")
    t_one, _ = best_of(args.repeats, lambda: core.descend(data, "l1", 0.01, W0, BATCH, 2000))
    print(f"  one run of {core.MAX_UPDATES:,} updates (the cap), loss tracked: {t_one:.3f} s")


if __name__ == "__main__":
    main()
