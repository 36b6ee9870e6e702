"""What the math predicts, for the model y_hat = w x (and w x + b where named).

- `l1_minimizers`, `l1_optimum`: argmin_w sum |w x_i - y_i| is a weighted median of
  y_i / x_i with weights |x_i| (an interval when the weights split exactly in half).
- `l2_optimum`: least squares, sum x y / sum x².
- `fit_line`: the exact minimiser of any loss for y = w x + b, by nested 1-D convex search
  (an independent check on gradient descent; least squares and L1 lines included).
- `oscillation_band`: with a constant lr, once absolute-L1 descent is inside this interval
  it never leaves it.
- `l2_epoch_radius`: how much one epoch of constant-lr L2 descent multiplies the distance to its
  cycle (the spectral radius of the epoch's product of batch maps); < 1 means the run settles.
- `l2_max_stable_lr`: the real limit, the smallest lr > 0 at which that radius reaches 1 (stable
  for every lr below it). `l2_contracting_lr`: the older, sufficient bound (every batch step
  contracts on its own), which can be far below the limit.
- `signed_l1_closed_form`: w_k = w0 - sum_{j<k} lr_j * S, with S the sum of x per gradient.

One rule for learning rates across core: a constant learning rate is a finite number > 0
(`descend`, `descend_many`, `schedules.constant`, `oscillation_band`, `l2_epoch_radius` refuse 0,
negatives, nan and inf with the same ValueError); a schedule may return 0 at some updates (cosine's
tail: "no step"), never a negative or non-finite rate.

Over 400 lines: one short closed form per fact the tests hold the engine to; split, one loss's facts would scatter.
"""

from __future__ import annotations

import numpy as np

from core.losses import Loss, _for_value, loss_value, make_loss
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


def distance_to_interval(v: float, lo: float, hi: float) -> float:
    """How far v lies outside [lo, hi]: 0 inside it, else the distance to the nearer end."""
    return max(lo - v, v - hi, 0.0)


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


def _median(r: np.ndarray) -> float:
    """np.median of a 1-D array of numbers, bit for bit (the middle one, or the mean of the middle two), by one
    partition: np.median's own wrapper costs several times the partition on the few dozen points fits see."""
    h = r.size // 2
    if r.size % 2:
        return float(np.partition(r, h)[h])
    p = np.partition(r, (h - 1, h))
    return float((p[h - 1] + p[h]) / 2)


def _best_bias(loss: str, r0: np.ndarray, params: dict) -> float:
    """argmin_b sum loss(r0 + b): a median for l1, a mean for l2, bisection otherwise."""
    if loss == "l1":
        return -_median(r0) if np.all(np.isfinite(r0)) else float(-np.median(r0))
    if loss == "l2":
        return float(-np.mean(r0))
    grad = make_loss(loss, **params).grad
    lo, hi = float(-r0.max()), float(-r0.min())
    for _ in range(200):  # the derivative sum loss'(r0 + b) is non-decreasing in b
        if hi - lo <= 1e-12 * (1.0 + abs(lo)):
            break
        mid = (lo + hi) / 2
        if np.sum(grad(r0 + mid)) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


_PAIRS_UP_TO = 200  # points up to which the L1 line's slope is searched among the slopes of pairs


def _l1_slope(x: np.ndarray, y: np.ndarray, ways: int = 16) -> float | None:
    """The slope of the L1 line with a bias, or None where the 1-D search must decide (a flat or near-flat minimum).

    g(w) = min_b sum |w x_i + b - y_i| is convex and linear between the slopes of pairs of points (where two
    residuals swap places around their median), so its minimum is at one of those slopes: sorted once, a search
    in `ways` steps keeps the neighbours of the least sampled g (each step one vectorised pass over 17 slopes).
    Where g at the winner is within rounding of g at a neighbouring slope, or the winner is the first or last
    slope, which minimiser the search returns is rounding's choice: None, and `fit_line`'s search decides as ever.
    """
    n = x.size
    if n > _PAIRS_UP_TO or n < 3:
        return None
    i, j = np.triu_indices(n, 1)
    dx = x[j] - x[i]
    s = np.unique((y[j] - y[i])[dx != 0] / dx[dx != 0])
    if s.size < 3 or not np.all(np.isfinite(s)):
        return None
    lo, hi = 0, s.size - 1
    while True:
        idx = np.unique(np.linspace(lo, hi, ways + 1).round().astype(np.intp))
        R = s[idx, None] * x - y
        g = np.abs(R - np.median(R, axis=1, keepdims=True)).sum(axis=1)
        m = int(np.argmin(g))
        if idx.size == hi - lo + 1:  # every slope in the bracket evaluated
            break
        lo, hi = int(idx[max(m - 1, 0)]), int(idx[min(m + 1, idx.size - 1)])
    tie = 64 * n * np.finfo(float).eps * float(g.max())
    near = g[max(m - 1, 0) : m + 2]
    if idx[m] in (0, s.size - 1) or np.sum(near <= g[m] + tie) > 1:
        return None
    return float(s[idx[m]])


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
    loss: Loss = make_loss("huber", delta=delta)  # its value and gradient, without a name's look-up per call

    def f(theta):
        return float(np.sum(loss.value(A @ theta - y)))

    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    f0 = f(theta)
    for _ in range(40):
        r = A @ theta - y
        g = A.T @ loss.grad(r)  # clip(r, -delta, delta)
        if float(np.max(np.abs(g))) <= 1e-11 * scale:
            return float(theta[0]), float(theta[1]) if fit_bias else 0.0
        # Newton's Hessian counts the quadratic points; the linear ones get the weight delta/|r| of
        # the quadratic that touches them there (a majoriser), which keeps H invertible far away.
        weight = np.where(np.abs(r) < delta, 1.0, 0.0)
        if _cond((A.T * weight) @ A) > 1e12:
            weight = np.minimum(1.0, delta / np.maximum(np.abs(r), 1e-300))
        H = (A.T * weight) @ A
        if _cond(H) > 1e12:
            return None
        step, t = np.linalg.solve(H, g), 1.0
        while (f1 := f(theta - t * step)) > f0 and t > 1e-6:
            t /= 2
        theta, f0 = theta - t * step, f1  # f1 is f at the new theta: the next step's f0
    return None


