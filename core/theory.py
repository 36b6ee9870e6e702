"""What the math predicts, for the model y_hat = w x (and w x + b where named).

- `l1_minimizers`, `l1_optimum`: argmin_w sum |w x_i - y_i| is a weighted median of
  y_i / x_i with weights |x_i| (an interval when the weights split exactly in half).
- `l2_optimum`: least squares, sum x y / sum x².
- `fit_line`: the exact minimiser of any loss for y = w x + b, by nested 1-D convex search
  (an independent check on gradient descent; least squares and L1 lines included).
- `oscillation_band`: with a constant lr, once absolute-L1 descent is inside this interval
  it never leaves it.
- `l2_max_stable_lr`: the largest constant lr for which every L2 batch step contracts.
- `signed_l1_closed_form`: w_k = w0 - sum_{j<k} lr_j * S, with S the sum of x per gradient.
"""

from __future__ import annotations

import numpy as np

from core.losses import loss_grad, loss_value
from core.schedules import Schedule, rates


def _xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=float).reshape(-1), np.asarray(y, dtype=float).reshape(-1)
    if x.shape != y.shape or x.size == 0:
        raise ValueError(f"x and y need one non-zero length, got {x.size} and {y.size}")
    return x, y


def l1_minimizers(x, y) -> tuple[float, float]:
    """The interval (lo, hi) of w minimising sum |w x_i - y_i|: a weighted median of y/x.

    sum |w x_i - y_i| = sum |x_i| |w - y_i/x_i|, so the minimisers are where the cumulative
    weight |x_i| of the sorted ratios y_i/x_i crosses half the total.
    """
    x, y = _xy(x, y)
    keep = x != 0
    if not keep.any():
        return (-np.inf, np.inf)  # the loss does not depend on w
    z, wt = y[keep] / x[keep], np.abs(x[keep])
    order = np.argsort(z, kind="stable")
    z, cum = z[order], np.cumsum(wt[order])
    half = cum[-1] / 2.0
    j = int(np.searchsorted(cum, half))  # first index with cum >= half
    if np.isclose(cum[j], half, rtol=1e-12, atol=0) and j + 1 < z.size:
        return (float(z[j]), float(z[j + 1]))
    return (float(z[j]), float(z[j]))


def l1_optimum(x, y) -> float:
    """A minimiser of sum |w x_i - y_i|: the midpoint of `l1_minimizers` (the weighted median)."""
    lo, hi = l1_minimizers(x, y)
    return float((lo + hi) / 2)


def l2_optimum(x, y) -> float:
    """argmin_w sum (w x_i - y_i)² = sum x y / sum x²."""
    x, y = _xy(x, y)
    sxx = float(np.dot(x, x))
    if sxx == 0:
        raise ValueError("l2_optimum needs at least one non-zero x")
    return float(np.dot(x, y) / sxx)


def _convex_argmin(f, lo: float, hi: float, iters: int = 200) -> float:
    """Golden-section search for the minimiser of a convex f on [lo, hi]."""
    g = (np.sqrt(5) - 1) / 2
    a, b = lo, hi
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iters):
        if b - a <= 1e-13 * max(1.0, abs(a), abs(b)):
            break
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    return (a + b) / 2


def _bracket(f, center: float, step: float) -> tuple[float, float]:
    """An interval around the minimiser of a convex f: walk out from `center`, doubling the step."""
    f0 = f(center)
    lo, hi = center - step, center + step
    for _ in range(200):
        if f(lo) >= f0:
            break
        lo, step = lo - step, step * 2
    step = abs(hi - center)
    for _ in range(200):
        if f(hi) >= f0:
            break
        hi, step = hi + step, step * 2
    return lo, hi


