"""Sweep 256 learning rates x 2,000 updates: descend_many (one vectorised pass, the full-data loss
tracked at every update, as the pages ask) against the article's way (a Python loop per run), in one
process. Prints both times, the ratio, the largest difference between the two results and between
the tracked loss and the direct sum; then one run of 10,000 and of 20,000 updates.

    python -m bench.core_sweep            # target: >= 100x faster with the loss tracked, w equal to 1e-8
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import core
from core.loss_sums import direct_sum

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
    """(best wall time, best CPU time of this process, result) over `repeats` calls. On a shared machine
    the CPU time moves less with the other processes' load than the wall time does."""
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="vectorised repeats (best is kept)")
    args = parser.parse_args()
    data = core.article_dataset(noise_sigma=5.0, seed=0)
    rates = np.logspace(-4, -1, N_RATES)
    sweep = lambda **kw: core.descend_many(data, "l1", rates, W0, BATCH, epochs=EPOCHS, **kw)  # noqa: E731

    t_loop, c_loop, looped = best_of(1, lambda: np.stack([article_loop(data.x, data.y, lr, W0) for lr in rates]))
    t_full, c_full, tracked = best_of(args.repeats, sweep)
    t_vec, c_vec, untracked = best_of(args.repeats, lambda: sweep(track_loss=False))
    diff = float(np.max(np.abs(tracked.w - looped)))
    flat = tracked.w.reshape(1, -1)
    direct = direct_sum(core.make_loss("l1"), data.x[None], data.y[None], flat, np.zeros_like(flat))[0]
    loss_diff = float(np.max(np.abs(tracked.loss.reshape(-1) - direct) / direct))
    np.testing.assert_array_equal(untracked.w, tracked.w)
    row = "  {:<44}{:8.3f} s / {:.3f} s{}"
    print(f"sweep: {N_RATES} learning rates x {tracked.n_updates} updates, absolute L1, sigma 5  (wall / CPU time)")
    print(row.format("article's way (Python loop per run):", t_loop, c_loop, ""))
    print(row.format("descend_many, the loss at every update:", t_full, c_full, f"   (best of {args.repeats})"))
    ratios = f"{t_loop / t_full:.1f}x / {c_loop / c_full:.1f}x"
    print(f"  speed-up, loss tracked (what pages ask):    {ratios}   (target >= 100x)")
    print(
        row.format(
            "descend_many, track_loss=False:", t_vec, c_vec, f"   ({t_loop / t_vec:.1f}x / {c_loop / c_vec:.1f}x)"
        )
    )
    print(f"  largest |difference| in w between the two: {diff:.2e}   (target <= 1e-8)")
    print(f"  tracked loss against the direct sum:       {loss_diff:.2e} (largest relative difference)")

    t_hot, c_hot, _ = best_of(args.repeats * 4, lambda: core.descend(data, "l1", 0.01, W0, BATCH, epochs=1000))
    print(f"  one run of 10,000 updates, loss tracked (the pages' hot case): {t_hot * 1e3:.1f} / {c_hot * 1e3:.1f} ms")
    t_one, c_one, _ = best_of(args.repeats, lambda: core.descend(data, "l1", 0.01, W0, BATCH, epochs=2000))
    print(
        f"  one run of {core.MAX_UPDATES:,} updates (the cap), loss tracked: {t_one * 1e3:.1f} / {c_one * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
