"""The loss summed over a data set, at many states of the model y_hat = w x (+ b).

    >>> import core
    >>> d = core.article_dataset()                       # x = 2, y = 2: twenty samples
    >>> core.data_loss("l1", d.x, d.y, [20.0, 1.0, 0.5]).tolist()
    [760.0, 0.0, 20.0]

Two ways, one answer (tests hold them to each other within the rounding of the sums):

- directly: the sum over the samples, in bounded blocks, O(n) per state. Used with a bias, and for
  a few states.
- by pieces, for the slope alone: every loss is piecewise quadratic in r (`Loss.kinks`,
  `Loss.quadratics`), so sum_i loss(w x_i - y_i) is piecewise quadratic in w, with breakpoints at
  w = (kink + y_i) / x_i. Sorting them once gives each interval's quadratic; a state then costs one
  binary search and a few multiplications, O(log n). Each interval's quadratic is written around its
  lowest point a (the minimiser within the interval): L(w) = L(a) + L'(a) (w - a) + A (w - a)², with
  L(a) summed directly. For a convex loss every term is >= 0, so the result keeps its relative
  precision down to an exact fit (L2 at w* on noise-free data), where expanded sums would not.
"""

from __future__ import annotations

import numpy as np

from core.losses import Loss, make_loss

_CHUNK = 1 << 20  # elements per block when summing directly
_PIECES_FROM = 16  # states from which the sorted pieces beat the direct sum
_BLOCK = 32768  # states per block
_COUNT_UP_TO = 48  # breakpoints up to which counting those below a state beats numpy's binary search


def data_loss(loss: str | Loss, x, y, w, b=None, **loss_params) -> np.ndarray:
    """sum_i loss(w x_i + b - y_i) for each state; `w` (and `b`, same shape, or None: no bias) any shape."""
    loss = make_loss(loss, **loss_params)
    x, y = np.asarray(x, dtype=float).reshape(-1), np.asarray(y, dtype=float).reshape(-1)
    if x.shape != y.shape:
        raise ValueError(f"x and y need one length, got {x.size} and {y.size}")
    w = np.asarray(w, dtype=float)
    with np.errstate(all="ignore"):
        if b is None and w.size >= _PIECES_FROM and _moderate(x, y):
            return by_pieces(loss, x, y, w)
        flat_b = np.zeros((1, w.size)) if b is None else np.broadcast_to(b, w.shape).reshape(1, -1)
        return direct_sum(loss, x[None], y[None], w.reshape(1, -1), flat_b).reshape(w.shape)