def _cond(H: np.ndarray) -> float:
    """The condition number of a symmetric positive semi-definite 1 x 1 or 2 x 2 matrix, lambda_max / lambda_min
    (inf when singular), in closed form: np.linalg.cond's SVD costs more than a Newton step's arithmetic."""
    if H.shape == (1, 1):
        return 1.0 if H[0, 0] != 0 else float("inf")
    a, b, c = float(H[0, 0]), float(H[0, 1]), float(H[1, 1])
    top = (a + c) / 2 + float(np.hypot((a - c) / 2, b))
    low = (a * c - b * b) / top if top > 0 else 0.0  # det / lambda_max: no cancellation between the two
    return top / low if low > 0 else float("inf")


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

    value = _for_value(loss, params).value  # loss_value's function, looked up once

    def g(w: float) -> float:
        r0 = w * x - y
        b = _best_bias(loss, r0, params) if fit_bias else 0.0
        return float(np.sum(value(r0 + b)))

    w = _l1_slope(x, y) if loss == "l1" and fit_bias else None
    if w is None:
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
    lr is a constant learning rate: a finite number > 0 (the rule `descend` applies to one).
    """
    x, y = _xy(x, y)
    n = x.size
    lr = _constant_lr(lr)
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


def _constant_lr(lr) -> float:
    """A constant learning rate, checked by core's one rule: a finite number > 0."""
    try:
        value = float(lr)
    except (TypeError, ValueError):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}") from None
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"lr must be a finite number > 0, got {value}")
    return value


def _batch_grams(x, batch_size: int | None, fit_bias: bool) -> list[np.ndarray]:
    """X_b^T X_b for each batch in order (1 x 1 for the slope alone, 2 x 2 with a bias)."""
    x = np.asarray(x, dtype=float).reshape(-1)
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"x must be a non-empty array of finite numbers, got {x.size} values")
    if batch_size is not None and (int(batch_size) != batch_size or batch_size < 1):
        raise ValueError(f"batch_size must be a whole number >= 1 or None, got {batch_size!r}")
    bs = x.size if batch_size is None else min(int(batch_size), x.size)
    grams = []
    for i in _gradient_batches(x.size, bs):
        A = np.stack([x[i], np.ones(i.size)], axis=1) if fit_bias else x[i][:, None]
        grams.append(A.T @ A)
    if fit_bias and np.ptp(x) == 0:
        raise ValueError("with a bias, x needs two different values (else w and b are not identifiable)")
    return grams


def _radius(grams: list[np.ndarray], lr: float) -> float:
    """rho(M_B ... M_1) with M_b = I - 2 lr G_b: one epoch's map of the distance to L2's cycle."""
    if grams[0].shape == (1, 1):  # scalars: |prod (1 - 2 lr s_b)|, summed in logs so it never overflows
        with np.errstate(divide="ignore"):
            logs = np.log(np.abs(1.0 - 2.0 * lr * np.array([g[0, 0] for g in grams])))
        return float(np.exp(min(np.sum(logs), 700.0)))
    M = np.eye(2)
    with np.errstate(all="ignore"):
        for G in grams:
            M = (np.eye(2) - 2.0 * lr * G) @ M
            M = M / max(1.0, float(np.abs(M).max())) if not np.all(np.isfinite(M)) else M
        if not np.all(np.isfinite(M)):
            return float("inf")
        return float(np.abs(np.linalg.eigvals(M)).max())