def _best_bias(loss: str, r0: np.ndarray, params: dict) -> float:
    """argmin_b sum loss(r0 + b): a median for l1, a mean for l2, bisection otherwise."""
    if loss == "l1":
        return float(-np.median(r0))
    if loss == "l2":
        return float(-np.mean(r0))
    lo, hi = float(-r0.max()), float(-r0.min())
    for _ in range(200):  # the derivative sum loss'(r0 + b) is non-decreasing in b
        if hi - lo <= 1e-12 * (1.0 + abs(lo)):
            break
        mid = (lo + hi) / 2
        if np.sum(loss_grad(loss, r0 + mid, **params)) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _huber_newton(x: np.ndarray, y: np.ndarray, fit_bias: bool, delta: float) -> tuple[float, float] | None:
    """argmin sum huber(w x_i + b - y_i) by Newton's method on its pieces, or None if it cannot tell.

    The loss is quadratic on the points with |r| < delta and linear on the others, so with the
    set of "quadratic" points fixed, one Newton step lands on that piece's minimiser. Repeat (with
    a halving line search) until the gradient sum clip(r) (x, 1) is zero to rounding. While too
    few points are quadratic to pin the line down, the linear ones count with weight delta/|r|
    (iteratively reweighted least squares). None after 40 steps, which happens when the optimum
    is L1-like (one quadratic point or none): the caller then uses the 1-D search.
    """
    A = np.stack([x, np.ones_like(x)], axis=1) if fit_bias else x[:, None]
    scale = delta * float(np.sum(np.abs(A))) + 1e-300  # the largest the gradient can be

    def f(theta):
        return float(np.sum(loss_value("huber", A @ theta - y, delta=delta)))

    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    for _ in range(40):
        r = A @ theta - y
        g = A.T @ np.clip(r, -delta, delta)
        if float(np.max(np.abs(g))) <= 1e-11 * scale:
            return float(theta[0]), float(theta[1]) if fit_bias else 0.0
        # Newton's Hessian counts the quadratic points; the linear ones get the weight delta/|r| of
        # the quadratic that touches them there (a majoriser), which keeps H invertible far away.
        weight = np.where(np.abs(r) < delta, 1.0, 0.0)
        if np.linalg.cond((A.T * weight) @ A) > 1e12:
            weight = np.minimum(1.0, delta / np.maximum(np.abs(r), 1e-300))
        H = (A.T * weight) @ A
        if np.linalg.cond(H) > 1e12:
            return None
        step = np.linalg.solve(H, g)
        f0, t = f(theta), 1.0
        while f(theta - t * step) > f0 and t > 1e-6:
            t /= 2
        theta = theta - t * step
    return None


def fit_line(loss: str, x, y, fit_bias: bool = True, **params) -> tuple[float, float]:
    """(w, b) minimising sum loss(w x_i + b - y_i), without gradient descent.

    L2 with a bias is solved by least squares, Huber by Newton's method on its pieces
    (`_huber_newton`). Otherwise, or when Newton cannot tell, g(w) = min_b sum loss(w x + b - y)
    is convex in w; golden-section search on it, with the best b found for each w.
    """
    if loss == "signed_l1":
        raise ValueError("signed_l1 is unbounded below: it has no minimiser")
    x, y = _xy(x, y)
    if not fit_bias:
        if loss == "l1":
            return l1_optimum(x, y), 0.0
        if loss == "l2":
            return l2_optimum(x, y), 0.0
    if loss == "l2" and fit_bias and np.ptp(x) > 0:
        A = np.stack([x, np.ones_like(x)], axis=1)
        (w, b), *_ = np.linalg.lstsq(A, y, rcond=None)
        return float(w), float(b)
    if loss == "huber":
        loss_value(loss, np.zeros(1), **params)  # refuses a bad delta or an unknown parameter
        fast = _huber_newton(x, y, fit_bias, float(params.get("delta", 1.0)))
        if fast is not None:
            return fast

    def g(w: float) -> float:
        r0 = w * x - y
        b = _best_bias(loss, r0, params) if fit_bias else 0.0
        return float(np.sum(loss_value(loss, r0 + b, **params)))

    start = fit_line("l2", x, y, fit_bias)[0] if np.ptp(x) > 0 or not fit_bias else 0.0
    w = _convex_argmin(g, *_bracket(g, start, 1.0 + abs(start)))
    b = _best_bias(loss, w * x - y, params) if fit_bias else 0.0
    return float(w), float(b)