def direct_sum(loss: Loss, X: np.ndarray, Y: np.ndarray, W: np.ndarray, B: np.ndarray) -> np.ndarray:
    """sum_i loss(W x_i + B - y_i) per configuration and state: X, Y (1 or C, n); W, B (C, S) -> (C, S)."""
    C, S = W.shape
    out = np.empty((C, S))
    step = max(1, _CHUNK // max(1, C * X.shape[1]))
    for s in range(0, S, step):
        r = W[:, s : s + step, None] * X[:, None, :] - Y[:, None, :]
        r += B[:, s : s + step, None]
        out[:, s : s + step] = loss.value(r).sum(axis=2)
    return out


def _moderate(x: np.ndarray, y: np.ndarray) -> bool:
    """Data whose pieces' coefficients (x², x y, y²) can neither overflow nor underflow to 0."""
    ax = np.abs(x[x != 0])
    return bool(np.all(ax >= 1e-100) and np.all(ax <= 1e100) and np.all(np.abs(y) <= 1e100))


def by_pieces(loss: Loss, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """sum_i loss(w x_i - y_i) for each w (any shape), from the sorted pieces: O(log n) a state.

    For data with 1e-100 <= |x_i| <= 1e100 (or x_i = 0) and |y_i| <= 1e100; `data_loss` checks it.
    States go through in blocks that stay in cache (fresh large temporaries cost more than the
    arithmetic); an interval's L(a) is summed directly the first time a state falls in it.
    """
    t, A, B = _intervals(loss, x, y)
    a, slope = _anchors(A, B, np.concatenate([[-np.inf], t]), np.concatenate([t, [np.inf]]))
    at_anchor, have = np.zeros(a.size), np.zeros(a.size, dtype=bool)
    flat = np.ascontiguousarray(w).reshape(-1)
    out = np.empty(flat.size)
    for s in range(0, flat.size, _BLOCK):
        block = flat[s : s + _BLOCK]
        j = _interval_of(t, block)
        need = np.zeros(a.size, dtype=bool)
        need[j] = True
        need &= ~have
        if need.any():
            at_anchor[need] = direct_sum(loss, x[None], y[None], a[need][None], np.zeros((1, int(need.sum()))))[0]
            have |= need
        d = block - a.take(j)
        o = A.take(j)  # L(a) + d (L'(a) + A d)
        o *= d
        o += slope.take(j)
        o *= d
        o += at_anchor.take(j)
        out[s : s + _BLOCK] = o
    return out.reshape(w.shape)


def _interval_of(t: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Index of the interval holding each w: the number of breakpoints below it."""
    if t.size > _COUNT_UP_TO:
        return np.searchsorted(t, w)
    k, above = np.zeros(w.shape, dtype=np.int16), np.empty(w.shape, dtype=bool)
    for tj in t.tolist():  # a few breakpoints: a comparison pass each beats a binary search per state
        k += np.greater(w, tj, out=above)
    return k.astype(np.intp)  # take() is many times faster with native indices


def _intervals(loss: Loss, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted breakpoints t (M,) and the w² and w coefficients (A, B) of the summed loss on each of the M + 1 intervals.

    Sample i's piece j, a r² + b r + c with r = x w - y, is a x² w² + (b x - 2 a x y) w + ... in w. As w grows
    the residual of a sample with x > 0 goes through the pieces 0, 1, .., m (x < 0: backwards); a sample
    with x = 0 adds a constant, which the direct sum at the anchors counts.
    """
    q, kinks = np.array(loss.quadratics), np.array(loss.kinks)
    m = kinks.size
    keep = x != 0
    xs, ys = x[keep][:, None], y[keep][:, None]

    def in_w(j):  # (samples, len(j)) coefficients of w² and w on piece(s) j
        a, b = q[j, 0][None, :], q[j, 1][None, :]
        return a * xs * xs, b * xs - 2 * a * xs * ys

    up = xs > 0
    first_a, first_b = (np.where(up, c[:, :1], c[:, 1:]) for c in in_w(np.array([0, m])))
    if m == 0:
        return np.empty(0), np.array([first_a.sum()]), np.array([first_b.sum()])
    t = (kinks[None, :] + ys) / xs
    (a0, b0), (a1, b1) = in_w(np.arange(m)), in_w(np.arange(1, m + 1))
    sign = np.where(up, 1.0, -1.0)
    order = np.argsort(t, axis=None, kind="stable")
    dA, dB = ((sign * (hi_ - lo_)).reshape(-1)[order] for hi_, lo_ in ((a1, a0), (b1, b0)))
    A = first_a.sum() + np.concatenate([[0.0], np.cumsum(dA)])
    B = first_b.sum() + np.concatenate([[0.0], np.cumsum(dB)])
    return t.reshape(-1)[order], A, B


def _anchors(A: np.ndarray, B: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each interval's lowest point a (clipped into it; 0 if it has none) and the slope there (0 inside)."""
    curved = A > 0
    vertex = np.where(curved, -B / np.where(curved, 2 * A, 1.0), np.where(B > 0, -np.inf, np.inf))
    vertex = np.where(~curved & (B == 0), 0.0, vertex)
    a = np.clip(vertex, lo, hi)
    a = np.where(np.isfinite(a), a, np.clip(0.0, lo, hi))
    inside = (vertex > lo) & (vertex < hi)
    return a, np.where(inside, 0.0, 2 * A * a + B)