def l2_epoch_radius(x, lr: float, batch_size: int | None = None, fit_bias: bool = False) -> float:
    """How much one epoch of constant-lr L2 descent multiplies the distance to its cycle.

    Batch b's update is  theta <- (I - 2 lr X_b^T X_b) theta + 2 lr X_b^T y_b,  so one epoch (batches
    in order) maps theta -> M theta + c with M = M_B ... M_1, M_b = I - 2 lr X_b^T X_b. The run settles
    on a cycle of one epoch iff the spectral radius rho(M) < 1, and the distance to it is multiplied
    by about rho(M) per epoch. For the slope alone rho(M) = |prod_b (1 - 2 lr sum_{i in b} x_i^2)|.
    Shuffling keeps the batch sizes, so when every x_i^2 is the same (the article's x = 2) the
    radius is the same shuffled; otherwise it is the radius of batches in order.
    """
    return _radius(_batch_grams(x, batch_size, fit_bias), _constant_lr(lr))


def _first_unstable_slope_only(s: np.ndarray) -> float:
    """Smallest lr > 0 with prod_b |1 - a_b lr| = 1, a_b = 2 s_b (the slope alone).

    f(lr) = sum_b log|1 - a_b lr| is concave between consecutive poles 1/a_b (each term is), so on each
    such interval {f >= 0} is one interval: find f's maximum there by bisection on f' (decreasing),
    and if it is >= 0 the first crossing by bisection on the rising side. f(0) = 0 with f'(0) < 0,
    so the first interval is stable; past the last pole f rises to infinity, so a crossing exists.
    """
    a = 2.0 * s[s > 0]
    if a.size == 0:
        return float("inf")
    f = lambda lr: float(np.sum(np.log(np.abs(1.0 - a * lr))))  # noqa: E731
    df = lambda lr: float(np.sum(-a / (1.0 - a * lr)))  # noqa: E731
    poles = np.unique(1.0 / a)
    edges = [*poles, float("inf")]
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        top = hi
        if np.isfinite(hi):  # f's maximum on (lo, hi): where f' changes sign
            left, right = lo, hi
            for _ in range(200):
                mid = (left + right) / 2
                if mid in (left, right):
                    break
                left, right = (mid, right) if df(mid) > 0 else (left, mid)
            top = (left + right) / 2
            if f(top) < 0:
                continue
        else:
            top = 2.0 * lo
            while f(top) < 0:
                top *= 2.0
        left, right = lo, top  # f rises from -inf at lo to >= 0 at top
        for _ in range(200):
            mid = (left + right) / 2
            if mid in (left, right):
                break
            left, right = (mid, right) if f(mid) < 0 else (left, mid)
        return right
    raise AssertionError("unreachable: f rises without bound past the last pole")


def l2_max_stable_lr(x, batch_size: int | None = None, fit_bias: bool = False) -> float:
    """The smallest constant lr > 0 at which L2 descent stops settling: `l2_epoch_radius` reaches 1.

    Every lr below it is stable (the run converges to its cycle); at it the radius is 1. Above it the
    radius is > 1 except possibly on stable islands, where some batch's factor 1 - 2 lr sum x^2 passes
    through 0 (ask `l2_epoch_radius` for one lr). For the slope alone the limit is found exactly (to
    rounding) by `_first_unstable_slope_only`; with a bias, by bracketing the radius on a grid of
    relative step 1/1024 from `l2_contracting_lr` upward, then bisection (to the grid's resolution: an
    unstable stretch narrower than one grid step could be missed). With one x value repeated (the
    article's x = 2, batches of 2) it equals the contracting bound, 1/8.
    """
    grams = _batch_grams(x, batch_size, fit_bias)
    if not fit_bias:
        return _first_unstable_slope_only(np.array([g[0, 0] for g in grams]))
    lo = l2_contracting_lr(x, batch_size, fit_bias)
    hi = lo
    for _ in range(20 * 1024):  # up to about e^20 times the contracting bound
        hi = lo * (1.0 + 1.0 / 1024)
        if _radius(grams, hi) >= 1.0:
            break
        lo = hi
    else:
        return float("inf")
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        lo, hi = (mid, hi) if _radius(grams, mid) < 1.0 else (lo, mid)
    return hi


def l2_contracting_lr(x, batch_size: int | None = None, fit_bias: bool = False) -> float:
    """A sufficient bound, 1 / max_b lambda_max(X_b^T X_b): below it every L2 batch step contracts.

    The update of a batch is  theta <- theta - 2 lr X_b^T (X_b theta - y_b),  a contraction when
    |1 - 2 lr lambda| < 1 for the eigenvalues lambda of X_b^T X_b, i.e. lr < 1 / lambda_max. Every lr
    below it is stable, but the real limit (`l2_max_stable_lr`) can be well above it: a batch may
    overshoot as long as the epoch as a whole contracts.
    """
    worst = max(float(np.linalg.eigvalsh(G).max()) for G in _batch_grams(x, batch_size, fit_bias))
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