def _gradient_batches(n: int, batch_size: int) -> list[np.ndarray]:
    return [np.arange(i, min(n, i + batch_size)) for i in range(0, n, batch_size)]


def oscillation_band(x, y, lr: float, batch_size: int | None = None, shuffle: bool = False) -> tuple[float, float]:
    """An interval that constant-lr absolute-L1 descent (slope only) never leaves once inside.

    Full batch (batch_size None or >= n): [lo - lr G, hi + lr G] with (lo, hi) the L1
    minimisers and G = sum |x|: a step never moves w by more than lr G, and outside the
    minimisers it moves towards them. With mini-batches each batch pulls towards its own
    minimisers, so the band spans all batches' minimisers, widened by lr max_b sum_b |x|.
    With shuffling the batches change each epoch; the band then spans every y_i / x_i.
    """
    x, y = _xy(x, y)
    n = x.size
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be > 0, got {lr=}")
    if batch_size is None or batch_size >= n:
        lo, hi = l1_minimizers(x, y)
        reach = lr * float(np.sum(np.abs(x)))
        return lo - reach, hi + reach
    if shuffle:
        z = y[x != 0] / x[x != 0]
        reach = lr * float(np.sum(np.sort(np.abs(x))[-batch_size:]))
        return float(z.min()) - reach, float(z.max()) + reach
    bounds = [l1_minimizers(x[i], y[i]) for i in _gradient_batches(n, batch_size)]
    reach = lr * max(float(np.sum(np.abs(x[i]))) for i in _gradient_batches(n, batch_size))
    return min(b[0] for b in bounds) - reach, max(b[1] for b in bounds) + reach


def l2_max_stable_lr(x, batch_size: int | None = None, fit_bias: bool = False) -> float:
    """Largest constant lr for which each L2 batch update contracts: 1 / max_b lambda_max(X_b^T X_b).

    The update of a batch is  theta <- theta - 2 lr X_b^T (X_b theta - y_b),  a contraction
    when |1 - 2 lr lambda| < 1 for the eigenvalues lambda of X_b^T X_b, i.e. lr < 1 / lambda_max.
    With one x value repeated (the article's x = 2, batches of 2) this bound is exact: 1/8.
    """
    x = np.asarray(x, dtype=float).reshape(-1)
    bs = x.size if batch_size is None else min(batch_size, x.size)
    worst = 0.0
    for i in _gradient_batches(x.size, bs):
        A = np.stack([x[i], np.ones(i.size)], axis=1) if fit_bias else x[i][:, None]
        worst = max(worst, float(np.linalg.eigvalsh(A.T @ A).max()))
    if worst == 0:
        return float("inf")
    return 1.0 / worst


def signed_l1_closed_form(w0: float, lr: float | Schedule, grad_sum_x, n_updates: int) -> np.ndarray:
    """w_k = w0 - sum_{j<k} lr_j S_j for k = 0..n_updates.

    Signed L1's gradient is S_j = the sum of x over the samples of update j, whatever w and y
    are: a number (the same every update) or an array with one sum per update.
    """
    steps = rates(lr, n_updates) * np.broadcast_to(np.asarray(grad_sum_x, dtype=float), (n_updates,))
    return w0 - np.concatenate([[0.0], np.cumsum(steps)])


def gradient_x_sums(x, batch_size: int, epochs: int, full: bool = False) -> np.ndarray:
    """S_j = sum of x over the samples each update uses (batches in order), for j = 0..K-1."""
    x = np.asarray(x, dtype=float).reshape(-1)
    if full:
        per_epoch = np.full(len(_gradient_batches(x.size, batch_size)), x.sum())
    else:
        per_epoch = np.array([x[i].sum() for i in _gradient_batches(x.size, batch_size)])
    return np.tile(per_epoch, epochs)


def entered_band_at(w: np.ndarray, band: tuple[float, float]) -> int | None:
    """First update after which w stays inside `band` for the rest of the run, or None."""
    w = np.asarray(w, dtype=float)
    outside = ~((w >= band[0]) & (w <= band[1]))
    if outside[-1]:
        return None
    last_out = np.flatnonzero(outside)
    return 0 if last_out.size == 0 else int(last_out[-1] + 1)
